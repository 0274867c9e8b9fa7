//! Locks between processes: the helper binary holds, this test process contends.
#![cfg(unix)]

use std::time::Duration;

use lockstamp::{LockFile, Options, Primitive, Wait};
use lockstamp_tests::{run, Helper};

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

fn hold(path: &std::path::Path, opts: &[&str]) -> Helper {
    Helper::hold(HOLDER, path, opts)
}

fn release(h: Helper) {
    h.release();
}

#[test]
fn another_process_holding_is_contention_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let h = hold(&path, &["--template", "{pid};{hostname}"]);
    let err = LockFile::lock(&path).unwrap_err();
    assert!(err.is_locked());
    assert_eq!(err.holder().and_then(|i| i.pid()), Some(h.pid()));
    let status = lockstamp::status(&path).unwrap();
    assert!(status.locked);
    assert_eq!(status.holder.and_then(|i| i.pid()), Some(h.pid()));
    release(h);
    assert!(!lockstamp::status(&path).unwrap().locked);
    LockFile::lock(&path).unwrap().close().unwrap();
}

#[test]
fn relock_while_a_child_that_inherited_nothing_is_alive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    // Spawned while locked: with O_CLOEXEC the child inherits no lock descriptor.
    let mut child = Helper::spawn(HOLDER, ["idle"]);
    child.expect("idle");
    lock.close().unwrap();
    let again = LockFile::lock(&path).expect("the child must not keep the lock");
    // And another process can take it once we let go, child still alive.
    drop(again);
    let (status, out) = run(HOLDER, ["try", path.to_str().unwrap()]);
    assert!(status.success(), "{out}");
    child.send("");
    assert!(child.finish().0.success());
}

#[test]
fn closing_the_losing_fcntl_handle_keeps_the_winners_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut pair = Helper::spawn(HOLDER, ["fcntl-pair", path.to_str().unwrap()]);
    pair.expect("ready");
    // Seen from another process, the lock is still held after the loser closed.
    let (status, out) = run(HOLDER, ["try", path.to_str().unwrap(), "--fcntl"]);
    assert_eq!(status.code(), Some(1), "{out}");
    assert!(out.starts_with("busy"), "{out}");
    // And from this one.
    let err = Options::new()
        .primitive(Primitive::Fcntl)
        .lock(&path)
        .unwrap_err();
    assert_eq!(err.holder().and_then(|i| i.pid()), Some(pair.pid()));
    assert!(lockstamp::status(&path).unwrap().locked);
    pair.send("");
    pair.expect("released");
    assert!(pair.finish().0.success());
    let (status, out) = run(HOLDER, ["try", path.to_str().unwrap(), "--fcntl"]);
    assert!(status.success(), "{out}");
}

#[test]
fn default_mode_is_0600_under_umask_022_and_077() {
    let dir = tempfile::tempdir().unwrap();
    for mask in ["022", "077", "000"] {
        let path = dir.path().join(format!("u{mask}.lock"));
        let (status, out) = run(HOLDER, ["umask", mask, path.to_str().unwrap()]);
        assert!(status.success(), "{out}");
        assert_eq!(out.trim(), "mode 600", "umask {mask}");
    }
}

/// The syscall number of flock(2), to see that the waiter is blocked inside it.
#[cfg(target_arch = "x86_64")]
const SYS_FLOCK: &str = "73";
#[cfg(target_arch = "aarch64")]
const SYS_FLOCK: &str = "32";
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const SYS_FLOCK: &str = "";

/// Waits (by polling /proc, bounded) until `pid` is blocked in flock(2); `false` if that
/// cannot be observed here.
fn blocked_in_flock(pid: u32) -> bool {
    for _ in 0..2000 {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/syscall")) else {
            return false;
        };
        if !SYS_FLOCK.is_empty() && text.split_whitespace().next() == Some(SYS_FLOCK) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

#[test]
fn a_signal_during_a_blocking_wait_does_not_fail_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let holder = hold(&path, &[]);
    let mut waiter = Helper::spawn(HOLDER, ["wait-signalled", path.to_str().unwrap()]);
    waiter.expect("waiting");
    let observable = !SYS_FLOCK.is_empty()
        && std::fs::read_to_string(format!("/proc/{}/syscall", waiter.pid())).is_ok();
    let observed = blocked_in_flock(waiter.pid());
    assert_eq!(observed, observable, "the waiter never blocked in flock(2)");
    for _ in 0..3 {
        let sent = std::process::Command::new("kill")
            .args(["-USR1", &waiter.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        if observed {
            // Back in flock(2) after EINTR: the retry happened.
            assert!(blocked_in_flock(waiter.pid()), "waiter left flock(2)");
        }
    }
    release(holder);
    let signals: usize = waiter.expect("locked").parse().unwrap();
    assert!(signals >= 1, "the handler ran {signals} times");
    assert!(waiter.finish().0.success());
}

#[test]
fn timed_wait_gets_a_lock_released_by_another_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut holder = hold(&path, &[]);
    let p = path.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        tx.send(()).unwrap();
        Options::new()
            .wait(Wait::For(Duration::from_secs(120)))
            .lock(&p)
    });
    rx.recv().unwrap();
    holder.send("");
    holder.expect("released");
    let lock = waiter.join().unwrap().expect("lock after release");
    lock.close().unwrap();
    assert!(holder.finish().0.success());
}

#[test]
fn timed_wait_times_out_naming_the_other_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let h = hold(&path, &["--template", "{pid};{hostname}"]);
    let err = Options::new()
        .wait(Wait::For(Duration::from_millis(100)))
        .lock(&path)
        .unwrap_err();
    assert!(err.is_locked());
    assert_eq!(err.kind(), lockstamp::ErrorKind::TimedOut);
    assert_eq!(err.holder().and_then(|i| i.pid()), Some(h.pid()));
    assert!(
        err.to_string()
            .contains(&format!("timed out; held by pid {} on ", h.pid())),
        "{err}"
    );
    release(h);
}

#[test]
fn remove_on_release_never_lets_two_processes_hold_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let marker = dir.path().join("holder.marker");
    let helpers: Vec<Helper> = (0..4)
        .map(|_| {
            Helper::spawn(
                HOLDER,
                [
                    "churn",
                    path.to_str().unwrap(),
                    "200",
                    marker.to_str().unwrap(),
                ],
            )
        })
        .collect();
    for mut h in helpers {
        let line = h.line();
        assert_eq!(line, "done", "two holders at once");
        assert!(h.finish().0.success());
    }
    assert!(!path.exists(), "the last holder removed the file");
}

#[test]
fn dot_locks_exclude_other_processes_and_hand_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut h = hold(&path, &["--create-new"]);
    let dot = Options::new().primitive(Primitive::CreateNew);
    let err = dot.lock(&path).unwrap_err();
    assert!(err.is_locked());
    assert_eq!(err.holder().and_then(|i| i.pid()), Some(h.pid()));
    let p = path.clone();
    let waiter = std::thread::spawn(move || {
        Options::new()
            .primitive(Primitive::CreateNew)
            .wait(Wait::For(Duration::from_secs(120)))
            .lock(&p)
    });
    h.send("");
    h.expect("released");
    waiter
        .join()
        .unwrap()
        .expect("dot-lock after removal")
        .close()
        .unwrap();
    assert!(h.finish().0.success());
}

/// A held lock file deleted by someone else, then made again by a second locker: the first
/// holder's release must not remove the second's file (it checks the path is still its
/// own). `opts` are the helper's flags, `ours` the same options in this process.
fn release_spares_a_lock_made_after_ours_was_deleted(opts: &[&str], ours: Options) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let h = hold(&path, opts);
    std::fs::remove_file(&path).unwrap(); // the lock is broken by hand
    let second = ours.lock(&path).expect("the path is free again");
    release(h); // "released": no error either
    assert!(
        path.exists(),
        "the first holder removed the second's lock file"
    );
    let err = ours.lock(&path).unwrap_err();
    assert!(err.is_locked(), "{err}");
    assert_eq!(err.holder().and_then(|i| i.pid()), Some(std::process::id()));
    second.close().unwrap();
    assert!(!path.exists(), "the second holder removes its own file");
}

#[test]
fn releasing_a_broken_dot_lock_spares_the_new_one() {
    let dot = Options::new().primitive(Primitive::CreateNew);
    release_spares_a_lock_made_after_ours_was_deleted(&["--create-new"], dot);
}

#[test]
fn releasing_a_broken_remove_on_release_lock_spares_the_new_one() {
    let remove = Options::new().remove_on_release(true);
    release_spares_a_lock_made_after_ours_was_deleted(&["--remove"], remove);
}
