//! What one lock attempt is asked to do: [`Plan`] and its parts.

use core::time::Duration;

/// Which locking primitive a plan uses.
///
/// A plain enum (DESIGN §8): callers may match it exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Primitive {
    /// `flock(2)` on an open file (Unix default; `LockFileEx` on byte 0 on Windows).
    #[default]
    Flock,
    /// POSIX record locks (`fcntl(F_SETLK)`), process-associated; the adapter keeps an
    /// in-process table so that two handles in one process still exclude each other
    /// ([`Op::Claim`](super::Op::Claim)).
    Fcntl,
    /// A dot-lock: the file is created with `O_CREAT | O_EXCL` and removed on release.
    /// Exclusive only: a shared plan fails with
    /// [`ErrorKind::Unsupported`](super::ErrorKind::Unsupported) before any op.
    CreateNew,
}

/// Exclusive or shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// One holder at a time (`LOCK_EX`, `F_WRLCK`).
    #[default]
    Exclusive,
    /// Many readers at a time (`LOCK_SH`, `F_RDLCK`). Shared locks never write a stamp
    /// and never remove the file on release.
    Shared,
}

/// What to do when the lock is held by someone else.
///
/// A plain enum (DESIGN §8): callers may match it exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Wait {
    /// Fail at once with contention (zc.lockfile's behaviour, the default).
    #[default]
    Never,
    /// Block until the lock is free: one blocking [`Op::Lock`](super::Op::Lock) (retried
    /// when interrupted), or polling with backoff where no blocking call exists
    /// ([`Primitive::CreateNew`], in-process [`Primitive::Fcntl`] contention).
    Forever,
    /// Retry until the lock is free or this much time has passed. The machine schedules
    /// the retries ([`BACKOFF_START`](super::BACKOFF_START) doubling up to
    /// [`BACKOFF_CAP`](super::BACKOFF_CAP)) and never asks for a wait that ends past
    /// the deadline.
    For(Duration),
}

/// Everything the machine needs to know about one lock attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan<'s> {
    /// The primitive.
    pub primitive: Primitive,
    /// Exclusive or shared.
    pub mode: Mode,
    /// The wait policy.
    pub wait: Wait,
    /// The framed stamp to write once the lock is held, or `None` for "no stamp".
    /// Ignored for shared locks.
    pub stamp: Option<&'s [u8]>,
    /// `fsync` the file after stamping (only when a stamp is written).
    pub sync: bool,
    /// Remove the file on release (and verify identity after locking).
    ///
    /// Every party locking the path must set it: an acquirer with this flag compares the
    /// identity of its open file with the path's after locking ([`Op::Identify`](super::Op::Identify))
    /// and starts over when they differ, shared acquirers included. Only an exclusive
    /// holder removes the file on release. [`Primitive::CreateNew`] always removes its
    /// file and needs no identity check.
    ///
    /// When the check fails (another process took the lock and removed the file after we
    /// opened it), the attempt gives everything back and starts over at `Open`. Under
    /// heavy churn that can happen many times, and [`Wait`] bounds it: [`Wait::Never`]
    /// fails with [`ErrorKind::Unstable`](super::ErrorKind::Unstable) after
    /// [`MAX_IDENTITY_RESTARTS`](super::MAX_IDENTITY_RESTARTS) restarts, [`Wait::For`]
    /// restarts while time is left and then times out, and [`Wait::Forever`] restarts
    /// without bound (each restart follows a real hand-over of the lock, so it makes as
    /// much progress as waiting does).
    ///
    /// On release the holder removes the path only when it is still the locked file
    /// (same device and inode as the open handle); a path that is gone or is another
    /// file is left alone, see [`Release`](super::Release).
    pub remove_on_release: bool,
    /// Follow a symlink at the lock path (passed through to [`Op::Open`](super::Op::Open)).
    pub follow_symlinks: bool,
}

impl Plan<'_> {
    /// Whether a lock taken with this plan writes its stamp (exclusive with a stamp).
    pub const fn writes_stamp(&self) -> bool {
        matches!(self.mode, Mode::Exclusive) && self.stamp.is_some()
    }

    /// Whether releasing a lock taken with this plan removes the file.
    pub const fn removes_on_release(&self) -> bool {
        match self.primitive {
            Primitive::CreateNew => true,
            _ => self.remove_on_release && matches!(self.mode, Mode::Exclusive),
        }
    }

    /// Whether acquiring with this plan checks the file's identity after locking.
    pub const fn checks_identity(&self) -> bool {
        self.remove_on_release && !matches!(self.primitive, Primitive::CreateNew)
    }
}
