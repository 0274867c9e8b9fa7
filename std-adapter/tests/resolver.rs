//! The `Resolver` hook: a held lock resolves every path through the resolver it was given.
#![cfg(unix)]

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use lockstamp::{Ambient, FileId, OpenHow, Options, Primitive, Resolver};

/// Resolves names inside `base` only (a toy stand-in for a capability directory) and
/// counts removals.
#[derive(Debug, Clone)]
struct Confined {
    base: PathBuf,
    removed: Arc<AtomicUsize>,
}

impl Confined {
    fn resolve(&self, name: &Path) -> io::Result<PathBuf> {
        if name.components().all(|c| matches!(c, Component::Normal(_))) {
            Ok(self.base.join(name))
        } else {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "escapes the directory",
            ))
        }
    }
}

impl Resolver for Confined {
    fn open(&self, name: &Path, how: OpenHow, follow: bool, mode: u32) -> io::Result<File> {
        Ambient.open(&self.resolve(name)?, how, follow, mode)
    }
    fn open_readonly(&self, name: &Path, follow: bool) -> io::Result<File> {
        Ambient.open_readonly(&self.resolve(name)?, follow)
    }
    fn identify(&self, name: &Path, follow: bool) -> io::Result<Option<FileId>> {
        Ambient.identify(&self.resolve(name)?, follow)
    }
    fn remove(&self, name: &Path) -> io::Result<()> {
        self.removed.fetch_add(1, Ordering::SeqCst);
        Ambient.remove(&self.resolve(name)?)
    }
    fn try_clone_box(&self) -> io::Result<Box<dyn Resolver>> {
        Ok(Box::new(self.clone()))
    }
}

#[test]
fn locks_status_and_removal_go_through_the_resolver() {
    let dir = tempfile::tempdir().unwrap();
    let confined = Confined {
        base: dir.path().to_owned(),
        removed: Arc::default(),
    };
    let opts = Options::new().remove_on_release(true);
    let lock = opts.lock_with(&confined, "app.lock").unwrap();
    assert_eq!(lock.path(), Path::new("app.lock"));
    assert!(dir.path().join("app.lock").exists());
    let status = opts.status_with(&confined, "app.lock").unwrap();
    assert!(status.locked);
    assert_eq!(
        status.holder.and_then(|h| h.pid()),
        Some(std::process::id())
    );
    let err = opts.lock_with(&confined, "app.lock").unwrap_err();
    assert!(err.is_locked());
    // The held lock kept its own copy of the resolver and removes through it.
    drop(confined.clone());
    lock.close().unwrap();
    assert_eq!(confined.removed.load(Ordering::SeqCst), 1);
    assert!(!dir.path().join("app.lock").exists());
}

#[test]
fn a_refusal_by_the_resolver_is_reported_with_its_kind() {
    let dir = tempfile::tempdir().unwrap();
    let confined = Confined {
        base: dir.path().join("inner"),
        removed: Arc::default(),
    };
    std::fs::create_dir(&confined.base).unwrap();
    let err = Options::new()
        .lock_with(&confined, "../outside.lock")
        .unwrap_err();
    assert_eq!(err.kind(), lockstamp::ErrorKind::PermissionDenied);
    assert_eq!(err.op(), Some(lockstamp::OpKind::Open));
    assert!(!dir.path().join("outside.lock").exists());
    // Dot-locks too.
    let err = Options::new()
        .primitive(Primitive::CreateNew)
        .lock_with(&confined, "/abs.lock")
        .unwrap_err();
    assert_eq!(err.kind(), lockstamp::ErrorKind::PermissionDenied);
}
