//! [`LockFile`]: a held lock.

use std::fmt;
use std::path::Path;

use lockstamp_core::machine::{Mode, Plan};
use lockstamp_core::{Stamp, Template};

use crate::driver::{self, Backend};
use crate::facts::OwnedFacts;
use crate::{HolderInfo, LockError, Options, Resolver};

/// A held lock on a lock file. Dropping it releases the lock; [`close`](LockFile::close)
/// does the same and reports errors.
///
/// The file is left behind on release (as zc.lockfile does) unless
/// [`Options::remove_on_release`] was set.
///
/// ```
/// use lockstamp::LockFile;
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("app.lock");
/// let lock = LockFile::lock(&path)?;
/// assert!(LockFile::lock(&path).unwrap_err().is_locked());
/// lock.close()?;
/// # Ok::<(), lockstamp::LockError>(())
/// ```
#[must_use = "the lock is released as soon as the LockFile is dropped"]
pub struct LockFile {
    backend: Backend,
    plan: Plan<'static>,
    stamp: Option<Stamp>,
    released: bool,
}

impl LockFile {
    /// Takes an exclusive lock on `path` with zc.lockfile's defaults: no waiting, stamped
    /// `{pid}`, created `0o600` if missing, symlinks refused.
    ///
    /// # Errors
    /// [`LockError::is_locked`] when someone else holds it (with the holder named when the
    /// file says), or the OS operation that failed.
    pub fn lock(path: impl AsRef<Path>) -> Result<LockFile, LockError> {
        Options::new().lock(path)
    }

    /// A builder for everything else: template, shared locks, waiting, primitive, mode...
    pub fn options() -> Options {
        Options::new()
    }

    /// The lock path, as given.
    pub fn path(&self) -> &Path {
        self.backend.path()
    }

    /// Releases the lock (explicit unlock, then close; the file stays unless
    /// remove-on-release) and reports what went wrong, if anything.
    ///
    /// # Errors
    /// The release operation that failed; the handle is closed either way.
    pub fn close(mut self) -> Result<(), LockError> {
        self.release()
    }

    pub(crate) fn acquire(
        options: &Options,
        resolver: &dyn Resolver,
        path: &Path,
    ) -> Result<LockFile, LockError> {
        LockError::check_path(path)?;
        let stamp = if options.stamp {
            let template =
                Template::parse(&options.template).map_err(|e| LockError::template(path, e))?;
            if options.mode == Mode::Exclusive {
                let facts = OwnedFacts::gather(&template);
                let stamp = Stamp::render(&template, &facts.facts())
                    .map_err(|e| LockError::template(path, e))?;
                Some(stamp)
            } else {
                None
            }
        } else {
            None
        };
        let resolver = resolver
            .try_clone_box()
            .map_err(|e| LockError::other(path, None, crate::sys::map_io_kind(&e), e))?;
        let mut plan = Plan {
            primitive: options.primitive,
            mode: options.mode,
            wait: options.wait,
            stamp: None,
            sync: options.sync,
            remove_on_release: options.remove_on_release,
            follow_symlinks: options.follow_symlinks,
        };
        let mut backend = Backend::new(resolver, path.to_owned(), &plan, options.file_mode);
        let run = Plan {
            stamp: stamp.as_ref().map(Stamp::as_bytes),
            ..plan
        };
        match driver::acquire(&mut backend, &run) {
            Ok(()) => {
                plan.stamp = None;
                Ok(LockFile {
                    backend,
                    plan,
                    stamp,
                    released: false,
                })
            }
            Err((err, bytes)) => {
                let source = backend.take_error(err.op());
                let template = options.stamp.then_some(options.template.as_str());
                let holder = bytes.map(|b| HolderInfo::parse(&b, template));
                Err(LockError::from_machine(path, err, source, holder))
            }
        }
    }

    fn release(&mut self) -> Result<(), LockError> {
        if self.released {
            return Ok(());
        }
        self.released = true;
        let plan = Plan {
            stamp: self.stamp.as_ref().map(Stamp::as_bytes),
            ..self.plan
        };
        driver::release(&mut self.backend, &plan).map_err(|err| {
            let source = self.backend.take_error(err.op());
            LockError::from_machine(self.backend.path(), err, source, None)
        })
    }
}

/// Compact: the path, how it is held and the stamp as text (never a byte dump).
impl fmt::Debug for LockFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stamp = self
            .stamp
            .as_ref()
            .map(|s| crate::holder_info::escape(s.as_bytes()).0);
        f.debug_struct("LockFile")
            .field("path", &self.path())
            .field("primitive", &self.plan.primitive)
            .field("mode", &self.plan.mode)
            .field("remove_on_release", &self.plan.remove_on_release)
            .field("stamp", &stamp)
            .field("backend", &self.backend)
            .finish()
    }
}

impl Drop for LockFile {
    fn drop(&mut self) {
        let _ = self.release();
    }
}
