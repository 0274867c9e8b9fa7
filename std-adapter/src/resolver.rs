//! How lock paths are turned into files: the hook the capability adapter replaces.

use std::fmt;
use std::fs::File;
use std::io;
use std::path::Path;

use lockstamp_core::machine::{FileId, OpenHow};

use crate::sys;

/// Resolves lock paths: every operation that names a path goes through a `Resolver`.
///
/// [`LockFile`](crate::LockFile) performs everything that acts on an *open* file itself
/// (locking, stamping, reading, `fstat`, closing); only the five operations below look a
/// path up. [`Ambient`] resolves paths the way `std::fs` does. The capability adapter
/// (`lockstamp-cap`) implements this trait over a `cap_std::fs::Dir`, so that nothing
/// outside the directory is ever opened, created, inspected or removed, and then uses
/// [`Options::lock_with`](crate::Options::lock_with) and
/// [`Options::status_with`](crate::Options::status_with).
///
/// A held [`LockFile`](crate::LockFile) keeps its own resolver (made with
/// [`try_clone_box`](Resolver::try_clone_box)) so that it can remove the file on release.
///
/// Errors are plain `io::Error`s with their OS error code when there is one; lockstamp
/// maps them to its error kinds (a refused symlink should be `ELOOP`, as `O_NOFOLLOW` gives).
///
/// ```
/// use std::{fs::File, io, path::{Path, PathBuf}};
/// use lockstamp::{Ambient, FileId, OpenHow, Options, Resolver};
///
/// /// Lock names are joined to a base directory (a toy: `..` is not checked here).
/// #[derive(Debug, Clone)]
/// struct Under(PathBuf);
///
/// impl Resolver for Under {
///     fn open(&self, p: &Path, how: OpenHow, follow: bool, mode: u32) -> io::Result<File> {
///         Ambient.open(&self.0.join(p), how, follow, mode)
///     }
///     fn open_readonly(&self, p: &Path, follow: bool) -> io::Result<File> {
///         Ambient.open_readonly(&self.0.join(p), follow)
///     }
///     fn identify(&self, p: &Path, follow: bool) -> io::Result<Option<FileId>> {
///         Ambient.identify(&self.0.join(p), follow)
///     }
///     fn remove(&self, p: &Path) -> io::Result<()> {
///         Ambient.remove(&self.0.join(p))
///     }
///     fn try_clone_box(&self) -> io::Result<Box<dyn Resolver>> {
///         Ok(Box::new(self.clone()))
///     }
/// }
///
/// # let dir = tempfile::tempdir().unwrap();
/// let under = Under(dir.path().to_owned());
/// let lock = Options::new().lock_with(&under, "jobs.lock")?;
/// assert!(Options::new().status_with(&under, "jobs.lock")?.locked);
/// lock.close()?;
/// # Ok::<(), lockstamp::LockError>(())
/// ```
pub trait Resolver: fmt::Debug + Send + Sync {
    /// Opens the lock file read-write, never truncating it: creating it with permission
    /// bits `mode` (Unix) when missing for [`OpenHow::OpenOrCreate`], failing with
    /// `AlreadyExists` when present for [`OpenHow::CreateNew`]. Unless `follow_symlinks`,
    /// a symlink at `path` must be refused (`ELOOP`), never followed.
    fn open(&self, path: &Path, how: OpenHow, follow_symlinks: bool, mode: u32)
        -> io::Result<File>;

    /// Opens an existing file read-only, never creating it and never blocking on a FIFO;
    /// used to read the holder and for [`status`](crate::status).
    fn open_readonly(&self, path: &Path, follow_symlinks: bool) -> io::Result<File>;

    /// The identity of whatever is at `path` now (`stat`, or `lstat` unless
    /// `follow_symlinks`); `Ok(None)` when nothing is there.
    fn identify(&self, path: &Path, follow_symlinks: bool) -> io::Result<Option<FileId>>;

    /// Removes `path` (`unlink`).
    fn remove(&self, path: &Path) -> io::Result<()>;

    /// Opens the directory that holds `path`, read-only. Only used to wake up early when a
    /// dot-lock ([`Primitive::CreateNew`](crate::Primitive::CreateNew)) is removed; the
    /// default says `Unsupported`, and waits then simply sleep.
    fn open_parent(&self, path: &Path) -> io::Result<File> {
        let _ = path;
        Err(io::ErrorKind::Unsupported.into())
    }

    /// A boxed copy of this resolver, owned by a held lock until it is released.
    fn try_clone_box(&self) -> io::Result<Box<dyn Resolver>>;
}

/// The ambient resolver: paths mean what they mean to `std::fs`, relative to the current
/// directory. Used by [`LockFile::lock`](crate::LockFile::lock) and
/// [`Options::lock`](crate::Options::lock).
///
/// # Ambient Authority
///
/// This resolver can open, create and remove any path the process may access. Use the
/// capability adapter to confine locks to one directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ambient;

impl Resolver for Ambient {
    fn open(
        &self,
        path: &Path,
        how: OpenHow,
        follow_symlinks: bool,
        mode: u32,
    ) -> io::Result<File> {
        sys::open(path, how, follow_symlinks, mode)
    }

    fn open_readonly(&self, path: &Path, follow_symlinks: bool) -> io::Result<File> {
        sys::open_readonly(path, follow_symlinks)
    }

    fn identify(&self, path: &Path, follow_symlinks: bool) -> io::Result<Option<FileId>> {
        sys::path_stat(path, follow_symlinks)
    }

    fn remove(&self, path: &Path) -> io::Result<()> {
        sys::remove(path)
    }

    fn open_parent(&self, path: &Path) -> io::Result<File> {
        sys::open_parent(path)
    }

    fn try_clone_box(&self) -> io::Result<Box<dyn Resolver>> {
        Ok(Box::new(*self))
    }
}
