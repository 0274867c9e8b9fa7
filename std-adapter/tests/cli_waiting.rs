//! Waiting for a lock: `-w` timing out and succeeding, `-v`'s waiting line, shared locks,
//! the other primitives, and `flock(1)` as a peer.
#![cfg(feature = "cli")]

mod cli_support;

use cli_support::{code, run, s, text, Proc, Scratch};

#[test]
fn wait_times_out_with_the_conflict_code() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, pid) = Proc::hold(&[], &lock);
    let out = run(&["-w", "0.2", s(&lock), "echo", "must not run"]);
    assert_eq!(code(&out), 1);
    assert_eq!(text(&out.stdout), "");
    let err = text(&out.stderr);
    assert!(err.contains(&format!("held by pid {pid}")), "{err}");
    let out = run(&["-w", "0.1", "-E", "42", s(&lock), "true"]);
    assert_eq!(code(&out), 42);
    holder.release();
    assert_eq!(holder.finish(), 0);
}

#[test]
fn wait_succeeds_when_the_holder_leaves_and_verbose_names_it() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, pid) = Proc::hold(&[], &lock);
    let mut waiter = Proc::start(&["-v", "-w", "120", s(&lock), "sh", "-c", "echo got it $PPID"]);
    // The waiting line proves the waiter found the lock held before we let go of it.
    let waiting = waiter.err_line();
    let file = s(&lock);
    assert_eq!(
        waiting,
        format!("lockstamp: waiting for \"{file}\" (held by pid {pid})")
    );
    holder.release();
    assert_eq!(holder.finish(), 0);
    assert_eq!(waiter.line(), format!("got it {}", waiter.child.id()));
    assert_eq!(waiter.finish(), 0);
    assert_eq!(
        waiter.rest_of_stderr(),
        "",
        "the waiting line is printed once"
    );
}

#[test]
fn default_waits_forever_like_flock() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, _) = Proc::hold(&[], &lock);
    let mut waiter = Proc::start(&["--verbose", s(&lock), "echo", "got it"]);
    assert!(waiter.err_line().starts_with("lockstamp: waiting for"));
    holder.release();
    assert_eq!(holder.finish(), 0);
    assert_eq!(waiter.line(), "got it");
    assert_eq!(waiter.finish(), 0);
}

#[test]
fn verbose_says_nothing_when_the_lock_is_free() {
    let dir = Scratch::new();
    let out = run(&["-v", s(&dir.path("x.lock")), "true"]);
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn shared_locks_coexist_and_exclude_exclusive_ones() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut reader, _) = Proc::hold(&["-s"], &lock);
    let out = run(&["-s", "-n", s(&lock), "echo", "second reader"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "second reader\n");
    assert_eq!(
        code(&run(&["-n", s(&lock), "true"])),
        1,
        "a writer must wait"
    );
    reader.release();
    assert_eq!(reader.finish(), 0);
}

#[test]
fn fcntl_and_create_new_locks_exclude_their_own_kind() {
    for primitive in ["--fcntl", "--create-new"] {
        let dir = Scratch::new();
        let lock = dir.path("x.lock");
        let (mut holder, _) = Proc::hold(&[primitive], &lock);
        let out = run(&[primitive, "-n", s(&lock), "true"]);
        assert_eq!(code(&out), 1, "{primitive}: {}", text(&out.stderr));
        holder.release();
        assert_eq!(holder.finish(), 0);
        let out = run(&[primitive, "-n", s(&lock), "true"]);
        assert_eq!(
            code(&out),
            0,
            "{primitive} after release: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn flock_1_is_a_peer() {
    let Ok(version) = std::process::Command::new("flock")
        .arg("--version")
        .output()
    else {
        eprintln!("flock(1) not installed; skipping");
        return;
    };
    assert!(version.status.success());
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, _) = Proc::hold(&[], &lock);
    let peer = std::process::Command::new("flock")
        .args(["-n", s(&lock), "true"])
        .status()
        .expect("run flock");
    assert_eq!(
        peer.code(),
        Some(1),
        "flock -n must fail while lockstamp holds the lock"
    );
    holder.release();
    assert_eq!(holder.finish(), 0);
    // And the other way round: lockstamp -n fails while flock(1) holds it.
    let mut flock = std::process::Command::new("flock")
        .args([s(&lock), "sh", "-c", "echo locked; read line || true"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start flock");
    let mut stdout = std::io::BufReader::new(flock.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("read");
    assert_eq!(line, "locked\n");
    assert_eq!(code(&run(&["-n", s(&lock), "true"])), 1);
    drop(flock.stdin.take());
    assert!(flock.wait().expect("wait for flock").success());
}
