//! Smoke test of the portable backend, meant for `wasm32-wasip1` under a WASI runtime
//! (`.ci/run` runs it with Node's `node:wasi`, the directory preopened as `/sandbox`):
//! dot-locks by default, contention naming the holder, removal on release, and
//! `Unsupported` (not a panic) for `flock`. Exits non-zero on the first failed check.
//!
//! Usage: `wasi_smoke DIR` (any target; on WASI, DIR must be a preopened directory).

use std::path::PathBuf;
use std::process::ExitCode;

use lockstamp::{ErrorKind, LockFile, Options, Primitive};

/// Passed and failed checks.
#[derive(Default)]
struct Tally {
    passed: u32,
    failed: u32,
}

fn check(ok: bool, what: &str, tally: &mut Tally) {
    println!("{} {what}", if ok { "ok" } else { "FAILED" });
    if ok {
        tally.passed += 1;
    } else {
        tally.failed += 1;
    }
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: wasi_smoke DIR");
        return ExitCode::from(64);
    };
    let path = dir.join("smoke.lock");
    let mut tally = Tally::default();
    let dot = Options::new()
        .primitive(Primitive::CreateNew)
        .template("wasi-smoke");

    match dot.lock(&path) {
        Ok(lock) => {
            check(path.exists(), "the dot-lock exists while held", &mut tally);
            let stamp = std::fs::read_to_string(&path).unwrap_or_default();
            check(
                stamp == " wasi-smoke\n",
                "stamped as zc.lockfile frames it",
                &mut tally,
            );
            match dot.lock(&path) {
                Err(e) => {
                    check(e.is_locked(), "a second lock is contention", &mut tally);
                    let named = e.holder().map(|h| h.content().to_vec());
                    check(
                        named.as_deref() == Some(&b"wasi-smoke"[..]),
                        "holder named",
                        &mut tally,
                    );
                    println!("   {e}");
                }
                Ok(_) => check(false, "a second lock is contention", &mut tally),
            }
            check(
                dot.status(&path).is_ok_and(|s| s.locked),
                "status: locked",
                &mut tally,
            );
            check(lock.close().is_ok(), "close", &mut tally);
            check(!path.exists(), "removed on release", &mut tally);
        }
        Err(e) => check(false, &format!("dot-lock: {e}"), &mut tally),
    }

    if cfg!(target_os = "wasi") {
        let default = LockFile::lock(&path);
        check(
            default.is_ok(),
            "the default lock works (unstamped dot-lock)",
            &mut tally,
        );
        drop(default);
        let flock = Options::new().primitive(Primitive::Flock).lock(&path);
        let unsupported = flock.is_err_and(|e| e.kind() == ErrorKind::Unsupported);
        check(unsupported, "flock is Unsupported, not a panic", &mut tally);
        let _ = std::fs::remove_file(&path);
    }

    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
