//! [`status`]: who holds a lock and whether it is held now, without taking it.

use std::io;
use std::path::Path;

use lockstamp_core::machine::{ErrorKind, FileKind, OpKind, Primitive, HOLDER_CAPACITY};

use crate::driver::read_into;
use crate::{sys, HolderInfo, LockError, Options, Resolver};

/// What [`status`] found at a lock path.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    /// Whether someone holds the lock right now.
    pub locked: bool,
    /// Who the lock file names, if it names anyone. A file left behind by a past holder
    /// still names it: read `locked` to know whether that holder still has the lock.
    pub holder: Option<HolderInfo>,
}

/// Reports who holds the lock at `path` and whether it is locked right now, without ever
/// taking the lock away from anyone or creating the file.
///
/// - A missing file is free, with no holder.
/// - The holder is read from the first 512 bytes and parsed as zc.lockfile's
///   `{pid};{hostname}` or `{pid}` (use [`Options::status`] to parse with your template).
/// - On Linux, "locked" comes from `/proc/locks` (flock, POSIX and OFD locks, matched by
///   device and inode). Elsewhere, or when `/proc/locks` is unavailable or ambiguous, a
///   non-blocking shared `flock` is tried and dropped at once: it sees exclusive `flock`
///   holders only, and for that instant a concurrent non-blocking exclusive attempt by
///   someone else may fail. For dot-locks ([`Options::status`] with
///   [`Primitive::CreateNew`]) the file existing means locked.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("db.lock");
/// assert!(!lockstamp::status(&path)?.locked);
/// let lock = lockstamp::LockFile::lock(&path)?;
/// let now = lockstamp::status(&path)?;
/// assert!(now.locked);
/// assert_eq!(now.holder.unwrap().pid(), Some(std::process::id()));
/// drop(lock);
/// assert!(!lockstamp::status(&path)?.locked);
/// # Ok::<(), lockstamp::LockError>(())
/// ```
///
/// # Errors
/// The path holds something other than a regular file, or cannot be read.
pub fn status(path: impl AsRef<Path>) -> Result<Status, LockError> {
    Options::new().status(path)
}

pub(crate) fn inspect(
    options: &Options,
    resolver: &dyn Resolver,
    path: &Path,
) -> Result<Status, LockError> {
    LockError::check_path(path)?;
    if path.as_os_str().is_empty() {
        // Nothing can ever be locked at "": say so as `lock` does, rather than "free".
        let source = io::Error::from(io::ErrorKind::NotFound);
        let kind = ErrorKind::NotFound;
        return Err(LockError::other(path, Some(OpKind::Open), kind, source));
    }
    let file = match resolver.open_readonly(path, options.follow_symlinks) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Status::default()),
        Err(e) => {
            let kind = sys::map_error(OpKind::Open, &e);
            return Err(LockError::other(path, Some(OpKind::Open), kind, e));
        }
    };
    let result = inspect_open(options, &file, path);
    let closed = sys::close(file, None);
    let status = result?;
    closed.map_err(|e| {
        let kind = sys::map_error(OpKind::Close, &e);
        LockError::other(path, Some(OpKind::Close), kind, e)
    })?;
    Ok(status)
}

fn inspect_open(options: &Options, file: &std::fs::File, path: &Path) -> Result<Status, LockError> {
    let fail = |op: OpKind, e: io::Error| {
        let kind = sys::map_error(op, &e);
        LockError::other(path, Some(op), kind, e)
    };
    let (kind, id) = sys::file_stat(file).map_err(|e| fail(OpKind::Check, e))?;
    if kind != FileKind::Regular {
        let e = io::Error::new(io::ErrorKind::InvalidInput, "not a regular file");
        return Err(LockError::other(
            path,
            Some(OpKind::Check),
            ErrorKind::NotRegular,
            e,
        ));
    }
    let mut buf = [0u8; HOLDER_CAPACITY];
    let n = read_into(file, &mut buf).map_err(|e| fail(OpKind::ReadHolder, e))?;
    let template = options.stamp.then_some(options.template.as_str());
    let holder = Some(HolderInfo::parse(&buf[..n], template)).filter(|h| !h.is_empty());
    let locked = if options.primitive == Primitive::CreateNew {
        true
    } else {
        sys::is_locked(file, id).map_err(|e| fail(OpKind::TryLock, e))?
    };
    Ok(Status { locked, holder })
}
