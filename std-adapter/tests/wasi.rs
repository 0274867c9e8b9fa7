//! lockstamp under WASI preview 1: dot-locks in a preopened directory.
//!
//! Run with a WASI runtime as the cargo runner, e.g.
//! `CARGO_TARGET_WASM32_WASIP1_RUNNER="node .ci/wasi-run.mjs"
//!  cargo test -p lockstamp --target wasm32-wasip1 --test wasi`
//! (`.ci/run` does this; the runner preopens a fresh host directory as `/tmp`).
#![cfg(target_os = "wasi")]

use std::path::PathBuf;
use std::time::Duration;

use lockstamp::{ErrorKind, LockFile, Options, Primitive, Wait};

/// A fresh directory inside the preopened `/tmp` for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from("/tmp").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir in the preopened /tmp");
    dir
}

#[test]
fn default_lock_is_a_dot_lock_removed_on_release() {
    let dir = scratch("dot");
    let path = dir.join("job.lock");
    let lock = LockFile::lock(&path).expect("lock");
    assert!(path.exists(), "the dot-lock file exists while held");

    let err = LockFile::lock(&path).expect_err("second lock must be contended");
    assert!(err.is_locked(), "{err}");
    assert_eq!(
        std::io::Error::from(err).kind(),
        std::io::ErrorKind::WouldBlock
    );

    lock.close().expect("close");
    assert!(!path.exists(), "a dot-lock is released by removing it");
    LockFile::lock(&path)
        .expect("free again")
        .close()
        .expect("close");
}

#[test]
fn stamp_without_pid_is_written_and_names_the_holder() {
    let dir = scratch("stamp");
    let path = dir.join("svc.lock");
    let opts = Options::new().template("{program}@{time}");
    let lock = opts
        .lock(&path)
        .expect("lock with a template WASI can render");
    let content = std::fs::read_to_string(&path).expect("read stamp");
    assert!(
        content.starts_with(' ') && content.ends_with('\n'),
        "{content:?}"
    );
    assert!(content.contains('@'), "{content:?}");

    let err = opts.lock(&path).expect_err("contended");
    assert!(err.is_locked());
    let holder = err.holder().expect("holder read from the dot-lock");
    assert!(holder.time().is_some(), "{holder:?}");
    drop(lock);
}

#[test]
fn pid_template_is_refused_before_anything_is_created() {
    let dir = scratch("pid");
    let path = dir.join("pid.lock");
    let err = Options::new()
        .template("{pid}")
        .lock(&path)
        .expect_err("WASI has no process ids");
    assert!(!err.is_locked());
    assert!(
        !path.exists(),
        "nothing is created for a template that cannot render"
    );
}

#[test]
fn flock_and_fcntl_are_unsupported_with_a_clear_error() {
    let dir = scratch("unsupported");
    for primitive in [Primitive::Flock, Primitive::Fcntl] {
        let path = dir.join("x.lock");
        let err = Options::new()
            .no_stamp()
            .primitive(primitive)
            .lock(&path)
            .expect_err("no lock call on WASI");
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{primitive:?}: {err}");
        assert!(!err.is_locked());
    }
}

#[test]
fn timed_wait_gives_up_and_names_the_holder() {
    let dir = scratch("timed");
    let path = dir.join("t.lock");
    let opts = Options::new().template("{time}");
    let lock = opts.lock(&path).expect("lock");
    let err = opts
        .clone()
        .wait(Wait::For(Duration::from_millis(50)))
        .lock(&path)
        .expect_err("still held");
    assert!(err.is_locked(), "{err}");
    assert!(err.holder().is_some());
    drop(lock);
    assert!(!path.exists());
}

#[test]
fn status_sees_the_dot_lock() {
    let dir = scratch("status");
    let path = dir.join("s.lock");
    assert!(!lockstamp::status(&path).expect("status").locked);
    let lock = LockFile::lock(&path).expect("lock");
    assert!(lockstamp::status(&path).expect("status").locked);
    drop(lock);
    assert!(!lockstamp::status(&path).expect("status").locked);
}
