//! What the machine wants next: [`Step`].

use super::{Error, Op};

/// What the machine wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
#[non_exhaustive]
pub enum Step<'s> {
    /// Perform this op and pass its [`Outcome`](super::Outcome) to the next `step` call.
    Do(Op<'s>),
    /// The lock is held (and stamped, if the plan asked). Terminal: the adapter keeps the
    /// open handle and later drives a [`Release`](super::Release).
    Held,
    /// The lock is released and the handle closed. Terminal (release only).
    Released,
    /// The attempt failed; every handle it opened has been closed. Terminal.
    Failed(Error),
}

impl Step<'_> {
    /// Whether this step ends the machine (anything but [`Step::Do`]). Stepping a
    /// finished machine again returns the same terminal step and asks for no op.
    pub const fn is_terminal(&self) -> bool {
        !matches!(self, Step::Do(_))
    }
}
