//! zc.lockfile's own test suite, ported: the behaviours its users rely on.

#![cfg(unix)]
use std::fs;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use lockstamp::{LockFile, Options};

fn pid() -> u32 {
    std::process::id()
}

#[test]
fn threads_in_one_process_exclude_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    let inside = Arc::new(AtomicUsize::new(0));
    let max_inside = Arc::new(AtomicUsize::new(0));
    let taken = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (path, inside, max_inside, taken, barrier) = (
                path.clone(),
                inside.clone(),
                max_inside.clone(),
                taken.clone(),
                barrier.clone(),
            );
            std::thread::spawn(move || {
                barrier.wait();
                for _ in 0..200 {
                    match LockFile::lock(&path) {
                        Ok(lock) => {
                            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                            max_inside.fetch_max(now, Ordering::SeqCst);
                            taken.fetch_add(1, Ordering::SeqCst);
                            inside.fetch_sub(1, Ordering::SeqCst);
                            lock.close().unwrap();
                        }
                        Err(e) => assert!(e.is_locked(), "unexpected error: {e}"),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(max_inside.load(Ordering::SeqCst), 1);
    assert!(taken.load(Ordering::SeqCst) > 0);
}

#[test]
fn failed_attempt_leaves_the_holders_content_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    let lock = Options::new()
        .template("{pid};{hostname}")
        .lock(&path)
        .unwrap();
    let before = fs::read(&path).unwrap();
    for _ in 0..3 {
        let err = Options::new()
            .template("someone else entirely")
            .lock(&path)
            .unwrap_err();
        assert!(err.is_locked());
        assert_eq!(err.holder().and_then(|h| h.pid()), Some(pid()));
    }
    assert_eq!(fs::read(&path).unwrap(), before);
    drop(lock);
}

#[test]
fn exactly_one_stamp_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    // A longer stamp first: the next, shorter one must not leave its tail behind.
    fs::write(&path, " 999999999;a-very-long-previous-hostname\n").unwrap();
    for _ in 0..3 {
        let lock = LockFile::lock(&path).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), format!(" {}\n", pid()));
        lock.close().unwrap();
    }
}

#[test]
fn relock_after_close_and_file_left_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    let lock = LockFile::lock(&path).unwrap();
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    lock.close().unwrap();
    assert!(
        path.exists(),
        "the lock file is left behind, as in zc.lockfile"
    );
    let again = LockFile::lock(&path).unwrap();
    drop(again);
    // Dropping releases too.
    LockFile::lock(&path).unwrap().close().unwrap();
}

#[test]
fn no_stamp_keeps_existing_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    fs::write(&path, "keep me").unwrap();
    let lock = Options::new().no_stamp().lock(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "keep me");
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    lock.close().unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn stamp_bytes_match_zc_lockfile_framing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    let lock = Options::new()
        .template("{pid};{hostname}")
        .lock(&path)
        .unwrap();
    let host = rustix_hostname();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format!(" {};{}\n", pid(), host)
    );
    drop(lock);
}

fn rustix_hostname() -> String {
    // Same source as Python's socket.gethostname(): uname's nodename.
    let out = std::process::Command::new("uname")
        .arg("-n")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}
