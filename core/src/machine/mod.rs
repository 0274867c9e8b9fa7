//! The lock protocol as a sans-IO state machine (DESIGN §4).
//!
//! STUB: the types below are the contract between core and the adapters; the
//! transitions are being written in `acquire.rs` / `release.rs`.
//!
//! Driving loop:
//!
//! ```ignore
//! let mut acquire = Acquire::new(&plan);
//! let mut outcome = Outcome::Start;
//! let held = loop {
//!     match acquire.step(outcome) {
//!         Step::Do(op) => outcome = backend.perform(op),
//!         Step::Held => break Ok(()),
//!         Step::Failed(e) => break Err(e),
//!     }
//! };
//! ```

use core::time::Duration;

/// Maximum number of holder bytes the machine keeps from [`Op::ReadHolder`].
pub const HOLDER_CAPACITY: usize = 512;

/// Which locking primitive a plan uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Primitive {
    /// `flock(2)` on an open file (Unix default; `LockFileEx` on byte 0 on Windows).
    #[default]
    Flock,
    /// POSIX record locks (`fcntl(F_SETLK)`), process-associated; the adapter keeps an
    /// in-process table so that two handles in one process still exclude each other.
    Fcntl,
    /// A dot-lock: the file is created with `O_CREAT | O_EXCL` and removed on release.
    CreateNew,
}

/// Exclusive or shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// One holder at a time (`LOCK_EX`, `F_WRLCK`).
    #[default]
    Exclusive,
    /// Many readers at a time (`LOCK_SH`, `F_RDLCK`). Shared locks never write a stamp.
    Shared,
}

/// What to do when the lock is held by someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Wait {
    /// Fail at once with contention (zc.lockfile's behaviour, the default).
    #[default]
    Never,
    /// Block until the lock is free.
    Forever,
    /// Retry until the lock is free or this much time has passed.
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
    pub stamp: Option<&'s [u8]>,
    /// `fsync` the file after stamping.
    pub sync: bool,
    /// Remove the file on release (and verify identity after locking).
    pub remove_on_release: bool,
    /// Follow a symlink at the lock path (passed through to [`Op::Open`]).
    pub follow_symlinks: bool,
}

/// How [`Op::Open`] must open the lock path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpenHow {
    /// Open read-write, creating if missing, never truncating.
    OpenOrCreate,
    /// Create a new file; `AlreadyExists` if it exists (`O_CREAT | O_EXCL`).
    CreateNew,
}

/// Identity of a file: what `fstat`/`stat` report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId {
    /// Device number.
    pub dev: u64,
    /// Inode number.
    pub ino: u64,
    /// Hard-link count (0 once the file has been removed).
    pub nlink: u64,
}

/// The type of an open file, as reported for [`Op::Check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A regular file: the only kind a lock file may be.
    Regular,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// Anything else (FIFO, socket, device).
    Other,
}

/// An operation the adapter must perform, then report with an [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op<'s> {
    /// Open the lock path (keeping the handle). Reply `Done` or `Failed`.
    Open {
        /// Open-or-create, or create-new.
        how: OpenHow,
        /// Follow a symlink at the path (`O_NOFOLLOW` otherwise).
        follow_symlinks: bool,
    },
    /// `fstat` the open handle. Reply `Stat` or `Failed`.
    Check,
    /// Claim the file in the adapter's in-process table (fcntl only). Reply `Done`, or
    /// `Failed(WouldBlock)` when another handle in this process holds a conflicting claim.
    Claim(Mode),
    /// Drop this handle's in-process claim. Reply `Done`.
    Unclaim,
    /// Non-blocking lock. Reply `Done`, or `Failed(WouldBlock)` on contention.
    TryLock(Mode),
    /// Blocking lock. Reply `Done`; `Failed(Interrupted)` makes the machine retry.
    Lock(Mode),
    /// Read up to [`HOLDER_CAPACITY`] bytes of the lock file's content from offset 0 (through
    /// the handle if one is open, else through the path). Reply `Holder` or `Failed`.
    ReadHolder,
    /// Report a monotonic clock reading. Reply `Clock`.
    ReadClock,
    /// Wait up to this long for the holder to release (may return early). Reply `Done`.
    WaitForRelease(Duration),
    /// `fstat` the handle and `stat` the path. Reply `Identity` or `Failed`.
    Identify,
    /// Write these bytes at offset 0 (all of them). Reply `Done` or `Failed`.
    Write(&'s [u8]),
    /// Truncate the file to this length. Reply `Done` or `Failed`.
    Truncate(u64),
    /// `fsync` the file. Reply `Done` or `Failed`.
    Sync,
    /// Release the OS lock on the handle. Reply `Done` or `Failed`.
    Unlock,
    /// Remove the lock path. Reply `Done` or `Failed`.
    Remove,
    /// Close the handle. Reply `Done` or `Failed`; the handle is gone either way.
    Close,
}

/// The name of an [`Op`] without its data, as carried in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OpKind {
    /// [`Op::Open`]
    Open,
    /// [`Op::Check`]
    Check,
    /// [`Op::Claim`]
    Claim,
    /// [`Op::Unclaim`]
    Unclaim,
    /// [`Op::TryLock`]
    TryLock,
    /// [`Op::Lock`]
    Lock,
    /// [`Op::ReadHolder`]
    ReadHolder,
    /// [`Op::ReadClock`]
    ReadClock,
    /// [`Op::WaitForRelease`]
    WaitForRelease,
    /// [`Op::Identify`]
    Identify,
    /// [`Op::Write`]
    Write,
    /// [`Op::Truncate`]
    Truncate,
    /// [`Op::Sync`]
    Sync,
    /// [`Op::Unlock`]
    Unlock,
    /// [`Op::Remove`]
    Remove,
    /// [`Op::Close`]
    Close,
}

/// What happened when the adapter performed the last [`Op`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The first call to `step`: nothing has been performed yet.
    Start,
    /// The op succeeded and has nothing to report.
    Done,
    /// The op failed with this kind.
    Failed(ErrorKind),
    /// Reply to [`Op::Check`].
    Stat {
        /// What kind of file the handle refers to.
        kind: FileKind,
        /// Its identity.
        id: FileId,
    },
    /// Reply to [`Op::Identify`].
    Identity {
        /// The open handle's identity.
        open: FileId,
        /// The path's identity, or `None` if nothing is at the path any more.
        path: Option<FileId>,
    },
    /// Reply to [`Op::ReadHolder`]: the bytes read (the machine keeps a copy).
    Holder(&'a [u8]),
    /// Reply to [`Op::ReadClock`]: monotonic time since an arbitrary fixed origin.
    Clock(Duration),
}

/// Error kinds an adapter reports, plus those the machine itself produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The lock is held by someone else (`EWOULDBLOCK`, `EAGAIN`, `EACCES` from fcntl).
    WouldBlock,
    /// The file exists (`EEXIST`; contention for [`Primitive::CreateNew`]).
    AlreadyExists,
    /// The path or a parent does not exist (`ENOENT`).
    NotFound,
    /// Permission denied (`EACCES`, `EPERM`).
    PermissionDenied,
    /// A signal interrupted the call (`EINTR`).
    Interrupted,
    /// The path is a symlink and following was not allowed (`ELOOP` with `O_NOFOLLOW`).
    Symlink,
    /// The path is not a regular file (produced by the machine after [`Op::Check`]).
    NotRegular,
    /// The path is a directory (`EISDIR`).
    IsDirectory,
    /// The operation is not supported here (`ENOTSUP`, `ENOLCK`, `ENOSYS`, or a plan the
    /// primitive cannot honour, such as a shared [`Primitive::CreateNew`] lock).
    Unsupported,
    /// Deadlock detected by the kernel (`EDEADLK`, fcntl).
    Deadlock,
    /// Invalid input, such as a path with a NUL byte (`EINVAL`).
    InvalidInput,
    /// The filesystem is full or read-only (`ENOSPC`, `EDQUOT`, `EROFS`).
    Storage,
    /// A [`Wait::For`] deadline passed (produced by the machine).
    TimedOut,
    /// The file at the path kept changing under us (remove-on-release identity check
    /// failed too many times; produced by the machine).
    Unstable,
    /// The adapter replied with an outcome that does not answer the op (a driver bug).
    Protocol,
    /// Any other OS error.
    Other,
}

/// A failed acquire or release: which op failed and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Error {
    op: OpKind,
    kind: ErrorKind,
}

impl Error {
    /// Builds an error.
    pub const fn new(op: OpKind, kind: ErrorKind) -> Self {
        Error { op, kind }
    }
    /// The op that failed.
    pub const fn op(&self) -> OpKind {
        self.op
    }
    /// Why.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }
    /// Whether this is contention (the lock is held by someone else), including a timed
    /// wait that ran out.
    pub const fn is_contention(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::WouldBlock | ErrorKind::AlreadyExists | ErrorKind::TimedOut
        )
    }
}

/// What the machine wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Step<'s> {
    /// Perform this op and pass its [`Outcome`] to the next `step` call.
    Do(Op<'s>),
    /// The lock is held (and stamped, if the plan asked). Terminal.
    Held,
    /// The lock is released and the handle closed. Terminal (release only).
    Released,
    /// The attempt failed; every handle it opened has been closed. Terminal.
    Failed(Error),
}

mod acquire;
mod release;

pub use acquire::Acquire;
pub use release::Release;
