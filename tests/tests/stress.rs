//! Load: several processes hammer one lock path with each primitive and mode; never two
//! holders at once (an `O_EXCL` marker created inside each hold, and a counter incremented
//! inside each hold that must end at exactly processes × rounds), and nothing left behind
//! by dot-locks or remove-on-release.
//!
//! The default sizes keep each test within a few seconds on two busy cores in a debug
//! build; `*_full` variants run the 8 × 500 load and are `#[ignore]`d (run them with
//! `cargo test -p lockstamp-tests --test stress -- --ignored`).
#![cfg(unix)]

use std::path::Path;

use lockstamp_tests::Helper;

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

/// Runs `procs` hammer helpers for `rounds` each with `opts`, then checks the count.
fn hammer(dir: &Path, procs: u32, rounds: u32, opts: &[&str]) {
    let path = dir.join("hammer.lock");
    let counter = dir.join("counter");
    let mut helpers: Vec<Helper> = (0..procs)
        .map(|_| {
            let mut args = vec![
                "hammer".to_owned(),
                path.display().to_string(),
                rounds.to_string(),
                counter.display().to_string(),
            ];
            args.extend(opts.iter().map(|s| s.to_string()));
            Helper::spawn(HOLDER, args)
        })
        .collect();
    for h in &mut helpers {
        let line = h.line();
        assert_eq!(line, "done", "{opts:?}: a helper said {line:?}");
    }
    for h in helpers {
        assert!(h.finish().0.success());
    }
    let count: u32 = std::fs::read_to_string(&counter)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(count, procs * rounds, "{opts:?}: lost updates");
    let removes = opts.contains(&"--create-new") || opts.contains(&"--remove");
    if removes {
        assert!(!path.exists(), "{opts:?}: lock file left behind");
    }
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let expected: &[&str] = if removes {
        &["counter"]
    } else {
        &["counter", "hammer.lock"]
    };
    assert_eq!(names, expected, "{opts:?}: stray files");
}

const MODES: [&[&str]; 5] = [
    &["--wait-forever"],
    &["--fcntl", "--wait-forever"],
    &["--create-new", "--wait-ms", "60000"],
    &["--remove", "--wait-forever"],
    &["--fcntl", "--remove", "--wait-forever"],
];

#[test]
fn processes_never_hold_at_once_in_any_mode() {
    for opts in MODES {
        let dir = tempfile::tempdir().unwrap();
        hammer(dir.path(), 4, 60, opts);
    }
}

#[test]
fn non_blocking_attempts_under_load_never_double_hold() {
    // Wait::Never: contention is retried by the helper; every attempt that wins is alone.
    for opts in [
        &[][..],
        &["--fcntl"][..],
        &["--create-new"][..],
        &["--remove"][..],
    ] {
        let dir = tempfile::tempdir().unwrap();
        hammer(dir.path(), 4, 50, opts);
    }
}

#[test]
#[ignore = "8 processes x 500 rounds per mode: about two minutes in a debug build on two cores"]
fn processes_never_hold_at_once_in_any_mode_full() {
    for opts in MODES {
        let dir = tempfile::tempdir().unwrap();
        hammer(dir.path(), 8, 500, opts);
    }
}
