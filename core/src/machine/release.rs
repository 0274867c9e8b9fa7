//! The release machine: from a held lock back to nothing.

use super::cleanup::{CleanOp, Resources, Scope};
use super::{Error, ErrorKind, Op, OpKind, Outcome, Plan, Primitive, Step};

/// Drives the release of a held lock; see the [module docs](super).
///
/// The ops are fixed by the plan, except for the removal: when
/// [`Plan::removes_on_release`], the machine first asks for [`Op::Identify`] and asks
/// for [`Op::Remove`] only when the path still names the locked file (the same device
/// and inode as the open handle). Then [`Op::Unlock`] (not for
/// [`Primitive::CreateNew`]), [`Op::Unclaim`] (fcntl only) and always exactly one
/// [`Op::Close`]. A failed op does not stop the rest: the machine finishes with
/// [`Step::Failed`] carrying the first failure, or [`Step::Released`].
///
/// # A lock broken by someone else
///
/// When the path is gone, or names another file, someone removed our file while we held
/// it (a dot-lock deleted by hand or by a stale-lock breaker, say) and perhaps another
/// process has locked a new file there since. Removing the path would delete *that*
/// lock, so the release leaves it alone; this is not an error (the lock was already
/// broken, and there is nothing left of ours to remove), see [`Release::path_replaced`].
/// An `Identify` that fails otherwise also skips the removal, and is reported.
#[derive(Debug, Clone)]
pub struct Release {
    res: Resources,
    phase: Phase,
    failure: Option<Error>,
    replaced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    New,
    Identify,
    Cleanup(CleanOp),
    Done,
}

impl Release {
    /// Starts releasing a lock that was acquired with `plan`.
    pub fn new(plan: &Plan<'_>) -> Self {
        Release {
            res: Resources {
                remove: plan.removes_on_release(),
                locked: plan.primitive != Primitive::CreateNew,
                claimed: plan.primitive == Primitive::Fcntl,
                opened: true,
            },
            phase: Phase::New,
            failure: None,
            replaced: false,
        }
    }

    /// Advances the machine with the outcome of the last op.
    ///
    /// The first call ignores its outcome (pass [`Outcome::Start`]). After a terminal
    /// step, every further call returns that same step.
    pub fn step(&mut self, outcome: Outcome<'_>) -> Step<'static> {
        match self.phase {
            Phase::Done => return self.end(),
            Phase::New if self.res.remove => {
                // Only remove the path if it is still our file.
                self.phase = Phase::Identify;
                return Step::Do(Op::Identify);
            }
            Phase::New => {}
            Phase::Identify => self.on_identity(outcome),
            Phase::Cleanup(op) => {
                self.res.gone(op);
                if outcome != Outcome::Done {
                    self.record(Error::new(op.kind(), outcome.failure()));
                }
            }
        }
        match self.res.next(Scope::All) {
            Some(op) => {
                self.phase = Phase::Cleanup(op);
                Step::Do(op.op())
            }
            None => {
                self.phase = Phase::Done;
                self.end()
            }
        }
    }

    /// The first failure so far, if any.
    pub fn failure(&self) -> Option<Error> {
        self.failure
    }

    /// Whether the path was found gone or naming another file, so that the release did
    /// not remove it (the lock had been broken by someone else while held).
    pub fn path_replaced(&self) -> bool {
        self.replaced
    }

    /// Keeps the removal only when the path is still the open file.
    fn on_identity(&mut self, outcome: Outcome<'_>) {
        match outcome {
            Outcome::Identity {
                open,
                path: Some(path),
            } if open.dev == path.dev && open.ino == path.ino => {}
            Outcome::Identity { .. } | Outcome::Failed(ErrorKind::NotFound) => {
                self.res.remove = false;
                self.replaced = true;
            }
            other => {
                self.res.remove = false;
                self.record(Error::new(OpKind::Identify, other.failure()));
            }
        }
    }

    fn record(&mut self, error: Error) {
        if self.failure.is_none() {
            self.failure = Some(error);
        }
    }

    fn end(&self) -> Step<'static> {
        match self.failure {
            None => Step::Released,
            Some(error) => Step::Failed(error),
        }
    }
}
