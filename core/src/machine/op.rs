//! The operations the machine asks an adapter to perform: [`Op`] and its data.
//!
//! Each variant's doc lists the replies ([`Outcome`](super::Outcome)s) that answer it.
//! Any other reply is a driver bug: the machine turns it into
//! [`ErrorKind::Protocol`](super::ErrorKind::Protocol) for that op and cleans up as for
//! any other failure.

use super::Mode;
use core::time::Duration;

/// Maximum number of holder bytes the machine keeps from [`Op::ReadHolder`].
pub const HOLDER_CAPACITY: usize = 512;

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

/// An operation the adapter must perform, then report with an [`Outcome`](super::Outcome).
///
/// At most one handle is open at a time; "the handle" below is the one the last
/// successful [`Op::Open`] produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Op<'s> {
    /// Open the lock path (keeping the handle). Reply `Done` or `Failed`.
    ///
    /// With [`OpenHow::CreateNew`], `Failed(AlreadyExists)` is contention. A `Done`
    /// reply means the adapter now owns a handle the machine will close exactly once.
    Open {
        /// Open-or-create, or create-new.
        how: OpenHow,
        /// Follow a symlink at the path (`O_NOFOLLOW` otherwise).
        follow_symlinks: bool,
    },
    /// `fstat` the open handle. Reply `Stat` or `Failed`. A kind other than
    /// [`FileKind::Regular`] fails the attempt with `NotRegular` before anything is written.
    Check,
    /// Claim the file in the adapter's in-process table (fcntl only). Reply `Done`, or
    /// `Failed(WouldBlock)` when another handle in this process holds a conflicting claim.
    Claim(Mode),
    /// Drop this handle's in-process claim. Reply `Done`.
    Unclaim,
    /// Non-blocking lock. Reply `Done`, or `Failed(WouldBlock)` on contention;
    /// `Failed(Interrupted)` makes the machine try again.
    TryLock(Mode),
    /// Blocking lock. Reply `Done`; `Failed(Interrupted)` makes the machine retry.
    Lock(Mode),
    /// Read up to [`HOLDER_CAPACITY`] bytes of the lock file's content from offset 0 (through
    /// the handle if one is open, else through the path). Reply `Holder` or `Failed`.
    ///
    /// Best effort: a `Failed` reply is ignored (the file may be gone already).
    ReadHolder,
    /// Report a monotonic clock reading. Reply `Clock`.
    ReadClock,
    /// Wait up to this long for the holder to release (may return early). Reply `Done`
    /// (`Failed(Interrupted)` counts as an early return). The duration is never zero.
    WaitForRelease(Duration),
    /// `fstat` the handle and `stat` the path. Reply `Identity` or `Failed`;
    /// `Failed(NotFound)` from `stat` counts as `Identity { path: None, .. }`.
    ///
    /// Asked after locking (remove-on-release) and, on release, before
    /// [`Op::Remove`] (remove-on-release and create-new), which follows only when the path
    /// is still the open file.
    Identify,
    /// Write these bytes at offset 0 (all of them). Reply `Done` or `Failed`.
    Write(&'s [u8]),
    /// Truncate the file to this length. Reply `Done` or `Failed`.
    Truncate(u64),
    /// `fsync` the file. Reply `Done` or `Failed`.
    Sync,
    /// Release the OS lock on the handle. Reply `Done` or `Failed`.
    Unlock,
    /// Remove the lock path. Reply `Done` or `Failed`. On release it directly follows an
    /// [`Op::Identify`] that found the open file at the path.
    Remove,
    /// Close the handle. Reply `Done` or `Failed`; the handle is gone either way.
    Close,
}

impl Op<'_> {
    /// The name of this op, as carried in [`Error`](super::Error)s.
    pub const fn kind(&self) -> OpKind {
        match self {
            Op::Open { .. } => OpKind::Open,
            Op::Check => OpKind::Check,
            Op::Claim(_) => OpKind::Claim,
            Op::Unclaim => OpKind::Unclaim,
            Op::TryLock(_) => OpKind::TryLock,
            Op::Lock(_) => OpKind::Lock,
            Op::ReadHolder => OpKind::ReadHolder,
            Op::ReadClock => OpKind::ReadClock,
            Op::WaitForRelease(_) => OpKind::WaitForRelease,
            Op::Identify => OpKind::Identify,
            Op::Write(_) => OpKind::Write,
            Op::Truncate(_) => OpKind::Truncate,
            Op::Sync => OpKind::Sync,
            Op::Unlock => OpKind::Unlock,
            Op::Remove => OpKind::Remove,
            Op::Close => OpKind::Close,
        }
    }
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

impl OpKind {
    /// A short lowercase name for messages (`"open"`, `"try-lock"`, ...), without
    /// `core::fmt`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OpKind::Open => "open",
            OpKind::Check => "check",
            OpKind::Claim => "claim",
            OpKind::Unclaim => "unclaim",
            OpKind::TryLock => "try-lock",
            OpKind::Lock => "lock",
            OpKind::ReadHolder => "read-holder",
            OpKind::ReadClock => "read-clock",
            OpKind::WaitForRelease => "wait-for-release",
            OpKind::Identify => "identify",
            OpKind::Write => "write",
            OpKind::Truncate => "truncate",
            OpKind::Sync => "sync",
            OpKind::Unlock => "unlock",
            OpKind::Remove => "remove",
            OpKind::Close => "close",
        }
    }
}
