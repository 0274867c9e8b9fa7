//! [`LockDir`]: lockstamp locks confined to one capability directory.

use std::path::Path;

use cap_std::fs::Dir;
use lockstamp::{LockError, LockFile, Options, Status};

use crate::DirResolver;

/// A directory in which lock files are taken, and outside of which nothing is touched.
///
/// This corresponds to [`lockstamp::LockFile::lock`] and [`lockstamp::status`], but only
/// accesses paths relative to the directory: a name with `..` that climbs out, an absolute
/// path, or a symlink leading outside is refused (the error's kind is
/// [`PermissionDenied`](lockstamp::ErrorKind::PermissionDenied)), and no file outside the
/// directory is ever opened, created or removed. The locks themselves are the std
/// adapter's [`LockFile`]s, with the same on-disk contract: a lock taken here excludes
/// `zc.lockfile`, `flock(1)` and [`LockFile::lock`] on the same file.
///
/// ```
/// use cap_std::ambient_authority;
/// use cap_std::fs::Dir;
/// use lockstamp_cap::LockDir;
///
/// # let tmp = tempfile::tempdir()?;
/// let dir = Dir::open_ambient_dir(tmp.path(), ambient_authority())?;
/// let locks = LockDir::new(dir);
///
/// let lock = locks.lock("service.lock")?;
/// assert!(locks.status("service.lock")?.locked);
/// assert!(locks.lock("../escape.lock").is_err()); // outside the directory
/// lock.close()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct LockDir {
    resolver: DirResolver,
}

impl LockDir {
    /// Locks inside `dir`. The directory is the only authority the locks get.
    pub fn new(dir: Dir) -> Self {
        LockDir {
            resolver: DirResolver::new(dir),
        }
    }

    /// The capability directory.
    pub fn dir(&self) -> &Dir {
        self.resolver.dir()
    }

    /// Gives the directory back.
    pub fn into_dir(self) -> Dir {
        self.resolver.into_dir()
    }

    /// Takes the lock file `name` inside the directory with zc.lockfile's defaults:
    /// exclusive, no waiting, stamped with `{pid}`.
    ///
    /// This corresponds to [`LockFile::lock`], but only accesses paths inside the directory.
    ///
    /// # Errors
    /// As [`LockFile::lock`]; a name that leads outside the directory is refused.
    pub fn lock(&self, name: impl AsRef<Path>) -> Result<LockFile, LockError> {
        self.lock_with(name, &Options::new())
    }

    /// Takes the lock file `name` inside the directory with `options`.
    ///
    /// This corresponds to [`Options::lock`], but only accesses paths inside the directory.
    /// The held lock keeps its own handle on the directory, to remove the file on release
    /// when [`Options::remove_on_release`] is set.
    ///
    /// # Errors
    /// As [`Options::lock`]; a name that leads outside the directory is refused.
    pub fn lock_with(
        &self,
        name: impl AsRef<Path>,
        options: &Options,
    ) -> Result<LockFile, LockError> {
        options.lock_with(&self.resolver, name)
    }

    /// Reports who holds the lock file `name` and whether it is locked right now, without
    /// taking it.
    ///
    /// This corresponds to [`lockstamp::status`], but only accesses paths inside the
    /// directory.
    ///
    /// # Errors
    /// As [`lockstamp::status`]; a name that leads outside the directory is refused.
    pub fn status(&self, name: impl AsRef<Path>) -> Result<Status, LockError> {
        self.status_with(name, &Options::new())
    }

    /// [`status`](LockDir::status) honouring `options`' primitive and template.
    ///
    /// # Errors
    /// As [`Options::status`].
    pub fn status_with(
        &self,
        name: impl AsRef<Path>,
        options: &Options,
    ) -> Result<Status, LockError> {
        options.status_with(&self.resolver, name)
    }
}
