//! What lockstamp refuses, before writing anything: symlinks, FIFOs, directories, bad
//! templates and paths.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::symlink;

use lockstamp::{ErrorKind, LockFile, OpKind, Options};

#[test]
fn symlink_at_the_path_is_refused_and_its_target_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("precious");
    fs::write(&target, "do not overwrite").unwrap();
    let path = dir.path().join("f.lock");
    symlink(&target, &path).unwrap();

    let err = LockFile::lock(&path).unwrap_err();
    assert!(!err.is_locked());
    assert_eq!(err.kind(), ErrorKind::Symlink);
    assert_eq!(err.op(), Some(OpKind::Open));
    assert_eq!(
        err.to_string(),
        format!("Couldn't open {path:?}: refusing to follow a symlink")
    );
    assert!(std::error::Error::source(&err).is_some(), "OS error kept");
    assert_eq!(fs::read_to_string(&target).unwrap(), "do not overwrite");

    // Opting in follows it (zc.lockfile's behaviour).
    let lock = Options::new().follow_symlinks(true).lock(&path).unwrap();
    assert_eq!(
        fs::read_to_string(&target).unwrap(),
        format!(" {}\n", std::process::id())
    );
    drop(lock);
}

#[test]
fn dangling_symlink_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("nothing-here");
    let path = dir.path().join("f.lock");
    symlink(&target, &path).unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Symlink);
    assert!(!target.exists());
}

#[test]
fn fifo_is_refused_without_hanging_or_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    // O_RDWR on a FIFO does not block on Linux; the regular-file check refuses it.
    let err = LockFile::lock(&path).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotRegular);
    assert_eq!(
        err.to_string(),
        format!("Couldn't open {path:?}: is not a regular file")
    );
    assert!(lockstamp::status(&path).is_err());
}

#[test]
fn directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = LockFile::lock(dir.path()).unwrap_err();
    assert!(!err.is_locked());
    assert!(
        matches!(err.kind(), ErrorKind::IsDirectory | ErrorKind::NotRegular),
        "{:?}",
        err.kind()
    );
}

#[test]
fn bad_templates_fail_before_anything_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    for bad in ["{", "}", "{}", "{0}", "{nope}", "{pid!r}", "{pid:x}"] {
        let err = Options::new().template(bad).lock(&path).unwrap_err();
        assert!(!err.is_locked(), "{bad}");
        assert_eq!(err.op(), None, "{bad}");
        assert!(err.template_error().is_some(), "{bad}");
        assert!(err.to_string().contains("bad template"), "{err}");
        assert!(!path.exists(), "{bad}: nothing may be created");
    }
    // And no lock is left held: a good template locks at once.
    LockFile::lock(&path).unwrap().close().unwrap();
}

#[test]
fn path_with_a_nul_byte_is_invalid_input() {
    let err = LockFile::lock("bad\0name.lock").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(!err.is_locked());
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
}

#[test]
fn missing_parent_directory_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let err = LockFile::lock(dir.path().join("no/such/dir.lock")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
}
