//! What an attempt currently holds, and the order in which it gives things back.
//!
//! Both machines keep a [`Resources`] record that changes only on replies: a resource is
//! held after its acquiring op answered `Done`, and is gone after its releasing op was
//! answered at all (a failed `close` still consumes the handle; a failed `unlock` is
//! followed by `close`, which drops the lock). Cleanup always runs in one order:
//! remove → unlock → unclaim → close.

use super::{Op, OpKind};

/// One cleanup op.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CleanOp {
    /// [`Op::Remove`]
    Remove,
    /// [`Op::Unlock`]
    Unlock,
    /// [`Op::Unclaim`]
    Unclaim,
    /// [`Op::Close`]
    Close,
}

impl CleanOp {
    /// The op to ask for.
    pub(super) const fn op(self) -> Op<'static> {
        match self {
            CleanOp::Remove => Op::Remove,
            CleanOp::Unlock => Op::Unlock,
            CleanOp::Unclaim => Op::Unclaim,
            CleanOp::Close => Op::Close,
        }
    }

    /// Its name in errors.
    pub(super) const fn kind(self) -> OpKind {
        self.op().kind()
    }
}

/// How much to give back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scope {
    /// Everything, removing a file we created or must remove.
    All,
    /// The lock, the claim and the handle, but never the file (identity restart).
    Handle,
    /// Only the in-process claim; keep the handle open (waiting for a release).
    Claim,
}

/// What is held right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Resources {
    /// The path must be removed before closing (a file we created, or a held
    /// remove-on-release lock).
    pub(super) remove: bool,
    /// The OS lock is held on the handle.
    pub(super) locked: bool,
    /// The adapter's in-process claim is held.
    pub(super) claimed: bool,
    /// A handle is open.
    pub(super) opened: bool,
}

impl Resources {
    /// The next op that gives something back within `scope`, if any.
    pub(super) const fn next(&self, scope: Scope) -> Option<CleanOp> {
        let handle = !matches!(scope, Scope::Claim);
        if self.remove && matches!(scope, Scope::All) {
            Some(CleanOp::Remove)
        } else if self.locked && handle {
            Some(CleanOp::Unlock)
        } else if self.claimed {
            Some(CleanOp::Unclaim)
        } else if self.opened && handle {
            Some(CleanOp::Close)
        } else {
            None
        }
    }

    /// Records that `op` was answered (successfully or not).
    pub(super) fn gone(&mut self, op: CleanOp) {
        match op {
            CleanOp::Remove => self.remove = false,
            CleanOp::Unlock => self.locked = false,
            CleanOp::Unclaim => self.claimed = false,
            CleanOp::Close => self.opened = false,
        }
    }
}
