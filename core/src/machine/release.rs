//! The release machine: from a held lock back to nothing.

use super::cleanup::{CleanOp, Resources, Scope};
use super::{Error, Outcome, Plan, Primitive, Step};

/// Drives the release of a held lock; see the [module docs](super).
///
/// The ops are fixed by the plan: [`Op::Remove`](super::Op::Remove) when
/// [`Plan::removes_on_release`], then [`Op::Unlock`](super::Op::Unlock) (not for
/// [`Primitive::CreateNew`]), [`Op::Unclaim`](super::Op::Unclaim) (fcntl only) and always
/// exactly one [`Op::Close`](super::Op::Close). A failed op does not stop the rest: the
/// machine finishes with [`Step::Failed`] carrying the first failure, or
/// [`Step::Released`].
#[derive(Debug, Clone)]
pub struct Release {
    res: Resources,
    phase: Phase,
    failure: Option<Error>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    New,
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
        }
    }

    /// Advances the machine with the outcome of the last op.
    ///
    /// The first call ignores its outcome (pass [`Outcome::Start`]). After a terminal
    /// step, every further call returns that same step.
    pub fn step(&mut self, outcome: Outcome<'_>) -> Step<'static> {
        match self.phase {
            Phase::Done => return self.end(),
            Phase::New => {}
            Phase::Cleanup(op) => {
                self.res.gone(op);
                if outcome != Outcome::Done && self.failure.is_none() {
                    self.failure = Some(Error::new(op.kind(), outcome.failure()));
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

    fn end(&self) -> Step<'static> {
        match self.failure {
            None => Step::Released,
            Some(error) => Step::Failed(error),
        }
    }
}
