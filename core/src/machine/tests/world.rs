//! A fake filesystem-and-peers backend that records every op, checks on each op that the
//! machine only asks for what is allowed at that point, and replies either like a
//! well-behaved environment (optionally with injected faults) or from a script.

use crate::machine::{
    Acquire, ErrorKind, FileId, FileKind, Op, OpenHow, Outcome, Plan, Primitive, Step, Wait,
    BACKOFF_CAP, HOLDER_CAPACITY,
};
use core::time::Duration;
use std::vec::Vec;

/// "Forever" for [`Env`] counters.
pub const ALWAYS: u32 = u32::MAX;

/// What every op costs on the fake clock (time passes between a clock reading and a wait).
pub const OP_COST: Duration = Duration::from_micros(50);

/// Where the fake clock starts (not zero: the machine must not assume an origin).
pub const CLOCK_START: Duration = Duration::from_secs(1_000);

/// A stamp used by the test plans.
pub const STAMP: &[u8] = b" 4242;testhost\n";

/// Content longer than [`HOLDER_CAPACITY`].
pub const LONG_HOLDER: &[u8] = &[b'7'; HOLDER_CAPACITY + 88];

/// Holder contents the environment serves, in turn (so "the last holder" is observable).
pub const HOLDERS: [&[u8]; 4] = [b" 101;vm\n", b" 102;vm\n", b"", LONG_HOLDER];

/// How the environment behaves: how many calls of each kind meet contention, how many
/// identity checks see a replaced file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Env {
    /// `Claim` calls answered `WouldBlock` (another handle in this process).
    pub claims: u32,
    /// `TryLock` calls answered `WouldBlock` (another process).
    pub locks: u32,
    /// `Open{CreateNew}` calls answered `AlreadyExists`.
    pub creates: u32,
    /// `Identify` calls that see another file at the path.
    pub mismatches: u32,
}

impl Env {
    /// Nobody else is around.
    pub const FREE: Env = Env {
        claims: 0,
        locks: 0,
        creates: 0,
        mismatches: 0,
    };
}

enum Source {
    Env(Env, Vec<(usize, Outcome<'static>)>),
    Script(Vec<Outcome<'static>>),
}

/// The fake backend and its bookkeeping.
pub struct World {
    pub plan: Plan<'static>,
    source: Source,
    pub ops: Vec<Op<'static>>,
    pub replies: Vec<Outcome<'static>>,
    clock: Duration,
    pub last_clock: Option<Duration>,
    pub deadline: Option<Duration>,
    pub waited: Duration,
    open: bool,
    pub opens: u32,
    pub closes: u32,
    locked: bool,
    claimed: bool,
    created: bool,
    wrote: bool,
    truncated: bool,
    synced: bool,
    identified: bool,
    pub removes: u32,
    releasing: bool,
    /// On release: whether `Identify` found the open file at the path (`None`: not asked).
    release_same: Option<bool>,
    pub last_holder: Option<&'static [u8]>,
    served: Env,
    holder_reads: usize,
}

const ID: FileId = FileId {
    dev: 8,
    ino: 77,
    nlink: 1,
};
const OTHER_ID: FileId = FileId {
    dev: 8,
    ino: 78,
    nlink: 1,
};

impl World {
    /// A world behaving like `env`, with `faults` replacing the replies to the ops at
    /// those indexes (counted over acquire and release together).
    pub fn new(plan: Plan<'static>, env: Env, faults: &[(usize, Outcome<'static>)]) -> Self {
        Self::with(plan, Source::Env(env, faults.to_vec()))
    }

    /// A world that replies with `script`, then `Failed(Other)` to everything.
    pub fn scripted(plan: Plan<'static>, script: &[Outcome<'static>]) -> Self {
        let mut replies = script.to_vec();
        replies.reverse();
        Self::with(plan, Source::Script(replies))
    }

    fn with(plan: Plan<'static>, source: Source) -> Self {
        World {
            plan,
            source,
            ops: Vec::new(),
            replies: Vec::new(),
            clock: CLOCK_START,
            last_clock: None,
            deadline: None,
            waited: Duration::ZERO,
            open: false,
            opens: 0,
            closes: 0,
            locked: false,
            claimed: false,
            created: false,
            wrote: false,
            truncated: false,
            synced: false,
            identified: false,
            removes: 0,
            releasing: false,
            release_same: None,
            last_holder: None,
            served: Env::FREE,
            holder_reads: 0,
        }
    }

    /// Performs `op`: checks it is allowed now, picks the reply, records its effects.
    pub fn perform(&mut self, op: Op<'static>) -> Outcome<'static> {
        let index = self.ops.len();
        self.ops.push(op);
        self.check_allowed(op);
        self.clock = self.clock.saturating_add(OP_COST);
        let reply = match &mut self.source {
            Source::Script(script) => script.pop().unwrap_or(Outcome::Failed(ErrorKind::Other)),
            Source::Env(env, faults) => {
                let env = *env;
                match faults.iter().find(|(at, _)| *at == index) {
                    Some((_, fault)) => *fault,
                    None => self.natural(op, env),
                }
            }
        };
        self.apply(op, reply);
        self.replies.push(reply);
        reply
    }

    /// What a well-behaved environment answers; advances its counters.
    fn natural(&mut self, op: Op<'static>, env: Env) -> Outcome<'static> {
        fn turn(count: &mut u32, limit: u32, busy: Outcome<'static>) -> Outcome<'static> {
            let reply = if *count < limit { busy } else { Outcome::Done };
            *count = count.saturating_add(1);
            reply
        }
        let served = &mut self.served;
        match op {
            Op::Open {
                how: OpenHow::CreateNew,
                ..
            } => turn(
                &mut served.creates,
                env.creates,
                Outcome::Failed(ErrorKind::AlreadyExists),
            ),
            Op::Claim(_) => turn(
                &mut served.claims,
                env.claims,
                Outcome::Failed(ErrorKind::WouldBlock),
            ),
            Op::TryLock(_) => turn(
                &mut served.locks,
                env.locks,
                Outcome::Failed(ErrorKind::WouldBlock),
            ),
            Op::Check => Outcome::Stat {
                kind: FileKind::Regular,
                id: ID,
            },
            Op::Identify => {
                let matches = served.mismatches >= env.mismatches;
                served.mismatches = served.mismatches.saturating_add(1);
                let path = Some(if matches { ID } else { OTHER_ID });
                Outcome::Identity { open: ID, path }
            }
            Op::ReadHolder => {
                let holder = HOLDERS.get(self.holder_reads % 2).copied().unwrap_or(b"");
                self.holder_reads += 1;
                Outcome::Holder(holder)
            }
            Op::ReadClock => Outcome::Clock(self.clock),
            _ => Outcome::Done,
        }
    }

    /// Asserts that the machine may ask for `op` right now.
    fn check_allowed(&self, op: Op<'static>) {
        let plan = &self.plan;
        let fcntl = plan.primitive == Primitive::Fcntl;
        let create = plan.primitive == Primitive::CreateNew;
        match op {
            Op::Open {
                how,
                follow_symlinks,
            } => {
                assert!(!self.open && !self.releasing, "second handle");
                let want = if create {
                    OpenHow::CreateNew
                } else {
                    OpenHow::OpenOrCreate
                };
                assert_eq!((how, follow_symlinks), (want, plan.follow_symlinks));
            }
            Op::Check => assert!(self.open && !self.locked && !create),
            Op::Claim(mode) => {
                assert!(fcntl && self.open && !self.claimed && !self.locked);
                assert_eq!(mode, plan.mode);
            }
            Op::TryLock(mode) | Op::Lock(mode) => {
                assert!(self.open && !self.locked && !create && !self.releasing);
                assert_eq!(self.claimed, fcntl, "fcntl locks only under a claim");
                assert_eq!(mode, plan.mode);
                let blocking = matches!(op, Op::Lock(_));
                assert_eq!(blocking, plan.wait == Wait::Forever);
            }
            Op::ReadHolder => assert!(!self.locked && !self.created && !self.releasing),
            Op::ReadClock => assert!(matches!(plan.wait, Wait::For(_)) && !self.releasing),
            Op::WaitForRelease(wait) => {
                assert!(!self.locked && !self.claimed && !self.created && !self.releasing);
                assert_eq!(
                    self.open, !create,
                    "flock/fcntl keep the handle open while waiting"
                );
                assert!(!wait.is_zero() && wait <= BACKOFF_CAP, "wait {wait:?}");
                if let Some(deadline) = self.deadline {
                    let now = self.last_clock.unwrap_or(Duration::ZERO);
                    assert!(now + wait <= deadline, "wait ends past the deadline");
                }
            }
            Op::Identify if self.releasing => {
                assert!(self.open && (self.locked || self.created) && plan.removes_on_release());
                assert_eq!(self.release_same, None, "one identity check per release");
            }
            Op::Identify => assert!(self.open && self.locked && plan.checks_identity()),
            Op::Write(bytes) => {
                assert!(
                    self.open && (self.locked || self.created),
                    "write without the lock"
                );
                assert!(plan.writes_stamp() && Some(bytes) == plan.stamp && !self.wrote);
                assert!(!self.releasing);
                assert_eq!(self.identified, plan.checks_identity());
            }
            Op::Truncate(len) => {
                assert!(self.wrote && !self.truncated && !create && self.locked);
                assert_eq!(Some(len), plan.stamp.map(|s| s.len() as u64));
            }
            Op::Sync => {
                assert!(plan.sync && self.wrote && (self.truncated || create) && !self.synced);
                assert!(self.locked || self.created);
            }
            Op::Unlock => assert!(self.locked),
            Op::Unclaim => assert!(self.claimed && !self.locked),
            Op::Remove => {
                assert!(self.open);
                if self.releasing {
                    assert!(plan.removes_on_release() && (self.locked || self.created));
                    assert_eq!(self.release_same, Some(true), "removed what is not ours");
                } else {
                    assert!(self.created, "acquire removed a file it did not create");
                }
            }
            Op::Close => {
                assert!(self.open && !self.locked && !self.claimed && !self.created);
            }
        }
    }

    /// Records what `reply` to `op` did to the world.
    fn apply(&mut self, op: Op<'static>, reply: Outcome<'static>) {
        let done = reply == Outcome::Done;
        match op {
            Op::Open { how, .. } if done => {
                self.open = true;
                self.opens += 1;
                self.created = how == OpenHow::CreateNew;
            }
            Op::Claim(_) if done => self.claimed = true,
            Op::TryLock(_) | Op::Lock(_) if done => self.locked = true,
            Op::Identify if self.releasing => {
                let same = matches!(reply, Outcome::Identity { open, path: Some(path) }
                    if open.dev == path.dev && open.ino == path.ino);
                self.release_same = Some(same);
                // A dot-lock not found at the path is no longer ours to remove.
                self.created &= same;
            }
            Op::Identify => {
                self.identified = matches!(reply, Outcome::Identity { open, path: Some(path) }
                    if open.dev == path.dev && open.ino == path.ino && open.nlink > 0);
            }
            Op::Write(_) => self.wrote = done,
            Op::Truncate(_) => self.truncated = done,
            Op::Sync => self.synced = done,
            Op::Unlock => {
                self.locked = false;
                self.identified = false;
            }
            Op::Unclaim => self.claimed = false,
            Op::Remove => {
                self.created = false;
                self.removes += 1;
            }
            Op::Close => {
                self.open = false;
                self.closes += 1;
                (self.wrote, self.truncated, self.synced) = (false, false, false);
            }
            Op::ReadHolder => {
                if let Outcome::Holder(bytes) = reply {
                    self.last_holder = Some(bytes);
                }
            }
            Op::ReadClock => {
                if let Outcome::Clock(now) = reply {
                    self.last_clock = Some(now);
                    if let (None, Wait::For(limit)) = (self.deadline, self.plan.wait) {
                        self.deadline = Some(now.saturating_add(limit));
                    }
                }
            }
            Op::WaitForRelease(wait) if done => {
                self.clock = self.clock.saturating_add(wait);
                self.waited = self.waited.saturating_add(wait);
            }
            _ => {}
        }
    }

    /// Asserts what must be true once an acquire ended with `end`.
    pub fn check_acquired(&self, end: Step<'static>, acquire: &Acquire<'static>) {
        let plan = &self.plan;
        let kept = self
            .last_holder
            .map(|h| h.get(..HOLDER_CAPACITY).unwrap_or(h))
            .filter(|h| !h.is_empty());
        assert_eq!(acquire.holder(), kept, "the last holder read is kept");
        if let Wait::For(limit) = plan.wait {
            assert!(self.waited <= limit, "waited {:?} > {limit:?}", self.waited);
        }
        match end {
            Step::Held => {
                assert!(self.open && self.opens == self.closes + 1);
                assert!(self.locked || self.created, "Held without a lock");
                assert_eq!(self.claimed, plan.primitive == Primitive::Fcntl);
                assert_eq!(self.wrote, plan.writes_stamp());
                let truncates = plan.writes_stamp() && plan.primitive != Primitive::CreateNew;
                assert_eq!(self.truncated, truncates);
                assert_eq!(self.synced, plan.writes_stamp() && plan.sync);
                assert_eq!(self.identified, plan.checks_identity());
                assert_eq!(self.removes, 0);
            }
            Step::Failed(error) => {
                self.check_nothing_held();
                let unstable = Outcome::Failed(ErrorKind::Unstable);
                if error.kind() == ErrorKind::Unstable && !self.replies.contains(&unstable) {
                    assert_eq!(plan.wait, Wait::Never, "a waiting plan gave up on churn");
                }
                let injected = self.replies.contains(&Outcome::Failed(ErrorKind::TimedOut));
                if error.kind() == ErrorKind::TimedOut && !injected {
                    let deadline = self.deadline.expect("timed out without a deadline");
                    assert!(self.last_clock >= Some(deadline), "timed out early");
                }
            }
            other => panic!("acquire ended with {other:?}"),
        }
    }

    /// Asserts that every handle is closed and nothing is left locked or created.
    pub fn check_nothing_held(&self) {
        assert!(!self.open && !self.locked && !self.claimed && !self.created);
        assert_eq!(self.opens, self.closes, "every open closed exactly once");
    }

    /// Marks the start of the release: from now on only release ops are allowed.
    pub fn start_release(&mut self) {
        self.releasing = true;
    }

    /// Asserts what must be true once a release ended with `end`.
    pub fn check_released(&self, end: Step<'static>, closes_before: u32, removes_before: u32) {
        assert!(matches!(end, Step::Released | Step::Failed(_)), "{end:?}");
        self.check_nothing_held();
        assert_eq!(
            self.closes,
            closes_before + 1,
            "release closes exactly once"
        );
        let removes = self.plan.removes_on_release();
        assert_eq!(
            self.release_same.is_some(),
            removes,
            "identify before removing"
        );
        let removed = u32::from(removes && self.release_same == Some(true));
        assert_eq!(self.removes, removes_before + removed);
    }
}
