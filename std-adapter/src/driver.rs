//! Runs core's sans-IO machines against the operating system.
//!
//! [`Backend`] performs exactly the [`Op`] it is given and answers with the [`Outcome`];
//! every decision (retries, backoff, cleanup order, what contention means) belongs to
//! [`Acquire`] and [`Release`]. OS errors are mapped to core's kinds here, once, and the
//! original `io::Error` is kept to become the source of the [`LockError`](crate::LockError).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Instant;

use lockstamp_core::machine::{
    Acquire, Error, ErrorKind, FileId, FileKind, Op, OpKind, OpenHow, Outcome, Plan, Primitive,
    Release, Step, Wait, HOLDER_CAPACITY,
};

use crate::log::debug;
use crate::resolver::Resolver;
use crate::sys;

/// Everything one lock needs to act on the system: the resolver, the path, the open file,
/// the in-process claim, the waiter and the last OS errors.
pub(crate) struct Backend {
    resolver: Box<dyn Resolver>,
    path: PathBuf,
    primitive: Primitive,
    file_mode: u32,
    follow_symlinks: bool,
    watch: bool,
    file: Option<File>,
    id: Option<FileId>,
    claim: Option<sys::Claim>,
    waiter: sys::Waiter,
    dir_watched: bool,
    origin: Instant,
    buf: [u8; HOLDER_CAPACITY],
    errors: Vec<(OpKind, io::Error)>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("path", &self.path)
            .field("primitive", &self.primitive)
            .field("resolver", &self.resolver)
            .field("file", &self.file)
            .field("claimed", &self.claim.is_some())
            .finish_non_exhaustive()
    }
}

impl Backend {
    /// A backend for one lock on `path`, resolved by `resolver`.
    pub(crate) fn new(
        resolver: Box<dyn Resolver>,
        path: PathBuf,
        plan: &Plan<'_>,
        file_mode: u32,
    ) -> Self {
        Backend {
            resolver,
            path,
            primitive: plan.primitive,
            file_mode,
            follow_symlinks: plan.follow_symlinks,
            // A blocking flock waits in the kernel: only polling waits need the watches.
            watch: !matches!(
                (plan.wait, plan.primitive),
                (Wait::Never, _) | (Wait::Forever, Primitive::Flock)
            ),
            file: None,
            id: None,
            claim: None,
            waiter: sys::Waiter::new(),
            dir_watched: false,
            origin: Instant::now(),
            buf: [0; HOLDER_CAPACITY],
            errors: Vec::new(),
        }
    }

    /// Drops the waiter's watches (and its inotify descriptor): a held lock must not keep
    /// one of the user's few inotify instances.
    fn stop_watching(&mut self) {
        self.waiter = sys::Waiter::new();
        self.watch = false;
    }

    /// The lock path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the OS error recorded for `op`, if any.
    pub(crate) fn take_error(&mut self, op: OpKind) -> Option<io::Error> {
        let at = self.errors.iter().rposition(|(o, _)| *o == op)?;
        Some(self.errors.swap_remove(at).1)
    }

    fn fail(&mut self, op: OpKind, err: io::Error) -> Outcome<'static> {
        let mut kind = sys::map_error(op, &err);
        if kind == ErrorKind::Symlink && self.follow_symlinks {
            // ELOOP while following symlinks is a loop, not a refusal.
            kind = ErrorKind::Other;
        }
        self.errors.retain(|(o, _)| *o != op);
        self.errors.push((op, err));
        Outcome::Failed(kind)
    }

    fn done(&mut self, op: OpKind, result: io::Result<()>) -> Outcome<'static> {
        match result {
            Ok(()) => Outcome::Done,
            Err(e) => self.fail(op, e),
        }
    }

    fn file(&self) -> io::Result<&File> {
        self.file
            .as_ref()
            .ok_or_else(|| io::Error::other("no open lock file"))
    }

    /// Performs `op` and reports what happened.
    pub(crate) fn perform(&mut self, op: Op<'_>) -> Outcome<'_> {
        match op {
            Op::Open {
                how,
                follow_symlinks,
            } => self.open(how, follow_symlinks),
            Op::Check => match self.file().and_then(sys::file_stat) {
                Ok((kind, id)) => {
                    self.id = Some(id);
                    Outcome::Stat { kind, id }
                }
                Err(e) => self.fail(OpKind::Check, e),
            },
            Op::Claim(mode) => {
                let claimed = self.current_id().and_then(|id| sys::claim(id, mode));
                match claimed {
                    Ok(claim) => {
                        self.claim = Some(claim);
                        Outcome::Done
                    }
                    Err(e) => self.fail(OpKind::Claim, e),
                }
            }
            Op::Unclaim => {
                if let Some(claim) = self.claim.take() {
                    sys::unclaim(claim);
                }
                Outcome::Done
            }
            Op::TryLock(mode) => {
                let r = self
                    .file()
                    .and_then(|f| sys::lock(f, self.primitive, mode, false));
                self.done(OpKind::TryLock, r)
            }
            Op::Lock(mode) => {
                debug!("blocking until {:?} can be locked", self.path);
                let r = self
                    .file()
                    .and_then(|f| sys::lock(f, self.primitive, mode, true));
                self.done(OpKind::Lock, r)
            }
            Op::ReadHolder => match self.read_holder() {
                Ok(n) => Outcome::Holder(&self.buf[..n]),
                Err(e) => self.fail(OpKind::ReadHolder, e),
            },
            Op::ReadClock => Outcome::Clock(self.origin.elapsed()),
            Op::WaitForRelease(max) => {
                debug!("{:?} is locked; waiting up to {:?}", self.path, max);
                self.waiter.wait(max);
                Outcome::Done
            }
            Op::Identify => self.identify(),
            Op::Write(bytes) => {
                let r = self.file().and_then(|f| sys::write_all_at(f, bytes, 0));
                self.done(OpKind::Write, r)
            }
            Op::Truncate(len) => {
                let r = self.file().and_then(|f| f.set_len(len));
                self.done(OpKind::Truncate, r)
            }
            Op::Sync => {
                let r = self.file().and_then(File::sync_all);
                self.done(OpKind::Sync, r)
            }
            Op::Unlock => {
                let r = self
                    .file()
                    .and_then(|f| sys::unlock(f, self.primitive, self.claim.as_ref()));
                self.done(OpKind::Unlock, r)
            }
            Op::Remove => {
                let r = self.resolver.remove(&self.path);
                self.done(OpKind::Remove, r)
            }
            Op::Close => {
                let r = self.close();
                self.done(OpKind::Close, r)
            }
            _ => Outcome::Failed(ErrorKind::Protocol),
        }
    }

    fn open(&mut self, how: OpenHow, follow_symlinks: bool) -> Outcome<'static> {
        if self.watch && how == OpenHow::CreateNew && !self.dir_watched {
            // Watch the directory before trying, so that a removal between a failed
            // attempt and the wait is not missed.
            self.dir_watched = true;
            if let Ok(dir) = self.resolver.open_parent(&self.path) {
                self.waiter.watch_dir(&dir);
            }
        }
        let opened = self
            .resolver
            .open(&self.path, how, follow_symlinks, self.file_mode);
        match opened {
            Ok(file) => {
                if self.watch && how == OpenHow::OpenOrCreate {
                    self.waiter.watch_file(&file);
                }
                if let Some(old) = self.file.replace(file) {
                    // The machine opens once per Close; keep the fd table honest anyway.
                    let _ = sys::close(old, None);
                }
                self.id = None;
                Outcome::Done
            }
            Err(e) => self.fail(OpKind::Open, e),
        }
    }

    fn current_id(&mut self) -> io::Result<FileId> {
        if let Some(id) = self.id {
            return Ok(id);
        }
        let (_, id) = sys::file_stat(self.file()?)?;
        self.id = Some(id);
        Ok(id)
    }

    fn identify(&mut self) -> Outcome<'static> {
        let open = match self.file().and_then(sys::file_stat) {
            Ok((_, id)) => id,
            Err(e) => return self.fail(OpKind::Identify, e),
        };
        match self.resolver.identify(&self.path, self.follow_symlinks) {
            Ok(path) => Outcome::Identity { open, path },
            Err(e) => self.fail(OpKind::Identify, e),
        }
    }

    /// Reads up to [`HOLDER_CAPACITY`] bytes through the open file, or through the path.
    fn read_holder(&mut self) -> io::Result<usize> {
        if let Some(file) = &self.file {
            return read_into(file, &mut self.buf);
        }
        let file = self
            .resolver
            .open_readonly(&self.path, self.follow_symlinks)?;
        // A dot-lock path taken by a device or a FIFO names nobody: do not read it.
        let n = match sys::file_stat(&file) {
            Ok((FileKind::Regular, _)) => read_into(&file, &mut self.buf),
            Ok(_) => Ok(0),
            Err(e) => Err(e),
        };
        sys::close(file, None)?;
        n
    }

    fn close(&mut self) -> io::Result<()> {
        let claim = self.claim.take();
        match self.file.take() {
            Some(file) => sys::close(file, claim),
            None => {
                if let Some(claim) = claim {
                    sys::unclaim(claim);
                }
                Ok(())
            }
        }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        // The machines close what they open; this only guards against a driver bug.
        let _ = self.close();
    }
}

/// Reads the start of the lock file into `buf`, framing restored where the platform cannot
/// read byte 0 (Windows); returns the number of bytes.
pub(crate) fn read_into(file: &File, buf: &mut [u8; HOLDER_CAPACITY]) -> io::Result<usize> {
    let mut n = 0;
    if sys::HOLDER_OFFSET != 0 {
        buf[0] = b' ';
        n = 1;
    }
    while n < buf.len() {
        // buf[n] holds the file's byte n (byte 0 is the framing space when unreadable).
        match sys::read_at(file, &mut buf[n..], n as u64) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Drives [`Acquire`] to the end, once. On failure, also returns the holder bytes the
/// machine read (for contention).
///
/// Every retry, including the remove-on-release restarts of a waiting plan under churn,
/// is the machine's decision; this only performs its ops.
pub(crate) fn acquire(
    backend: &mut Backend,
    plan: &Plan<'_>,
) -> Result<(), (Error, Option<Vec<u8>>)> {
    let result = drive_acquire(backend, plan);
    backend.stop_watching();
    result
}

fn drive_acquire(backend: &mut Backend, plan: &Plan<'_>) -> Result<(), (Error, Option<Vec<u8>>)> {
    let mut machine = Acquire::new(plan);
    let mut outcome = Outcome::Start;
    loop {
        match machine.step(outcome) {
            Step::Do(op) => outcome = backend.perform(op),
            Step::Held => return Ok(()),
            Step::Failed(e) => {
                let holder = machine.holder().map(<[u8]>::to_vec);
                if e.is_contention() {
                    debug!("{:?} is locked by someone else", backend.path());
                }
                return Err((e, holder));
            }
            _ => {
                let e = Error::new(OpKind::Lock, ErrorKind::Protocol);
                return Err((e, None));
            }
        }
    }
}

/// Drives [`Release`] to the end.
///
/// The machine asks for [`Op::Identify`] before [`Op::Remove`] and removes the path only
/// when it is still our file; a lock file deleted (and perhaps made again by someone
/// else) while we held it is left alone.
pub(crate) fn release(backend: &mut Backend, plan: &Plan<'_>) -> Result<(), Error> {
    let mut machine = Release::new(plan);
    let mut outcome = Outcome::Start;
    let end = loop {
        match machine.step(outcome) {
            Step::Do(op) => outcome = backend.perform(op),
            Step::Released | Step::Held => break Ok(()),
            Step::Failed(e) => break Err(e),
            _ => break Err(Error::new(OpKind::Close, ErrorKind::Protocol)),
        }
    };
    if machine.path_replaced() {
        debug!(
            "{:?} was removed or replaced while held; not removing it",
            backend.path()
        );
    }
    end
}
