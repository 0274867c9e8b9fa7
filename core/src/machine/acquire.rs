//! The acquire machine: from nothing to a held (and stamped) lock, or to a clean failure.

use super::cleanup::{CleanOp, Resources, Scope};
use super::wait::Backoff;
use super::{
    Error, ErrorKind, FileId, FileKind, Mode, Op, OpKind, OpenHow, Outcome, Plan, Primitive, Step,
    Wait, HOLDER_CAPACITY,
};
use core::time::Duration;

/// How many times the remove-on-release identity check may send a [`Wait::Never`]
/// attempt back to [`Op::Open`] before it fails with [`ErrorKind::Unstable`].
///
/// Waiting plans are not bound by it: a [`Wait::For`] attempt restarts while time is left
/// (it reads the clock before each restart and then times out), a [`Wait::Forever`]
/// attempt restarts as often as it takes. See
/// [`Plan::remove_on_release`](super::Plan::remove_on_release).
pub const MAX_IDENTITY_RESTARTS: u32 = 32;

/// Drives one attempt to take a lock; see the [module docs](super) for the flows.
///
/// Call [`step`](Acquire::step) with [`Outcome::Start`] first, then with the outcome of
/// each op it asks for, until it returns [`Step::Held`] or [`Step::Failed`].
#[derive(Debug, Clone)]
pub struct Acquire<'s> {
    plan: Plan<'s>,
    phase: Phase,
    res: Resources,
    deadline: Option<Duration>,
    backoff: Backoff,
    restarts: u32,
    attempts: u32,
    holder: heapless::Vec<u8, HOLDER_CAPACITY>,
}

/// The op whose reply the machine is waiting for, with what it needs to go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    New,
    StartClock,
    Open,
    Check,
    Claim,
    Lock(OpKind),
    ReadHolder(Error),
    WaitClock(Error),
    Wait,
    RestartClock,
    Identify,
    Write,
    Truncate,
    Sync,
    Cleanup(CleanOp, Then),
    Done(Option<Error>),
}

/// Where an attempt goes once [`Phase::Cleanup`] has given back what it must.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    /// Finish with this error (everything is given back).
    Fail(Error),
    /// Open again (identity mismatch; the lock, claim and handle are given back).
    Restart,
    /// Wait this long for a release (only the claim is given back).
    Wait(Duration),
}

impl<'s> Acquire<'s> {
    /// Starts an attempt for `plan`. The first `step` call takes [`Outcome::Start`].
    pub fn new(plan: &Plan<'s>) -> Self {
        Acquire {
            plan: *plan,
            phase: Phase::New,
            res: Resources::default(),
            deadline: None,
            backoff: Backoff::new(),
            restarts: 0,
            attempts: 0,
            holder: heapless::Vec::new(),
        }
    }

    /// Advances the machine with the outcome of the last op.
    ///
    /// The first call ignores its outcome (pass [`Outcome::Start`]). After a terminal
    /// step, every further call returns that same step.
    pub fn step(&mut self, outcome: Outcome<'_>) -> Step<'s> {
        match self.phase {
            Phase::Done(end) => terminal(end),
            Phase::New => self.begin(),
            Phase::StartClock => match (outcome, self.plan.wait) {
                (Outcome::Clock(now), Wait::For(limit)) => {
                    self.deadline = Some(now.saturating_add(limit));
                    self.open()
                }
                (other, _) => self.fail(OpKind::ReadClock, other.failure()),
            },
            Phase::Open => self.on_open(outcome),
            Phase::Check => match outcome {
                Outcome::Stat {
                    kind: FileKind::Regular,
                    ..
                } => self.attempt(),
                Outcome::Stat { .. } => self.fail(OpKind::Check, ErrorKind::NotRegular),
                other => self.fail(OpKind::Check, other.failure()),
            },
            Phase::Claim => match outcome {
                Outcome::Done => {
                    self.res.claimed = true;
                    self.lock()
                }
                Outcome::Failed(ErrorKind::WouldBlock) => {
                    self.contended(Error::new(OpKind::Claim, ErrorKind::WouldBlock))
                }
                other => self.fail(OpKind::Claim, other.failure()),
            },
            Phase::Lock(op) => match outcome {
                Outcome::Done => {
                    self.res.locked = true;
                    self.locked()
                }
                Outcome::Failed(ErrorKind::Interrupted) => self.lock(),
                Outcome::Failed(ErrorKind::WouldBlock) => {
                    self.contended(Error::new(op, ErrorKind::WouldBlock))
                }
                other => self.fail(op, other.failure()),
            },
            Phase::ReadHolder(contention) => match outcome {
                Outcome::Holder(bytes) => {
                    self.keep_holder(bytes);
                    self.after_holder(contention)
                }
                Outcome::Failed(_) => self.after_holder(contention),
                other => self.fail(OpKind::ReadHolder, other.failure()),
            },
            Phase::WaitClock(contention) => match outcome {
                Outcome::Clock(now) => self.wait_or_time_out(contention, now),
                other => self.fail(OpKind::ReadClock, other.failure()),
            },
            Phase::RestartClock => match outcome {
                Outcome::Clock(now) if self.time_left(now).is_some() => self.open(),
                Outcome::Clock(_) => self.fail(OpKind::Identify, ErrorKind::TimedOut),
                other => self.fail(OpKind::ReadClock, other.failure()),
            },
            Phase::Wait => match outcome {
                Outcome::Done | Outcome::Failed(ErrorKind::Interrupted) => self.retry(),
                other => self.fail(OpKind::WaitForRelease, other.failure()),
            },
            Phase::Identify => match outcome {
                Outcome::Identity { open, path } if same_file(open, path) => self.stamp(),
                Outcome::Identity { .. } | Outcome::Failed(ErrorKind::NotFound) => self.mismatch(),
                other => self.fail(OpKind::Identify, other.failure()),
            },
            Phase::Write => match (outcome, self.plan.stamp) {
                (Outcome::Done, Some(stamp)) if self.plan.primitive != Primitive::CreateNew => {
                    let len = u64::try_from(stamp.len()).unwrap_or(u64::MAX);
                    self.ask(Phase::Truncate, Op::Truncate(len))
                }
                (Outcome::Done, _) => self.sync(),
                (other, _) => self.fail(OpKind::Write, other.failure()),
            },
            Phase::Truncate => match outcome {
                Outcome::Done => self.sync(),
                other => self.fail(OpKind::Truncate, other.failure()),
            },
            Phase::Sync => match outcome {
                Outcome::Done => self.finish(None),
                other => self.fail(OpKind::Sync, other.failure()),
            },
            Phase::Cleanup(op, then) => {
                self.res.gone(op);
                let then = match (then, outcome) {
                    (Then::Fail(_), _) | (_, Outcome::Done) => then,
                    (_, other) => Then::Fail(Error::new(op.kind(), other.failure())),
                };
                self.cleanup(then)
            }
        }
    }

    /// The holder bytes read on the last contention, if any (empty content reads as
    /// `None`). A timed-out attempt keeps the last holder it read.
    pub fn holder(&self) -> Option<&[u8]> {
        if self.holder.is_empty() {
            None
        } else {
            Some(&self.holder)
        }
    }

    /// How many times this attempt asked for the lock: [`Op::TryLock`] / [`Op::Lock`]
    /// ops, or [`Op::Open`] with [`OpenHow::CreateNew`].
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How many times the identity check sent the attempt back to [`Op::Open`].
    pub fn restarts(&self) -> u32 {
        self.restarts
    }

    /// The deadline of a [`Wait::For`] attempt on the adapter's clock, once the first
    /// [`Op::ReadClock`] has been answered.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The plan this attempt follows.
    pub fn plan(&self) -> &Plan<'s> {
        &self.plan
    }

    fn ask(&mut self, phase: Phase, op: Op<'s>) -> Step<'s> {
        self.phase = phase;
        Step::Do(op)
    }

    fn finish(&mut self, end: Option<Error>) -> Step<'s> {
        self.phase = Phase::Done(end);
        terminal(end)
    }

    fn fail(&mut self, op: OpKind, kind: ErrorKind) -> Step<'s> {
        self.cleanup(Then::Fail(Error::new(op, kind)))
    }

    fn begin(&mut self) -> Step<'s> {
        if self.plan.primitive == Primitive::CreateNew && self.plan.mode == Mode::Shared {
            return self.finish(Some(Error::new(OpKind::Open, ErrorKind::Unsupported)));
        }
        match self.plan.wait {
            Wait::For(_) => self.ask(Phase::StartClock, Op::ReadClock),
            Wait::Never | Wait::Forever => self.open(),
        }
    }

    fn open(&mut self) -> Step<'s> {
        let how = if self.plan.primitive == Primitive::CreateNew {
            self.attempts = self.attempts.saturating_add(1);
            OpenHow::CreateNew
        } else {
            OpenHow::OpenOrCreate
        };
        let follow_symlinks = self.plan.follow_symlinks;
        self.ask(
            Phase::Open,
            Op::Open {
                how,
                follow_symlinks,
            },
        )
    }

    fn on_open(&mut self, outcome: Outcome<'_>) -> Step<'s> {
        let create = self.plan.primitive == Primitive::CreateNew;
        match outcome {
            Outcome::Done => {
                self.res.opened = true;
                if create {
                    self.res.remove = true;
                    self.stamp()
                } else {
                    self.ask(Phase::Check, Op::Check)
                }
            }
            Outcome::Failed(ErrorKind::AlreadyExists) if create => {
                self.contended(Error::new(OpKind::Open, ErrorKind::AlreadyExists))
            }
            other => self.fail(OpKind::Open, other.failure()),
        }
    }

    /// Takes the lock on the open handle: claim first for fcntl, then lock.
    fn attempt(&mut self) -> Step<'s> {
        if self.plan.primitive == Primitive::Fcntl && !self.res.claimed {
            let mode = self.plan.mode;
            return self.ask(Phase::Claim, Op::Claim(mode));
        }
        self.lock()
    }

    fn lock(&mut self) -> Step<'s> {
        self.attempts = self.attempts.saturating_add(1);
        let mode = self.plan.mode;
        if self.plan.wait == Wait::Forever {
            self.ask(Phase::Lock(OpKind::Lock), Op::Lock(mode))
        } else {
            self.ask(Phase::Lock(OpKind::TryLock), Op::TryLock(mode))
        }
    }

    /// The lock was granted: check identity if asked, then stamp.
    fn locked(&mut self) -> Step<'s> {
        if self.plan.checks_identity() {
            self.ask(Phase::Identify, Op::Identify)
        } else {
            self.stamp()
        }
    }

    /// The file at the path is not the one locked (another holder removed it after we
    /// opened it): give everything back and start over, within the wait policy's bound.
    fn mismatch(&mut self) -> Step<'s> {
        self.restarts = self.restarts.saturating_add(1);
        if self.plan.wait == Wait::Never && self.restarts > MAX_IDENTITY_RESTARTS {
            self.fail(OpKind::Identify, ErrorKind::Unstable)
        } else {
            self.cleanup(Then::Restart)
        }
    }

    fn stamp(&mut self) -> Step<'s> {
        match self.plan.stamp {
            Some(bytes) if self.plan.mode == Mode::Exclusive => {
                self.ask(Phase::Write, Op::Write(bytes))
            }
            _ => self.finish(None),
        }
    }

    fn sync(&mut self) -> Step<'s> {
        if self.plan.sync {
            self.ask(Phase::Sync, Op::Sync)
        } else {
            self.finish(None)
        }
    }

    /// Someone else holds the lock: learn who, then follow the wait policy.
    fn contended(&mut self, contention: Error) -> Step<'s> {
        self.ask(Phase::ReadHolder(contention), Op::ReadHolder)
    }

    fn keep_holder(&mut self, bytes: &[u8]) {
        let kept = bytes.get(..HOLDER_CAPACITY).unwrap_or(bytes);
        self.holder.clear();
        // Cannot fail: `kept` is at most the capacity and the vector was just cleared.
        let _ = self.holder.extend_from_slice(kept);
    }

    fn after_holder(&mut self, contention: Error) -> Step<'s> {
        match self.plan.wait {
            Wait::Never => self.cleanup(Then::Fail(contention)),
            Wait::Forever => {
                let wait = self.backoff.next(None);
                self.cleanup(Then::Wait(wait))
            }
            Wait::For(_) => self.ask(Phase::WaitClock(contention), Op::ReadClock),
        }
    }

    /// The time left before the deadline at `now`; `None` once it has passed (or when
    /// there is no deadline).
    fn time_left(&self, now: Duration) -> Option<Duration> {
        self.deadline
            .and_then(|deadline| deadline.checked_sub(now))
            .filter(|left| !left.is_zero())
    }

    fn wait_or_time_out(&mut self, contention: Error, now: Duration) -> Step<'s> {
        match self.time_left(now) {
            Some(left) => {
                let wait = self.backoff.next(Some(left));
                self.cleanup(Then::Wait(wait))
            }
            None => self.fail(contention.op(), ErrorKind::TimedOut),
        }
    }

    /// After a wait: try again on the same handle, or create again.
    fn retry(&mut self) -> Step<'s> {
        if self.plan.primitive == Primitive::CreateNew {
            self.open()
        } else {
            self.attempt()
        }
    }

    /// Gives back what `then` requires, one op per step, then goes on with `then`.
    fn cleanup(&mut self, then: Then) -> Step<'s> {
        let scope = match then {
            Then::Fail(_) => Scope::All,
            Then::Restart => Scope::Handle,
            Then::Wait(_) => Scope::Claim,
        };
        if let Some(op) = self.res.next(scope) {
            return self.ask(Phase::Cleanup(op, then), op.op());
        }
        match then {
            Then::Fail(error) => self.finish(Some(error)),
            // A timed attempt only opens again while time is left.
            Then::Restart => match self.plan.wait {
                Wait::For(_) => self.ask(Phase::RestartClock, Op::ReadClock),
                Wait::Never | Wait::Forever => self.open(),
            },
            Then::Wait(wait) => self.ask(Phase::Wait, Op::WaitForRelease(wait)),
        }
    }
}

fn terminal(end: Option<Error>) -> Step<'static> {
    match end {
        None => Step::Held,
        Some(error) => Step::Failed(error),
    }
}

/// Whether the open handle is still the file at the path (and not an unlinked one).
fn same_file(open: FileId, path: Option<FileId>) -> bool {
    match path {
        Some(path) => open.dev == path.dev && open.ino == path.ino && open.nlink != 0,
        None => false,
    }
}
