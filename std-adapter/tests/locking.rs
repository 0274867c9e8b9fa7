//! Lock semantics within one process: contention reporting, shared locks, primitives,
//! waits and status.
#![cfg(unix)]

use std::fs;
use std::time::Duration;

use lockstamp::{LockFile, Options, Primitive, Wait};

fn pid() -> u32 {
    std::process::id()
}

#[test]
fn contention_names_the_holder_and_converts_to_would_block() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = Options::new()
        .template("{pid};{hostname}")
        .lock(&path)
        .unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert!(err.is_locked());
    assert_eq!(err.path(), path);
    let holder = err.holder().unwrap();
    assert_eq!(holder.pid(), Some(pid()));
    let host = holder.hostname().unwrap().to_owned();
    assert_eq!(
        err.to_string(),
        format!("Couldn't lock {path:?}: held by pid {} on {host}", pid())
    );
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::WouldBlock);
    drop(lock);
}

#[test]
fn holder_display_falls_back_to_pid_or_raw_content() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Couldn't lock {path:?}: held by pid {}", pid())
    );
    drop(lock);

    let lock = Options::new().template("build\tbot").lock(&path).unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("Couldn't lock {path:?}: held by \"build\\tbot\"")
    );
    drop(lock);

    let lock = Options::new().no_stamp().lock(&path).unwrap();
    fs::write(&path, "").unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert!(err.holder().is_none());
    assert_eq!(err.to_string(), format!("Couldn't lock {path:?}"));
    drop(lock);
}

#[test]
fn shared_locks_coexist_and_exclude_exclusive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let a = Options::new().shared().lock(&path).unwrap();
    let b = Options::new().shared().lock(&path).unwrap();
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    drop(a);
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    drop(b);
    let ex = LockFile::lock(&path).unwrap();
    assert!(Options::new().shared().lock(&path).unwrap_err().is_locked());
    drop(ex);
}

#[test]
fn fcntl_handles_in_one_process_conflict_and_the_loser_does_not_drop_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let fcntl = Options::new().primitive(Primitive::Fcntl);
    let winner = fcntl.clone().lock(&path).unwrap();
    for _ in 0..3 {
        let err = fcntl.lock(&path).unwrap_err();
        assert!(err.is_locked());
        assert_eq!(err.holder().and_then(|h| h.pid()), Some(pid()));
    }
    // status() opens and closes the file too: that must not drop the process's lock.
    assert!(lockstamp::status(&path).unwrap().locked);
    assert!(fcntl.lock(&path).unwrap_err().is_locked());
    winner.close().unwrap();
    fcntl.lock(&path).unwrap().close().unwrap();
}

#[test]
fn create_new_dot_lock_is_removed_on_release() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let dot = Options::new().primitive(Primitive::CreateNew);
    let lock = dot.lock(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), format!(" {}\n", pid()));
    let err = dot.lock(&path).unwrap_err();
    assert!(err.is_locked());
    assert_eq!(err.holder().and_then(|h| h.pid()), Some(pid()));
    assert_eq!(
        err.to_string(),
        format!("Couldn't lock {path:?}: held by pid {}", pid())
    );
    assert!(dot.status(&path).unwrap().locked);
    lock.close().unwrap();
    assert!(!path.exists());
    assert!(!dot.status(&path).unwrap().locked);
    // Shared dot-locks cannot exist.
    let err = dot.clone().shared().lock(&path).unwrap_err();
    assert_eq!(err.kind(), lockstamp::ErrorKind::Unsupported);
}

#[test]
fn remove_on_release_removes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = Options::new().remove_on_release(true).lock(&path).unwrap();
    assert!(path.exists());
    lock.close().unwrap();
    assert!(!path.exists());
}

#[test]
fn new_files_are_private_by_default_and_mode_opts_out() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    drop(LockFile::lock(&path).unwrap());
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o077, 0, "group/other bits must be clear: {mode:o}");
    let other = dir.path().join("y.lock");
    drop(Options::new().mode(0o600).sync(true).lock(&other).unwrap());
    assert_eq!(
        fs::metadata(&other).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn timed_wait_succeeds_when_the_holder_releases_mid_wait() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let p = path.clone();
    let waiter = std::thread::spawn(move || {
        tx.send(()).unwrap();
        Options::new()
            .wait(Wait::For(Duration::from_secs(60)))
            .lock(&p)
    });
    rx.recv().unwrap();
    drop(lock);
    let got = waiter.join().unwrap().unwrap();
    got.close().unwrap();
}

#[test]
fn timed_wait_times_out_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let err = Options::new()
        .wait(Wait::For(Duration::from_millis(50)))
        .lock(&path)
        .unwrap_err();
    assert!(err.is_locked());
    assert_eq!(err.kind(), lockstamp::ErrorKind::TimedOut);
    assert_eq!(err.holder().and_then(|h| h.pid()), Some(pid()));
    assert_eq!(
        err.to_string(),
        format!("Couldn't lock {path:?}: timed out; held by pid {}", pid())
    );
    drop(lock);
}

#[test]
fn wait_forever_gets_the_lock_when_released() {
    let dir = tempfile::tempdir().unwrap();
    for primitive in [Primitive::Flock, Primitive::Fcntl, Primitive::CreateNew] {
        let path = dir.path().join(format!("{primitive:?}.lock"));
        let opts = Options::new().primitive(primitive);
        let lock = opts.lock(&path).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (p, o) = (path.clone(), opts.clone());
        let waiter = std::thread::spawn(move || {
            tx.send(()).unwrap();
            o.wait(Wait::Forever).lock(&p)
        });
        rx.recv().unwrap();
        drop(lock);
        waiter.join().unwrap().unwrap().close().unwrap();
    }
}

#[test]
fn status_reports_holder_and_lock_state_without_taking_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let free = lockstamp::status(&path).unwrap();
    assert!(!free.locked && free.holder.is_none());
    assert!(!path.exists(), "status never creates the file");

    let lock = Options::new()
        .template("{pid};{hostname}")
        .lock(&path)
        .unwrap();
    let held = lockstamp::status(&path).unwrap();
    assert!(held.locked);
    assert_eq!(held.holder.as_ref().and_then(|h| h.pid()), Some(pid()));
    assert!(held.holder.unwrap().hostname().is_some());
    // Looking did not take the lock from its holder.
    assert!(LockFile::lock(&path).unwrap_err().is_locked());
    drop(lock);

    let after = lockstamp::status(&path).unwrap();
    assert!(!after.locked);
    assert_eq!(
        after.holder.and_then(|h| h.pid()),
        Some(pid()),
        "stale stamp"
    );

    let shared = Options::new().shared().lock(&path).unwrap();
    assert!(lockstamp::status(&path).unwrap().locked);
    drop(shared);
}

#[test]
fn handles_and_errors_can_cross_threads() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<LockFile>();
    send_sync::<lockstamp::LockError>();
    send_sync::<Options>();
    send_sync::<lockstamp::Status>();
    // And an error converts into a boxed std error with its message intact.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let boxed: Box<dyn std::error::Error + Send + Sync> = LockFile::lock(&path).unwrap_err().into();
    assert!(boxed.to_string().starts_with("Couldn't lock"));
    drop(lock);
}
