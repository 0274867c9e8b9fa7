//! `machine`: an arbitrary plan and an arbitrary list of replies fed to `Acquire` and,
//! when the lock is held, to `Release` (DESIGN §4).
//!
//! Replies are taken from the list in order whatever the op (so replies that do not answer
//! the op are exercised too); a `Clock` reply to `ReadClock` advances a simulated monotonic
//! clock, and every `WaitForRelease(d)` advances it by `d`. Once the list runs out every op
//! is answered `Failed(Other)` and the machine must stop within a few steps.
//!
//! Invariants checked at every step and at the end:
//! - `Open` only with no handle open, as the plan says (create-new or not, symlinks);
//!   every op that needs a handle is asked only while one is open; `Close` only with a
//!   handle; no handle and no in-process claim is left when a machine stops with
//!   `Failed` or `Released`;
//! - `Write`/`Truncate`/`Sync` only while the lock is held (after a successful lock, a
//!   successful `Check` reporting a regular file, and for remove-on-release a matching
//!   identity), only the plan's stamp, never in shared mode or without a stamp;
//!   `Remove` only for a file this attempt owns (a create-new file it made, or a held
//!   lock during release with remove-on-release), and during release only after an
//!   `Identify` showed the path is still the open file; a create-new file made by a
//!   failed attempt is removed, and release removes it unless the identity check said
//!   otherwise;
//! - `Held` only when a lock is held on an open handle and the stamp (and `fsync`, if
//!   asked) succeeded; `Wait::Never` never waits or blocks; with `Wait::For(d)`, no
//!   `WaitForRelease` reaches past `d` after the first clock reading;
//! - an error names an op that failed with that kind, or is one the machine produces for
//!   a reason it saw (`NotRegular`, `TimedOut`, `Unstable`, `Protocol`, `Unsupported`);
//! - a bounded number of steps (10,000) per machine, 32 after the replies run out; a
//!   terminal step is returned again by any further `step` call.
#![no_main]

use core::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use lockstamp_core::machine::{
    Acquire, Error, ErrorKind, FileKind, Mode, Op, OpKind, OpenHow, Outcome, Plan, Primitive,
    Release, Step, Wait, HOLDER_CAPACITY,
};
use lockstamp_fuzz::machine::{is_success_reply, ArbOutcome, ArbPlan};

const MAX_STEPS: usize = 10_000;
const AFTER_EXHAUSTION: usize = 32;

#[derive(Debug, Arbitrary)]
struct Input {
    plan: ArbPlan,
    start: u32,
    replies: Vec<ArbOutcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Acquire,
    Release,
}

/// What the simulated world knows; every field is about the current attempt.
struct World<'s> {
    plan: Plan<'s>,
    phase: Phase,
    handle: bool,
    claimed: bool,
    locked: bool,
    owns_file: bool,
    regular: bool,
    identified: bool,
    wrote: bool,
    truncated: bool,
    synced: bool,
    removed: bool,
    release_mismatch: bool,
    now: Duration,
    first_clock: Option<Duration>,
    last_clock: Option<Duration>,
    waited: Duration,
    failures: Vec<(OpKind, ErrorKind)>,
    bad_reply: bool,
    saw_irregular: bool,
    holders: Vec<&'s [u8]>,
}

fuzz_target!(|input: Input| {
    let plan = input.plan.plan();
    if trace() {
        eprintln!("{plan:?}");
    }
    let mut w = World::new(plan, Duration::from_millis(u64::from(input.start)));
    let mut replies = input.replies.iter();
    let mut acquire = Acquire::new(&plan);
    let end = drive(&mut w, &mut replies, |o| acquire.step(o));
    assert_eq!(
        acquire.step(Outcome::Done),
        end,
        "a terminal step must repeat"
    );
    match end {
        Step::Held => w.check_held(acquire.holder()),
        Step::Failed(e) => {
            w.check_failed(e);
            w.check_holder(acquire.holder());
            return;
        }
        other => panic!("Acquire stopped with {other:?}"),
    }
    w.phase = Phase::Release;
    // Whatever was checked while acquiring, release must check the path again.
    w.identified = false;
    let mut release = Release::new(&plan);
    let end = drive(&mut w, &mut replies, |o| release.step(o));
    assert_eq!(
        release.step(Outcome::Done),
        end,
        "a terminal step must repeat"
    );
    match end {
        Step::Released => w.check_released(),
        Step::Failed(e) => {
            w.check_failed(e);
            w.check_released();
        }
        other => panic!("Release stopped with {other:?}"),
    }
});

/// Whether to print every op and reply (`FUZZ_TRACE=1`, for reading a crash input).
fn trace() -> bool {
    std::env::var_os("FUZZ_TRACE").is_some()
}

/// Runs one machine to a terminal step, checking every op.
fn drive<'a>(
    w: &mut World<'a>,
    replies: &mut core::slice::Iter<'a, ArbOutcome>,
    mut step: impl FnMut(Outcome<'a>) -> Step<'a>,
) -> Step<'a> {
    let mut outcome = Outcome::Start;
    let mut exhausted = 0;
    for _ in 0..MAX_STEPS {
        let op = match step(outcome) {
            Step::Do(op) => op,
            terminal => return terminal,
        };
        let kind = op.kind();
        if trace() {
            eprintln!("{:?}: {op:?} ...", w.phase);
        }
        w.before(&op, kind);
        let next = replies.next();
        if next.is_none() {
            exhausted += 1;
            assert!(
                exhausted <= AFTER_EXHAUSTION,
                "no end after the replies ran out"
            );
        }
        let clock = w.clock_reply(&op, next);
        outcome = next.map_or(Outcome::Failed(ErrorKind::Other), |r| r.outcome(clock));
        w.after(&op, kind, &outcome);
        if trace() {
            eprintln!("{:?}: {op:?} -> {outcome:?}", w.phase);
        }
    }
    panic!("more than {MAX_STEPS} steps");
}

impl<'a> World<'a> {
    fn new(plan: Plan<'a>, start: Duration) -> Self {
        World {
            plan,
            phase: Phase::Acquire,
            handle: false,
            claimed: false,
            locked: false,
            owns_file: false,
            regular: false,
            identified: false,
            wrote: false,
            truncated: false,
            synced: false,
            removed: false,
            release_mismatch: false,
            now: start,
            first_clock: None,
            last_clock: None,
            waited: Duration::ZERO,
            failures: Vec::new(),
            bad_reply: false,
            saw_irregular: false,
            holders: Vec::new(),
        }
    }

    fn create_new(&self) -> bool {
        self.plan.primitive == Primitive::CreateNew
    }

    /// The lock is ours: a held OS lock, or (create-new) a file this attempt made.
    fn holds(&self) -> bool {
        if self.create_new() {
            self.owns_file && self.handle
        } else {
            self.locked && self.handle
        }
    }

    /// The stamp may be written: the lock is held and certain.
    fn certain(&self) -> bool {
        self.holds()
            && (self.create_new()
                || (self.regular && (!self.plan.remove_on_release || self.identified)))
    }

    /// The stamp is written (and truncated to its length, unless the file is new).
    fn stamped(&self) -> bool {
        self.wrote && (self.truncated || self.create_new())
    }

    fn before(&mut self, op: &Op<'a>, kind: OpKind) {
        let acquiring = self.phase == Phase::Acquire;
        match kind {
            OpKind::Open | OpKind::Remove | OpKind::ReadHolder => {}
            OpKind::ReadClock | OpKind::WaitForRelease => {}
            _ => assert!(self.handle, "{op:?} without an open handle"),
        }
        match *op {
            Op::Open {
                how,
                follow_symlinks,
            } => {
                assert!(acquiring, "Open during release");
                assert!(!self.handle, "Open with a handle already open");
                let expect = if self.create_new() {
                    OpenHow::CreateNew
                } else {
                    OpenHow::OpenOrCreate
                };
                assert_eq!(how, expect);
                assert_eq!(follow_symlinks, self.plan.follow_symlinks);
            }
            Op::Claim(mode) => {
                assert!(acquiring, "Claim during release");
                assert_eq!(self.plan.primitive, Primitive::Fcntl, "Claim without fcntl");
                assert_eq!(mode, self.plan.mode);
                assert!(!self.claimed, "Claim twice");
            }
            Op::Unclaim => assert!(self.claimed, "Unclaim without a claim"),
            Op::TryLock(mode) | Op::Lock(mode) => {
                assert!(acquiring, "{op:?} during release");
                assert!(!self.create_new(), "{op:?} for create-new");
                assert_eq!(mode, self.plan.mode);
                assert!(!self.locked, "{op:?} while locked");
                assert!(self.regular, "{op:?} before Check reported a regular file");
                if self.plan.primitive == Primitive::Fcntl {
                    assert!(self.claimed, "fcntl lock without an in-process claim");
                }
                if matches!(op, Op::Lock(_)) {
                    assert_ne!(
                        self.plan.wait,
                        Wait::Never,
                        "blocking Lock with Wait::Never"
                    );
                }
            }
            Op::WaitForRelease(d) => {
                assert!(acquiring, "WaitForRelease during release");
                match self.plan.wait {
                    Wait::Never => panic!("WaitForRelease with Wait::Never"),
                    Wait::Forever => {}
                    Wait::For(limit) => {
                        let first = self.first_clock.expect("waited before reading the clock");
                        let last = self.last_clock.unwrap_or(first);
                        let end = last.checked_add(d).expect("wait end overflows");
                        let deadline = first.saturating_add(limit);
                        assert!(end <= deadline, "wait {d:?} at {last:?} past {deadline:?}");
                        self.waited = self.waited.saturating_add(d);
                        assert!(self.waited <= limit, "waited {:?} > {limit:?}", self.waited);
                    }
                }
            }
            Op::Write(bytes) => {
                assert!(acquiring, "Write during release");
                assert!(self.certain(), "Write before the lock is certain");
                assert_eq!(self.plan.mode, Mode::Exclusive, "Write in shared mode");
                assert_eq!(Some(bytes), self.plan.stamp, "Write of something else");
            }
            Op::Truncate(len) => {
                assert!(acquiring, "Truncate during release");
                assert!(self.certain() && self.wrote, "Truncate before the stamp");
                assert_eq!(Some(len), self.plan.stamp.map(|s| s.len() as u64));
            }
            Op::Sync => {
                assert!(acquiring, "Sync during release");
                assert!(self.plan.sync, "Sync not asked for");
                assert!(self.certain(), "Sync before the lock is certain");
                if self.plan.stamp.is_some() && self.plan.mode == Mode::Exclusive {
                    assert!(self.stamped(), "Sync before the stamp");
                }
            }
            Op::Remove => {
                if self.create_new() {
                    assert!(self.owns_file, "Remove of a create-new file not made by us");
                    if !acquiring {
                        assert!(self.identified, "Remove without a matching identity");
                    }
                } else {
                    assert!(!acquiring, "Remove while acquiring");
                    assert!(self.identified, "Remove without a matching identity");
                    assert!(
                        self.plan.remove_on_release,
                        "Remove without remove_on_release"
                    );
                    assert!(
                        self.locked && self.handle,
                        "Remove without holding the lock"
                    );
                }
            }
            _ => {}
        }
    }

    /// For `ReadClock` answered with `Clock(advance)`: advances the clock and returns it.
    fn clock_reply(&mut self, op: &Op<'a>, next: Option<&ArbOutcome>) -> Option<Duration> {
        match (op, next) {
            (Op::ReadClock, Some(ArbOutcome::Clock(c))) => {
                self.now = self.now.saturating_add(c.duration());
                Some(self.now)
            }
            _ => None,
        }
    }

    fn after(&mut self, op: &Op<'a>, kind: OpKind, reply: &Outcome<'a>) {
        match reply {
            Outcome::Failed(k) => self.failures.push((kind, *k)),
            r if !is_success_reply(kind, r) => self.bad_reply = true,
            _ => {}
        }
        let done = matches!(reply, Outcome::Done);
        match *op {
            Op::Open { .. } if done => {
                self.handle = true;
                self.owns_file = self.create_new();
                self.regular = false;
                self.identified = false;
                self.wrote = false;
                self.truncated = false;
                self.synced = false;
            }
            Op::Check => {
                self.regular = matches!(
                    reply,
                    Outcome::Stat {
                        kind: FileKind::Regular,
                        ..
                    }
                );
                if matches!(reply, Outcome::Stat { .. }) && !self.regular {
                    self.saw_irregular = true;
                }
            }
            Op::Claim(_) if done => self.claimed = true,
            Op::Unclaim => self.claimed = false,
            Op::TryLock(_) | Op::Lock(_) if done => {
                self.locked = true;
                self.identified = false;
            }
            Op::Identify => {
                self.identified = matches!(reply, Outcome::Identity { open, path: Some(p) }
                    if p.dev == open.dev && p.ino == open.ino);
                if self.phase == Phase::Release && !self.identified {
                    self.release_mismatch = true;
                }
            }
            Op::Write(_) => self.wrote = done,
            Op::Truncate(_) => self.truncated = done && self.wrote,
            Op::Sync => self.synced = done,
            Op::Unlock => self.locked = false,
            Op::Remove => {
                self.owns_file = false;
                self.removed = true;
            }
            Op::Close => {
                self.handle = false;
                self.locked = false;
            }
            Op::ReadHolder => {
                if let Outcome::Holder(b) = reply {
                    self.holders.push(b);
                }
            }
            Op::ReadClock => {
                if let Outcome::Clock(t) = reply {
                    self.first_clock.get_or_insert(*t);
                    self.last_clock = Some(*t);
                }
            }
            Op::WaitForRelease(d) => self.now = self.now.saturating_add(d),
            _ => {}
        }
    }

    fn check_held(&self, holder: Option<&[u8]>) {
        assert!(self.certain(), "Held without a certain lock");
        if self.plan.primitive == Primitive::Fcntl {
            assert!(self.claimed, "Held (fcntl) without an in-process claim");
        }
        assert!(
            !(self.create_new() && self.plan.mode == Mode::Shared),
            "Held a shared create-new lock"
        );
        if self.plan.stamp.is_some() && self.plan.mode == Mode::Exclusive {
            // A file made by create-new is empty: nothing to truncate.
            assert!(self.stamped(), "Held without the stamp");
            if self.plan.sync {
                assert!(self.synced, "Held without the fsync asked for");
            }
        }
        self.check_holder(holder);
    }

    fn check_holder(&self, holder: Option<&[u8]>) {
        if let Some(h) = holder {
            assert!(!h.is_empty() && h.len() <= HOLDER_CAPACITY);
            assert!(
                self.holders.iter().any(|b| b.starts_with(h)),
                "holder bytes that were never read"
            );
        }
    }

    fn check_failed(&self, e: Error) {
        match e.kind() {
            ErrorKind::Unsupported => {}
            ErrorKind::NotRegular if self.saw_irregular => {}
            ErrorKind::TimedOut if matches!(self.plan.wait, Wait::For(_)) => {}
            ErrorKind::Unstable if self.plan.remove_on_release => {}
            ErrorKind::Protocol if self.bad_reply => {}
            k => assert!(
                self.failures.contains(&(e.op(), k)),
                "{e:?} but no {:?} failed with {k:?}",
                e.op()
            ),
        }
        assert!(!self.handle, "Failed with a handle left open");
        assert!(!self.claimed, "Failed with the in-process claim left");
        // Release leaves the path alone when it could not confirm it is still ours.
        let unconfirmed = self.phase == Phase::Release && self.release_mismatch;
        assert!(
            !self.owns_file || unconfirmed,
            "Failed leaving a create-new file behind"
        );
    }

    fn check_released(&self) {
        assert!(!self.handle, "released with a handle left open");
        assert!(!self.claimed, "released with the in-process claim left");
        if self.create_new() {
            assert!(
                self.removed || self.release_mismatch,
                "create-new lock released without Remove"
            );
        } else if self.plan.remove_on_release
            && self.plan.mode == Mode::Exclusive
            && !self.release_mismatch
        {
            assert!(self.removed, "remove_on_release but no Remove");
        }
    }
}
