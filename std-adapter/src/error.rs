//! [`LockError`]: what failed, on which path, and for contention who holds the lock.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use lockstamp_core::machine::{self, ErrorKind, OpKind};
use lockstamp_core::TemplateError;

use crate::HolderInfo;

/// A lock that could not be taken, released or inspected.
///
/// Contention is the error most callers care about: [`is_locked`](LockError::is_locked)
/// says so, [`holder`](LockError::holder) says who, and converting into an `io::Error`
/// gives [`io::ErrorKind::WouldBlock`], as `File::try_lock` does. Every other error says
/// which operation failed on which path, with the OS error as its
/// [`source`](std::error::Error::source).
///
/// ```text
/// Couldn't lock "x.lock": held by pid 123 on vm
/// Couldn't open "x.lock": refusing to follow a symlink
/// ```
#[derive(Debug)]
pub struct LockError {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    op: Option<OpKind>,
    kind: ErrorKind,
    holder: Option<HolderInfo>,
    template: Option<TemplateError>,
    source: Option<io::Error>,
}

impl LockError {
    /// An error from the machine, with the OS error behind it and the holder read on
    /// contention.
    pub(crate) fn from_machine(
        path: &Path,
        err: machine::Error,
        source: Option<io::Error>,
        holder: Option<HolderInfo>,
    ) -> Self {
        LockError::new(Inner {
            path: path.to_owned(),
            op: Some(err.op()),
            kind: err.kind(),
            holder: holder.filter(|h| !h.is_empty()),
            template: None,
            source,
        })
    }

    fn new(inner: Inner) -> Self {
        LockError {
            inner: Box::new(inner),
        }
    }

    /// A template that does not parse or render: reported before anything is opened.
    pub(crate) fn template(path: &Path, err: TemplateError) -> Self {
        LockError::new(Inner {
            path: path.to_owned(),
            op: None,
            kind: ErrorKind::InvalidInput,
            holder: None,
            template: Some(err),
            source: None,
        })
    }

    /// An error outside the machine (a bad path, a failed status read).
    pub(crate) fn other(
        path: &Path,
        op: Option<OpKind>,
        kind: ErrorKind,
        source: io::Error,
    ) -> Self {
        LockError::new(Inner {
            path: path.to_owned(),
            op,
            kind,
            holder: None,
            template: None,
            source: Some(source),
        })
    }

    /// Refuses a path with a NUL byte (`InvalidInput`) before any system call sees it.
    pub(crate) fn check_path(path: &Path) -> Result<(), LockError> {
        if path.as_os_str().as_encoded_bytes().contains(&0) {
            let source = io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte");
            return Err(LockError::other(
                path,
                None,
                ErrorKind::InvalidInput,
                source,
            ));
        }
        Ok(())
    }

    /// Whether the lock is held by someone else (including a timed wait that ran out).
    pub fn is_locked(&self) -> bool {
        self.inner.template.is_none()
            && self
                .inner
                .op
                .is_some_and(|op| machine::Error::new(op, self.inner.kind).is_contention())
    }

    /// Who holds the lock, when this is contention and the lock file names someone.
    pub fn holder(&self) -> Option<&HolderInfo> {
        self.inner.holder.as_ref()
    }

    /// Why it failed: [`ErrorKind::WouldBlock`] (or `AlreadyExists` for a dot-lock,
    /// `TimedOut` for a timed wait) on contention, `InvalidInput` for a bad template or path,
    /// or the mapped OS error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Which operation failed; `None` when nothing was attempted (bad template or path).
    pub fn op(&self) -> Option<OpKind> {
        self.inner.op
    }

    /// The lock path.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The template problem, when the template was rejected.
    pub fn template_error(&self) -> Option<TemplateError> {
        self.inner.template
    }

    fn verb(&self) -> &'static str {
        if self.is_locked() {
            // A dot-lock's contention is an `Open` that found the file: still "lock".
            return "lock";
        }
        match self.inner.op {
            None => "lock",
            Some(OpKind::Open | OpKind::Check) => "open",
            Some(OpKind::ReadHolder) => "read",
            Some(OpKind::Identify) => "check",
            Some(OpKind::Write | OpKind::Truncate) => "stamp",
            Some(OpKind::Sync) => "sync",
            Some(OpKind::Unlock | OpKind::Unclaim) => "unlock",
            Some(OpKind::Remove) => "remove",
            Some(OpKind::Close) => "close",
            Some(_) => "lock",
        }
    }
}

fn reason(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::WouldBlock | ErrorKind::AlreadyExists => "it is locked",
        ErrorKind::NotFound => "no such file or directory",
        ErrorKind::PermissionDenied => "permission denied",
        ErrorKind::Interrupted => "interrupted",
        ErrorKind::Symlink => "refusing to follow a symlink",
        ErrorKind::NotRegular => "is not a regular file",
        ErrorKind::IsDirectory => "is a directory",
        ErrorKind::Unsupported => "not supported here",
        ErrorKind::Deadlock => "deadlock detected",
        ErrorKind::InvalidInput => "invalid input",
        ErrorKind::Storage => "no space or read-only filesystem",
        ErrorKind::TimedOut => "timed out",
        ErrorKind::Unstable => "the file kept changing",
        ErrorKind::Protocol => "internal protocol error",
        _ => "operating system error",
    }
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Couldn't {} {:?}", self.verb(), self.inner.path)?;
        if let Some(t) = &self.inner.template {
            return write!(f, ": bad template: {t}");
        }
        if self.is_locked() {
            if self.inner.kind == ErrorKind::TimedOut {
                f.write_str(": timed out")?;
                if let Some(h) = &self.inner.holder {
                    write!(f, "; held by {h}")?;
                }
                return Ok(());
            }
            return match &self.inner.holder {
                Some(h) => write!(f, ": held by {h}"),
                None => Ok(()),
            };
        }
        // Kinds too broad to explain themselves (ENAMETOOLONG, EIO, ENOMEM, EINVAL...) show
        // the OS error's own text.
        if matches!(self.inner.kind, ErrorKind::InvalidInput | ErrorKind::Other) {
            if let Some(s) = &self.inner.source {
                return write!(f, ": {s}");
            }
        }
        write!(f, ": {}", reason(self.inner.kind))
    }
}

impl StdError for LockError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Contention becomes [`io::ErrorKind::WouldBlock`] (also for a timed wait that ran out, so
/// callers test one kind); other errors keep the OS error's kind. The `LockError` itself is
/// the payload, so its message and source survive.
impl From<LockError> for io::Error {
    fn from(err: LockError) -> io::Error {
        let kind = if err.is_locked() {
            io::ErrorKind::WouldBlock
        } else if let Some(source) = &err.inner.source {
            source.kind()
        } else {
            match err.inner.kind {
                ErrorKind::NotRegular | ErrorKind::InvalidInput => io::ErrorKind::InvalidInput,
                ErrorKind::Unsupported => io::ErrorKind::Unsupported,
                ErrorKind::TimedOut => io::ErrorKind::TimedOut,
                _ => io::ErrorKind::Other,
            }
        };
        io::Error::new(kind, err)
    }
}
