//! `LockDir` keeps every lock operation inside its capability directory, and its locks are
//! the same locks as the std adapter's.
#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use cap_std::ambient_authority;
use cap_std::fs::Dir;
use lockstamp::{ErrorKind, LockFile, Options, Primitive, Wait};
use lockstamp_cap::LockDir;

/// A temporary tree: `inside/` is the capability, `outside/victim` must never change.
struct Tree {
    _tmp: tempfile::TempDir,
    inside: PathBuf,
    outside: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let tmp = tempfile::tempdir().expect("tempdir");
        let inside = tmp.path().join("inside");
        let outside = tmp.path().join("outside");
        fs::create_dir(&inside).expect("mkdir inside");
        fs::create_dir(&outside).expect("mkdir outside");
        fs::write(outside.join("victim"), b"precious\n").expect("write victim");
        Tree {
            _tmp: tmp,
            inside,
            outside,
        }
    }

    fn lock_dir(&self) -> LockDir {
        LockDir::new(Dir::open_ambient_dir(&self.inside, ambient_authority()).expect("open dir"))
    }

    /// The names in `outside/`, to prove nothing was created or removed there.
    fn outside_names(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.outside)
            .expect("read outside")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn assert_outside_untouched(&self) {
        assert_eq!(self.outside_names(), ["victim"]);
        assert_eq!(
            fs::read(self.outside.join("victim")).expect("read victim"),
            b"precious\n"
        );
    }
}

fn stamp_of_this_process() -> String {
    format!(" {}\n", std::process::id())
}

#[test]
fn lock_inside_stamps_and_excludes_ambient_lockers() {
    let tree = Tree::new();
    let locks = tree.lock_dir();
    let lock = locks.lock("service.lock").expect("lock inside");
    assert_eq!(lock.path(), Path::new("service.lock"));
    let on_disk = tree.inside.join("service.lock");
    assert_eq!(
        fs::read_to_string(&on_disk).expect("read"),
        stamp_of_this_process()
    );

    // The same file, reached with ambient authority, is the same lock.
    let err = LockFile::lock(&on_disk).expect_err("ambient lock must be refused");
    assert!(err.is_locked(), "{err}");
    assert_eq!(err.holder().and_then(|h| h.pid()), Some(std::process::id()));

    // And a second LockDir lock on it is contended too, naming the holder.
    let err = locks.lock("service.lock").expect_err("second lock");
    assert!(err.is_locked());
    assert!(err.to_string().contains("held by pid"), "{err}");

    lock.close().expect("close");
    assert!(on_disk.exists(), "the lock file is left behind");
    LockFile::lock(&on_disk)
        .expect("free again")
        .close()
        .expect("close");
}

#[test]
fn names_leading_outside_are_refused_and_nothing_is_created() {
    let tree = Tree::new();
    fs::create_dir(tree.inside.join("sub")).expect("mkdir sub");
    let locks = tree.lock_dir();
    let absolute = tree.outside.join("abs.lock");
    for name in [
        PathBuf::from("../outside/escape.lock"),
        PathBuf::from("../outside/victim"),
        PathBuf::from("sub/../../outside/victim"),
        absolute.clone(),
    ] {
        let err = locks.lock(&name).expect_err("escape must be refused");
        assert!(!err.is_locked(), "{name:?}: {err}");
        let err = locks
            .lock_with(&name, &Options::new().primitive(Primitive::CreateNew))
            .expect_err("escape must be refused for dot-locks too");
        assert!(!err.is_locked(), "{name:?}: {err}");
        assert!(locks.status(&name).is_err(), "{name:?}: status escaped");
    }
    assert!(!absolute.exists());
    tree.assert_outside_untouched();
}

#[test]
fn symlink_leading_outside_is_refused_with_or_without_following() {
    let tree = Tree::new();
    std::os::unix::fs::symlink(tree.outside.join("victim"), tree.inside.join("link.lock"))
        .expect("symlink");
    let locks = tree.lock_dir();

    let err = locks
        .lock("link.lock")
        .expect_err("symlink refused by default");
    assert_eq!(err.kind(), ErrorKind::Symlink, "{err}");

    let follow = Options::new().follow_symlinks(true);
    let err = locks
        .lock_with("link.lock", &follow)
        .expect_err("following out of the directory is refused");
    assert!(!err.is_locked(), "{err}");
    tree.assert_outside_untouched();
}

#[test]
fn symlink_inside_is_followed_when_asked() {
    let tree = Tree::new();
    fs::write(tree.inside.join("real.lock"), b"").expect("create");
    std::os::unix::fs::symlink("real.lock", tree.inside.join("alias.lock")).expect("symlink");
    let locks = tree.lock_dir();
    let lock = locks
        .lock_with("alias.lock", &Options::new().follow_symlinks(true))
        .expect("inside symlink followed");
    assert_eq!(
        fs::read_to_string(tree.inside.join("real.lock")).expect("read"),
        stamp_of_this_process()
    );
    assert!(LockFile::lock(tree.inside.join("real.lock"))
        .expect_err("held through the alias")
        .is_locked());
    drop(lock);
}

#[test]
fn remove_on_release_and_dot_locks_remove_inside_only() {
    let tree = Tree::new();
    fs::create_dir(tree.inside.join("sub")).expect("mkdir sub");
    let locks = tree.lock_dir();

    let remove = Options::new().remove_on_release(true);
    let lock = locks.lock_with("sub/job.lock", &remove).expect("lock");
    assert!(tree.inside.join("sub/job.lock").exists());
    lock.close().expect("close");
    assert!(
        !tree.inside.join("sub/job.lock").exists(),
        "removed on release"
    );

    let dot = Options::new().primitive(Primitive::CreateNew);
    let lock = locks.lock_with("job.lock", &dot).expect("dot-lock");
    let err = locks
        .lock_with("job.lock", &dot)
        .expect_err("dot-lock held");
    assert!(err.is_locked(), "{err}");
    assert_eq!(err.holder().and_then(|h| h.pid()), Some(std::process::id()));
    assert!(locks.status_with("job.lock", &dot).expect("status").locked);
    lock.close().expect("close");
    assert!(!tree.inside.join("job.lock").exists(), "dot-lock removed");
    assert!(!locks.status_with("job.lock", &dot).expect("status").locked);
    tree.assert_outside_untouched();
}

#[test]
fn status_reports_holder_and_freedom() {
    let tree = Tree::new();
    let locks = tree.lock_dir();
    let free = locks.status("idle.lock").expect("status of a missing file");
    assert!(!free.locked);
    assert!(free.holder.is_none());
    assert!(
        !tree.inside.join("idle.lock").exists(),
        "status never creates"
    );

    let lock = locks.lock("idle.lock").expect("lock");
    let held = locks.status("idle.lock").expect("status");
    assert!(held.locked);
    assert_eq!(
        held.holder.as_ref().and_then(|h| h.pid()),
        Some(std::process::id())
    );
    drop(lock);
    let after = locks.status("idle.lock").expect("status");
    assert!(!after.locked);
    assert_eq!(
        after.holder.as_ref().and_then(|h| h.pid()),
        Some(std::process::id()),
        "the stamp stays as history"
    );
}

#[test]
fn timed_wait_inside_succeeds_when_the_holder_lets_go() {
    let tree = Tree::new();
    let locks = tree.lock_dir();
    let holder = locks.lock("handover.lock").expect("lock");
    let (started_tx, started_rx) = mpsc::channel();
    let dir = Dir::open_ambient_dir(&tree.inside, ambient_authority()).expect("open dir");
    let waiter = std::thread::spawn(move || {
        let locks = LockDir::new(dir);
        started_tx.send(()).expect("send");
        locks.lock_with(
            "handover.lock",
            &Options::new().wait(Wait::For(Duration::from_secs(60))),
        )
    });
    started_rx.recv().expect("waiter started");
    holder.close().expect("release");
    let got = waiter.join().expect("join").expect("lock handed over");
    got.close().expect("close");
}
