//! Hostile lock-file content and hostile paths: no panic, no hang, bounded reads, nothing
//! written, and messages a person can read (escaped, cut) with the right `io::ErrorKind`.
#![cfg(unix)]

use std::error::Error as _;
use std::fs::{self, File};
use std::io;
use std::path::Path;

use lockstamp::{ErrorKind, LockError, LockFile, Options, Primitive};

/// Holds `path` with a plain `flock` on its own open file description (what std's
/// `File::try_lock` does; std is newer than this crate's MSRV), and returns the error
/// lockstamp gives while it is held.
fn contend(path: &Path) -> LockError {
    let other = File::options().read(true).write(true).open(path).unwrap();
    rustix::fs::flock(&other, rustix::fs::FlockOperation::NonBlockingLockExclusive).unwrap();
    let err = LockFile::lock(path).unwrap_err();
    drop(other);
    err
}

fn readable(text: &str) -> bool {
    text.len() < 400 && !text.chars().any(char::is_control)
}

#[test]
fn hostile_content_is_read_bounded_shown_escaped_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("digits", vec![b'7'; 1 << 20]),
        ("nuls", vec![0; 4096]),
        ("invalid-utf8", b" \xff\xfe\xc3(;\x80host\n".to_vec()),
        ("newlines", b"\n\n\n".to_vec()),
        (
            "other-template",
            b" alice@build-7 since 1700000000\n".to_vec(),
        ),
        (
            "escape-sequences",
            b" 12;\x1b]0;pwned\x07\x1b[2J\n".to_vec(),
        ),
        (
            "long-host",
            format!(" 5;{}\n", "h".repeat(5000)).into_bytes(),
        ),
        ("pid-overflow", b" 99999999999999999999\n".to_vec()),
    ];
    for (name, content) in cases {
        let path = dir.path().join(format!("{name}.lock"));
        fs::write(&path, &content).unwrap();
        let err = contend(&path);
        assert!(err.is_locked(), "{name}: {err}");
        let (shown, debug) = (err.to_string(), format!("{err:?}"));
        assert!(readable(&shown), "{name}: {shown:?}");
        assert!(debug.len() < 1000, "{name}: Debug is {} bytes", debug.len());
        if let Some(holder) = err.holder() {
            assert!(
                holder.content().len() <= 512,
                "{name}: read more than 512 bytes"
            );
        }
        let status = lockstamp::status(&path).unwrap();
        assert!(!status.locked, "{name}: nobody holds it any more");
        assert!(status.holder.is_none_or(|h| h.content().len() <= 512));
        assert_eq!(
            fs::read(&path).unwrap(),
            content,
            "{name}: content untouched"
        );
    }
}

#[test]
fn a_huge_sparse_lock_file_is_read_only_at_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.lock");
    File::create(&path).unwrap().set_len(1 << 40).unwrap();
    let err = contend(&path);
    assert!(err.is_locked());
    assert!(readable(&err.to_string()), "{err}");
    assert_eq!(fs::metadata(&path).unwrap().len(), 1 << 40, "not truncated");
}

fn refused(path: impl AsRef<Path>) -> LockError {
    LockFile::lock(path.as_ref()).expect_err("must be refused")
}

#[test]
fn hostile_paths_are_refused_clearly_with_the_os_error_kind() {
    let dir = tempfile::tempdir().unwrap();
    let io_kind = |e: LockError| io::Error::from(e).kind();

    let err = refused("");
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let err = lockstamp::status("").expect_err("nothing is ever free at \"\"");
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(
        err.to_string(),
        "Couldn't open \"\": no such file or directory"
    );

    let err = refused(dir.path().join("missing/x.lock"));
    assert!(
        err.to_string().contains("no such file or directory"),
        "{err}"
    );
    assert!(err.source().is_some());
    assert_eq!(io_kind(err), io::ErrorKind::NotFound);

    let err = refused(dir.path().join("a".repeat(300)));
    assert!(err.to_string().contains("too long"), "{err}");
    assert_eq!(io_kind(err), io::ErrorKind::InvalidFilename);

    let deep = dir.path().join("d/".repeat(2100)).join("x.lock");
    let err = refused(&deep);
    assert!(err.to_string().contains("too long"), "{:?}", err.kind());

    let err = refused("/dev/null");
    assert_eq!(err.kind(), ErrorKind::NotRegular, "{err}");
    assert!(err.to_string().ends_with("is not a regular file"), "{err}");

    std::os::unix::fs::symlink(dir.path(), dir.path().join("to-dir")).unwrap();
    let err = refused(dir.path().join("to-dir"));
    assert_eq!(err.kind(), ErrorKind::Symlink, "{err}");
    let err = Options::new()
        .follow_symlinks(true)
        .lock(dir.path().join("to-dir"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::IsDirectory, "{err}");

    // A symlink loop, followed on request: a loop, not a "refusal".
    std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
    let err = Options::new()
        .follow_symlinks(true)
        .lock(dir.path().join("loop"))
        .unwrap_err();
    assert!(err.to_string().contains("symbolic links"), "{err}");

    let socket = dir.path().join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let err = refused(&socket);
    assert_eq!(err.kind(), ErrorKind::NotRegular, "{err}");
}

#[test]
fn an_unwritable_directory_is_permission_denied() {
    if rustix::process::geteuid().is_root() {
        eprintln!("SKIPPED: root may write anywhere");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    let err = refused(ro.join("x.lock"));
    assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
    assert_eq!(io::Error::from(err).kind(), io::ErrorKind::PermissionDenied);
}

#[test]
fn a_dot_lock_path_taken_by_a_device_is_contention_naming_nobody() {
    let err = Options::new()
        .primitive(Primitive::CreateNew)
        .lock("/dev/zero")
        .unwrap_err();
    assert!(err.is_locked(), "{err}");
    assert!(err.holder().is_none(), "a device is not read: {err}");
}

#[test]
fn debug_of_a_held_lock_and_of_an_error_is_compact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.lock");
    let template = format!("{{pid}};{}", "x".repeat(240));
    let lock = Options::new().template(&template).lock(&path).unwrap();
    let debug = format!("{lock:?}");
    assert!(debug.len() < 600 && !debug.contains("120, 120"), "{debug}");
    let err = LockFile::lock(&path).unwrap_err();
    let debug = format!("{err:?}");
    assert!(debug.len() < 800 && !debug.contains("120, 120"), "{debug}");
    lock.close().unwrap();
}

#[test]
fn extreme_wait_durations_neither_panic_nor_hang() {
    use lockstamp::Wait;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.lock");
    let held = LockFile::lock(&path).unwrap();
    let err = Options::new()
        .wait(Wait::For(Duration::ZERO))
        .lock(&path)
        .unwrap_err();
    assert!(err.is_locked(), "{err}");
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn({
        let path = path.clone();
        move || {
            tx.send(()).unwrap();
            Options::new()
                .wait(Wait::For(Duration::MAX))
                .lock(&path)
                .map(|l| l.close())
        }
    });
    rx.recv().unwrap();
    held.close().unwrap();
    waiter.join().unwrap().unwrap().unwrap();
}
