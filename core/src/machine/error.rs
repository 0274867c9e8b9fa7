//! Why an acquire or release failed: [`Error`] and [`ErrorKind`].

use super::OpKind;

/// Error kinds an adapter reports, plus those the machine itself produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The lock is held by someone else (`EWOULDBLOCK`, `EAGAIN`, `EACCES` from fcntl).
    WouldBlock,
    /// The file exists (`EEXIST`; contention for [`Primitive::CreateNew`](super::Primitive::CreateNew)).
    AlreadyExists,
    /// The path or a parent does not exist (`ENOENT`).
    NotFound,
    /// Permission denied (`EACCES`, `EPERM`).
    PermissionDenied,
    /// A signal interrupted the call (`EINTR`).
    Interrupted,
    /// The path is a symlink and following was not allowed (`ELOOP` with `O_NOFOLLOW`).
    Symlink,
    /// The path is not a regular file (produced by the machine after [`Op::Check`](super::Op::Check)).
    NotRegular,
    /// The path is a directory (`EISDIR`).
    IsDirectory,
    /// The operation is not supported here (`ENOTSUP`, `ENOLCK`, `ENOSYS`, or a plan the
    /// primitive cannot honour, such as a shared [`Primitive::CreateNew`](super::Primitive::CreateNew) lock).
    Unsupported,
    /// Deadlock detected by the kernel (`EDEADLK`, fcntl).
    Deadlock,
    /// Invalid input, such as a path with a NUL byte (`EINVAL`).
    InvalidInput,
    /// The filesystem is full or read-only (`ENOSPC`, `EDQUOT`, `EROFS`).
    Storage,
    /// A [`Wait::For`](super::Wait::For) deadline passed (produced by the machine).
    TimedOut,
    /// The file at the path kept changing under us (the remove-on-release identity check
    /// failed more than [`MAX_IDENTITY_RESTARTS`](super::MAX_IDENTITY_RESTARTS) times for
    /// a [`Wait::Never`](super::Wait::Never) plan; produced by the machine). Waiting plans
    /// never fail with it.
    Unstable,
    /// The adapter replied with an outcome that does not answer the op (a driver bug).
    Protocol,
    /// Any other OS error.
    Other,
}

impl ErrorKind {
    /// Every kind, in declaration order.
    pub const ALL: [ErrorKind; 16] = [
        ErrorKind::WouldBlock,
        ErrorKind::AlreadyExists,
        ErrorKind::NotFound,
        ErrorKind::PermissionDenied,
        ErrorKind::Interrupted,
        ErrorKind::Symlink,
        ErrorKind::NotRegular,
        ErrorKind::IsDirectory,
        ErrorKind::Unsupported,
        ErrorKind::Deadlock,
        ErrorKind::InvalidInput,
        ErrorKind::Storage,
        ErrorKind::TimedOut,
        ErrorKind::Unstable,
        ErrorKind::Protocol,
        ErrorKind::Other,
    ];

    /// A short lowercase description for messages, without `core::fmt`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::WouldBlock => "held by another lock",
            ErrorKind::AlreadyExists => "lock file already exists",
            ErrorKind::NotFound => "not found",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::Interrupted => "interrupted",
            ErrorKind::Symlink => "path is a symlink",
            ErrorKind::NotRegular => "not a regular file",
            ErrorKind::IsDirectory => "is a directory",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::Deadlock => "deadlock detected",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Storage => "no space or read-only filesystem",
            ErrorKind::TimedOut => "timed out waiting for the lock",
            ErrorKind::Unstable => "lock file kept changing",
            ErrorKind::Protocol => "driver protocol error",
            ErrorKind::Other => "other error",
        }
    }
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
    ///
    /// That is `WouldBlock` from a lock or claim op, `AlreadyExists` from
    /// [`Op::Open`](super::Op::Open), or `TimedOut`; the same kinds from other ops (a
    /// `write` that reports `EAGAIN`) are not contention.
    pub const fn is_contention(&self) -> bool {
        matches!(
            (self.op, self.kind),
            (
                OpKind::TryLock | OpKind::Lock | OpKind::Claim,
                ErrorKind::WouldBlock
            ) | (OpKind::Open, ErrorKind::AlreadyExists)
                | (_, ErrorKind::TimedOut)
        )
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.op.as_str())?;
        f.write_str(": ")?;
        f.write_str(self.kind.as_str())
    }
}
