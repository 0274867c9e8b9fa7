//! Interop with util-linux `flock(1)`: each excludes the other on the same path.
#![cfg(target_os = "linux")]

use std::process::Command;

use lockstamp::{LockFile, Options};
use lockstamp_tests::Helper;

fn flock_available() -> bool {
    let ok = Command::new("flock")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED flock(1) interop: util-linux flock is not installed");
    }
    ok
}

#[test]
fn flock_n_fails_while_we_hold_and_succeeds_after() {
    if !flock_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let busy = Command::new("flock")
        .args(["-n", path.to_str().unwrap(), "true"])
        .status()
        .unwrap();
    assert_eq!(busy.code(), Some(1), "flock -n must fail while we hold it");
    // Shared flock(1) is refused by our exclusive lock as well.
    let shared = Command::new("flock")
        .args(["-n", "-s", path.to_str().unwrap(), "true"])
        .status()
        .unwrap();
    assert_eq!(shared.code(), Some(1));
    lock.close().unwrap();
    let free = Command::new("flock")
        .args(["-n", path.to_str().unwrap(), "true"])
        .status()
        .unwrap();
    assert!(free.success());
}

#[test]
fn we_fail_while_flock_holds_and_succeed_after() {
    if !flock_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut holder = Helper::spawn(
        "flock",
        [
            path.to_str().unwrap(),
            "sh",
            "-c",
            "echo locked; read line; echo released",
        ],
    );
    holder.expect("locked");
    let err = LockFile::lock(&path).unwrap_err();
    assert!(err.is_locked());
    assert!(err.holder().is_none(), "flock(1) writes no stamp");
    assert_eq!(err.to_string(), format!("Couldn't lock {path:?}"));
    assert!(lockstamp::status(&path).unwrap().locked);
    holder.send("");
    holder.expect("released");
    assert!(holder.finish().0.success());
    LockFile::lock(&path).unwrap().close().unwrap();
}

#[test]
fn shared_locks_coexist_with_flock_s() {
    if !flock_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut holder = Helper::spawn(
        "flock",
        [
            "-s",
            path.to_str().unwrap(),
            "sh",
            "-c",
            "echo locked; read line",
        ],
    );
    holder.expect("locked");
    let ours = Options::new().shared().lock(&path).unwrap();
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    drop(ours);
    holder.send("");
    assert!(holder.finish().0.success());
}

#[test]
fn waits_hand_over_both_ways() {
    if !flock_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    // flock(1) holds; our timed wait gets the lock when it lets go.
    let mut holder = Helper::spawn(
        "flock",
        [path.to_str().unwrap(), "sh", "-c", "echo locked; read line"],
    );
    holder.expect("locked");
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn({
        let path = path.clone();
        move || {
            tx.send(()).unwrap();
            Options::new()
                .wait(lockstamp::Wait::For(std::time::Duration::from_secs(60)))
                .lock(&path)
        }
    });
    rx.recv().unwrap();
    holder.send("");
    assert!(holder.finish().0.success());
    let ours = waiter.join().unwrap().expect("ours once flock(1) let go");

    // We hold; a blocking flock(1) gets the lock when we let go.
    let mut theirs = Helper::spawn("flock", [path.to_str().unwrap(), "echo", "got it"]);
    ours.close().unwrap();
    assert_eq!(theirs.line(), "got it");
    assert!(theirs.finish().0.success());
}
