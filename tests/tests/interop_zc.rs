//! Interop with Python's zc.lockfile: the same bytes on disk, mutual exclusion both ways.
//!
//! Needs `python3` with `zc.lockfile` (`python3 -m pip install zc.lockfile`). Without it
//! the tests print why and pass, unless `LOCKSTAMP_REQUIRE_INTEROP=1` (as in `.ci/run`),
//! which turns a missing peer into a failure.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;

use lockstamp::{LockFile, Options};
use lockstamp_tests::{run, Helper};

const PEER: &str = r#"
import socket, sys, zc.lockfile
action, path, template = sys.argv[1:4]
if action == "render":
    pid = int(sys.argv[4])
    sys.stdout.write(" %s\n" % template.format(pid=pid, hostname=socket.gethostname()))
    sys.exit(0)
try:
    lock = zc.lockfile.LockFile(path, content_template=template)
except zc.lockfile.LockError as e:
    print("busy", e, flush=True)
    sys.exit(1)
print("locked", flush=True)
if action == "hold":
    sys.stdin.readline()
lock.close()
print("released", flush=True)
"#;

/// Whether python3 with zc.lockfile is here; panics instead when interop is required.
fn peer_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import zc.lockfile"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "python3 with zc.lockfile is not available (python3 -m pip install zc.lockfile)";
        if std::env::var_os("LOCKSTAMP_REQUIRE_INTEROP").is_some_and(|v| v == "1") {
            panic!("{why}, and LOCKSTAMP_REQUIRE_INTEROP=1");
        }
        eprintln!("SKIPPED zc.lockfile interop: {why}");
    }
    ok
}

fn peer(action: &str, path: &Path, template: &str) -> Helper {
    Helper::spawn(
        "python3",
        ["-c", PEER, action, path.to_str().unwrap(), template],
    )
}

#[test]
fn bytes_on_disk_equal_zc_lockfiles() {
    if !peer_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for template in ["{pid}", "{pid};{hostname}"] {
        // What zc.lockfile writes for our pid and host...
        let pid = std::process::id().to_string();
        let (status, python) = run(
            "python3",
            ["-c", PEER, "render", "-", template, pid.as_str()],
        );
        assert!(status.success());
        // ...is what we write.
        let path = dir.path().join("ours.lock");
        let lock = Options::new().template(template).lock(&path).unwrap();
        let ours = std::fs::read(&path).unwrap();
        drop(lock);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            python,
            "template {template}"
        );

        // And what zc.lockfile really leaves in a file parses back as its pid.
        let theirs = dir.path().join("theirs.lock");
        let mut p = peer("hold", &theirs, template);
        p.expect("locked");
        let bytes = std::fs::read(&theirs).unwrap();
        let err = LockFile::lock(&theirs).unwrap_err();
        assert_eq!(err.holder().and_then(|h| h.pid()), Some(p.pid()));
        p.send("");
        p.expect("released");
        assert!(p.finish().0.success());
        eprintln!(
            "template {template}: lockstamp wrote {:?}, zc.lockfile (pid {}) wrote {:?}",
            String::from_utf8_lossy(&ours),
            err.holder().and_then(|h| h.pid()).unwrap_or(0),
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn zc_lockfile_holding_is_contention_with_the_holder_parsed() {
    if !peer_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut p = peer("hold", &path, "{pid};{hostname}");
    p.expect("locked");
    let before = std::fs::read(&path).unwrap();
    let err = LockFile::lock(&path).unwrap_err();
    assert!(err.is_locked());
    let holder = err.holder().expect("zc.lockfile's stamp names the holder");
    assert_eq!(holder.pid(), Some(p.pid()));
    assert!(holder.hostname().is_some_and(|h| !h.is_empty()));
    assert!(err
        .to_string()
        .contains(&format!("held by pid {} on ", p.pid())));
    assert_eq!(std::fs::read(&path).unwrap(), before, "content untouched");
    let status = lockstamp::status(&path).unwrap();
    assert!(status.locked);
    p.send("");
    p.expect("released");
    assert!(p.finish().0.success());
    LockFile::lock(&path).unwrap().close().unwrap();
}

#[test]
fn lockstamp_holding_makes_zc_lockfile_raise() {
    if !peer_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut p = peer("try", &path, "{pid}");
    assert!(p.expect("busy").contains("Couldn't lock"));
    assert_eq!(p.finish().0.code(), Some(1));
    assert_eq!(std::fs::read(&path).unwrap(), before, "content untouched");
    lock.close().unwrap();
    let mut p = peer("try", &path, "{pid}");
    p.expect("locked");
    p.expect("released");
    assert!(p.finish().0.success());
}

#[test]
fn a_timed_wait_gets_the_lock_when_zc_lockfile_releases() {
    if !peer_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let mut p = peer("hold", &path, "{pid};{hostname}");
    p.expect("locked");
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn({
        let path = path.clone();
        move || {
            tx.send(()).unwrap();
            Options::new()
                .template("{pid};{hostname}")
                .wait(lockstamp::Wait::For(std::time::Duration::from_secs(60)))
                .lock(&path)
        }
    });
    rx.recv().unwrap();
    p.send("");
    p.expect("released");
    assert!(p.finish().0.success());
    let lock = waiter
        .join()
        .unwrap()
        .expect("ours once zc.lockfile let go");
    let ours = std::fs::read_to_string(&path).unwrap();
    assert!(
        ours.starts_with(&format!(" {};", std::process::id())),
        "{ours:?}"
    );
    lock.close().unwrap();
}
