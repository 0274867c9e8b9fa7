//! Interop with Rust's own `std::fs::File::lock` family: on the same path, std's locks and
//! lockstamp's exclude each other, in one process (separate open files), across threads and
//! across processes, and shared locks coexist.
#![cfg(unix)]

use std::fs::{File, TryLockError};
use std::path::Path;
use std::sync::mpsc;

use lockstamp::{LockFile, Options};
use lockstamp_tests::Helper;

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

fn std_file(path: &Path) -> File {
    File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .unwrap()
}

#[test]
fn std_try_lock_fails_while_we_hold_and_succeeds_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let theirs = std_file(&path);
    assert!(matches!(theirs.try_lock(), Err(TryLockError::WouldBlock)));
    assert!(matches!(
        theirs.try_lock_shared(),
        Err(TryLockError::WouldBlock)
    ));
    lock.close().unwrap();
    theirs.try_lock().expect("free once we let go");
    theirs.unlock().unwrap();
}

#[test]
fn we_fail_while_std_holds_and_succeed_after() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let theirs = std_file(&path);
    theirs.lock().unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert!(err.is_locked(), "{err}");
    assert_eq!(
        std::io::Error::from(err).kind(),
        std::io::ErrorKind::WouldBlock
    );
    theirs.unlock().unwrap();
    LockFile::lock(&path).unwrap().close().unwrap();
}

#[test]
fn a_blocking_std_lock_in_another_thread_waits_for_our_release() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn({
        let path = path.clone();
        move || {
            let theirs = std_file(&path);
            tx.send("waiting").unwrap();
            theirs.lock().unwrap();
            tx.send("locked").unwrap();
            // Held by std: we must be refused now.
            let err = LockFile::lock(&path).unwrap_err();
            assert!(err.is_locked());
            theirs.unlock().unwrap();
        }
    });
    assert_eq!(rx.recv().unwrap(), "waiting");
    // While we hold, std's blocking lock cannot have returned.
    assert!(rx.try_recv().is_err());
    lock.close().unwrap();
    assert_eq!(rx.recv().unwrap(), "locked");
    waiter.join().unwrap();
}

#[test]
fn shared_locks_coexist_with_std_shared_locks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let ours = Options::new().shared().lock(&path).unwrap();
    let theirs = std_file(&path);
    theirs.try_lock_shared().expect("shared with shared");
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    theirs.unlock().unwrap();
    drop(ours);
}

#[test]
fn std_in_this_process_and_lockstamp_in_another_exclude_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut other = Helper::spawn(HOLDER, ["hold", path.to_str().unwrap()]);
    other.expect("locked");
    let theirs = std_file(&path);
    assert!(matches!(theirs.try_lock(), Err(TryLockError::WouldBlock)));
    other.send("");
    other.expect("released");
    assert!(other.finish().0.success());
    theirs.try_lock().unwrap();
    let mut other = Helper::spawn(HOLDER, ["try", path.to_str().unwrap()]);
    assert!(other.expect("busy").contains("Couldn't lock"));
    assert_eq!(other.finish().0.code(), Some(1));
    theirs.unlock().unwrap();
}
