//! [`Options`]: how to take a lock.

use std::path::Path;

use lockstamp_core::machine::Mode;

use crate::{status, Ambient, LockError, LockFile, Primitive, Resolver, Status, Wait};

/// The template zc.lockfile writes by default.
pub(crate) const DEFAULT_TEMPLATE: &str = "{pid}";

/// Permission bits of newly created lock files: `0o600`, owner only (see the crate's
/// Security notes).
pub const DEFAULT_MODE: u32 = 0o600;

/// How to take a lock: the builder behind [`LockFile::options`].
///
/// The defaults are zc.lockfile's, except where security asks otherwise: exclusive,
/// fail at once when held ([`Wait::Never`]), stamp `{pid}`, `flock` on Unix
/// ([`Primitive::CreateNew`] on WASI), new files `0o600`, symlinks refused, the file left
/// behind on release, no `fsync`. On WASI, which has no process ids, the default is a
/// dot-lock without a stamp; [`template`](Options::template) turns stamping back on.
///
/// ```
/// use lockstamp::{LockFile, Wait};
/// use std::time::Duration;
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("build.lock");
/// let lock = LockFile::options()
///     .template("{pid};{hostname}")
///     .wait(Wait::For(Duration::from_secs(5)))
///     .lock(&path)?;
/// lock.close()?;
/// # Ok::<(), lockstamp::LockError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "options do nothing until `.lock(path)` is called"]
pub struct Options {
    pub(crate) template: String,
    pub(crate) stamp: bool,
    pub(crate) mode: Mode,
    pub(crate) wait: Wait,
    pub(crate) primitive: Primitive,
    pub(crate) file_mode: u32,
    pub(crate) follow_symlinks: bool,
    pub(crate) remove_on_release: bool,
    pub(crate) sync: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options::new()
    }
}

impl Options {
    /// zc.lockfile's defaults (see the type's docs).
    pub fn new() -> Self {
        Options {
            template: DEFAULT_TEMPLATE.to_owned(),
            stamp: crate::sys::STAMP_BY_DEFAULT,
            mode: Mode::Exclusive,
            wait: Wait::Never,
            primitive: crate::sys::DEFAULT_PRIMITIVE,
            file_mode: DEFAULT_MODE,
            follow_symlinks: false,
            remove_on_release: false,
            sync: false,
        }
    }

    /// The stamp template, such as `{pid};{hostname}` (default `{pid}`). It is checked
    /// when locking, before anything is opened; a bad one never leaves a lock held.
    /// Setting a template turns stamping back on after [`no_stamp`](Options::no_stamp).
    pub fn template(mut self, template: &str) -> Self {
        self.template = template.to_owned();
        self.stamp = true;
        self
    }

    /// Lock without writing anything, leaving existing content as it is (zc.lockfile's
    /// `SimpleLockFile`).
    pub fn no_stamp(mut self) -> Self {
        self.stamp = false;
        self
    }

    /// Take a shared lock (`LOCK_SH`): many shared holders at once, none while an
    /// exclusive one holds it. Shared locks never write a stamp.
    pub fn shared(mut self) -> Self {
        self.mode = Mode::Shared;
        self
    }

    /// What to do when the lock is held: fail at once (default), wait forever, or wait
    /// up to a duration.
    pub fn wait(mut self, wait: Wait) -> Self {
        self.wait = wait;
        self
    }

    /// The locking primitive (default `flock`, or dot-locks on WASI).
    pub fn primitive(mut self, primitive: Primitive) -> Self {
        self.primitive = primitive;
        self
    }

    /// Permission bits for a newly created lock file (default `0o600`; the umask still
    /// applies). Existing files keep theirs. Ignored where there are no such bits.
    pub fn mode(mut self, mode: u32) -> Self {
        self.file_mode = mode;
        self
    }

    /// Follow a symlink at the lock path (default: refuse it, unlike zc.lockfile, which
    /// follows it and overwrites the target with its stamp).
    pub fn follow_symlinks(mut self, follow: bool) -> Self {
        self.follow_symlinks = follow;
        self
    }

    /// Remove the lock file on release (default: leave it, as zc.lockfile does). Safe
    /// against the unlink race: acquirers check that the file they locked is still the
    /// one at the path, and start over when it is not. **Every** party locking the path
    /// must set it (and so must not be zc.lockfile or `flock(1)`): an acquirer without it
    /// makes no such check, and may lock a file that was just removed while someone else
    /// locks its replacement. A relative path is resolved again
    /// when the lock is released, so do not change the current directory meanwhile (or
    /// use a [`Resolver`] rooted in a directory).
    pub fn remove_on_release(mut self, remove: bool) -> Self {
        self.remove_on_release = remove;
        self
    }

    /// `fsync` the file after stamping it (default off).
    pub fn sync(mut self, sync: bool) -> Self {
        self.sync = sync;
        self
    }

    /// Takes the lock at `path`, resolved by the ambient file system.
    ///
    /// # Errors
    /// Contention ([`LockError::is_locked`]), a bad template or path (nothing is opened),
    /// or the failed OS operation.
    pub fn lock(&self, path: impl AsRef<Path>) -> Result<LockFile, LockError> {
        self.lock_with(&Ambient, path)
    }

    /// Takes the lock at `path`, resolved by `resolver` (the capability adapter's hook).
    /// The held lock keeps its own copy of the resolver, made with
    /// [`Resolver::try_clone_box`], to release and (optionally) remove the file.
    ///
    /// # Errors
    /// As [`lock`](Options::lock).
    pub fn lock_with(
        &self,
        resolver: &dyn Resolver,
        path: impl AsRef<Path>,
    ) -> Result<LockFile, LockError> {
        LockFile::acquire(self, resolver, path.as_ref())
    }

    /// Reports who holds the lock at `path` and whether it is locked now, honouring these
    /// options' primitive (a dot-lock is locked when it exists) and template (to name the
    /// holder). See [`status`](crate::status).
    ///
    /// # Errors
    /// The path cannot be inspected (other than not existing, which means free).
    pub fn status(&self, path: impl AsRef<Path>) -> Result<Status, LockError> {
        self.status_with(&Ambient, path)
    }

    /// [`status`](Options::status) with paths resolved by `resolver`.
    ///
    /// # Errors
    /// As [`status`](Options::status).
    pub fn status_with(
        &self,
        resolver: &dyn Resolver,
        path: impl AsRef<Path>,
    ) -> Result<Status, LockError> {
        status::inspect(self, resolver, path.as_ref())
    }
}
