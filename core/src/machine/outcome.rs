//! What an adapter reports back: [`Outcome`].

use super::{ErrorKind, FileId, FileKind};
use core::time::Duration;

/// What happened when the adapter performed the last [`Op`](super::Op).
///
/// Which replies answer which op is listed on each [`Op`](super::Op) variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// The first call to `step`: nothing has been performed yet. (The first call ignores
    /// its outcome; `Start` anywhere later is a [`ErrorKind::Protocol`] error.)
    Start,
    /// The op succeeded and has nothing to report.
    Done,
    /// The op failed with this kind.
    Failed(ErrorKind),
    /// Reply to [`Op::Check`](super::Op::Check).
    Stat {
        /// What kind of file the handle refers to.
        kind: FileKind,
        /// Its identity.
        id: FileId,
    },
    /// Reply to [`Op::Identify`](super::Op::Identify).
    Identity {
        /// The open handle's identity.
        open: FileId,
        /// The path's identity, or `None` if nothing is at the path any more.
        path: Option<FileId>,
    },
    /// Reply to [`Op::ReadHolder`](super::Op::ReadHolder): the bytes read (the machine
    /// keeps a copy of the first [`HOLDER_CAPACITY`](super::HOLDER_CAPACITY)).
    Holder(&'a [u8]),
    /// Reply to [`Op::ReadClock`](super::Op::ReadClock): monotonic time since an
    /// arbitrary fixed origin.
    Clock(Duration),
}

impl Outcome<'_> {
    /// The error kind of a reply that was not the expected success: the kind of a
    /// `Failed` reply, [`ErrorKind::Protocol`] for anything else.
    pub(super) const fn failure(&self) -> ErrorKind {
        match self {
            Outcome::Failed(kind) => *kind,
            _ => ErrorKind::Protocol,
        }
    }
}
