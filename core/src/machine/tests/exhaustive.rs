//! Exhaustive fault injection.
//!
//! For every plan (primitive × mode × wait × stamp × sync × remove-on-release) and every
//! environment it can meet (free, contended once at each contention site, contended until
//! the deadline, identity mismatch once, identity mismatch "forever"), the fault-free run
//! is recorded; then the reply to its k-th op is replaced, for every k, by every
//! `Failed(kind)`, every reply of the wrong variant, and the data faults of that op
//! (a non-regular file, a replaced file). Each run is checked by the [`World`] on every
//! op (nothing written without the lock, nothing removed that was not created, at most
//! one handle, every wait inside the deadline ...) and at the end (balance, holder,
//! deadline), and its result is compared with what the fault must produce.
//!
//! "Mismatch forever" ends differently by wait policy: `Never` fails with `Unstable` after
//! [`MAX_IDENTITY_RESTARTS`], `For` restarts until the deadline and times out, and
//! `Forever`, which restarts without bound, meets [`FOREVER_MISMATCHES`] mismatches (more
//! than the `Never` bound) and then holds the lock: every scenario ends, which the
//! drivers' step bound checks.
//!
//! Under Miri (about 4 ms per op) the enumeration is sampled: one plan in [`MIRI_PLANS`]
//! and, in each environment of such a plan, the fault-free run plus [`MIRI_FAULTS`]
//! faults spread evenly over that environment's (step, fault) list. Natively every
//! scenario runs; the count printed under Miri is that of the sampled plans.

use super::drive;
use super::world::{Env, World, ALWAYS, CLOCK_START};
use crate::machine::{
    Error, ErrorKind, FileId, FileKind, Op, OpenHow, Outcome, Plan, Primitive, Step, Wait,
    MAX_IDENTITY_RESTARTS,
};
use core::mem::discriminant;
use core::time::Duration;
use std::vec::Vec;

/// The `Wait::For` limit of the enumerated plans: long enough for four doubling waits,
/// short enough that the last wait is clamped to the deadline.
const TIMEOUT: Duration = Duration::from_millis(20);

/// Identity mismatches a `Wait::Forever` plan meets in the "mismatch forever" environment
/// (it would restart without end against a true "always").
const FOREVER_MISMATCHES: u32 = MAX_IDENTITY_RESTARTS + 3;

/// Under Miri, run one plan in this many (odd, so that every flag still varies).
const MIRI_PLANS: usize = 11;

/// Under Miri, run this many faults per environment of a sampled plan.
const MIRI_FAULTS: usize = 3;

/// Whether plan number `index` runs (all natively).
fn plan_sampled(index: usize) -> bool {
    !cfg!(miri) || index.is_multiple_of(MIRI_PLANS)
}

/// The `(offset, stride)` that picks which of `cases` faults run (all natively).
fn fault_stride(index: usize, cases: usize) -> (usize, usize) {
    if cfg!(miri) {
        let stride = (cases / MIRI_FAULTS).max(1);
        (index % stride, stride)
    } else {
        (0, 1)
    }
}

/// The environments a plan is run against.
fn environments(plan: &Plan<'static>) -> Vec<Env> {
    let free = Env::FREE;
    let mut envs = std::vec![free];
    let timed = matches!(plan.wait, Wait::For(_));
    let blocking = plan.wait == Wait::Forever;
    let mut sites = Vec::new();
    match plan.primitive {
        Primitive::Flock if !blocking => sites.push(Env { locks: 1, ..free }),
        Primitive::Flock => {}
        Primitive::Fcntl => {
            sites.push(Env { claims: 1, ..free });
            if !blocking {
                sites.push(Env { locks: 1, ..free });
            }
        }
        Primitive::CreateNew => sites.push(Env { creates: 1, ..free }),
    }
    for once in sites {
        envs.push(once);
        if timed {
            let always = |n: u32| if n > 0 { ALWAYS } else { 0 };
            envs.push(Env {
                claims: always(once.claims),
                locks: always(once.locks),
                creates: always(once.creates),
                ..free
            });
        }
    }
    if plan.checks_identity() {
        envs.push(Env {
            mismatches: 1,
            ..free
        });
        let forever = if blocking { FOREVER_MISMATCHES } else { ALWAYS };
        envs.push(Env {
            mismatches: forever,
            ..free
        });
    }
    envs
}

/// A fault-free run.
struct Baseline {
    ops: Vec<Op<'static>>,
    end: Step<'static>,
    /// Index of the first cleanup op that runs after the attempt has already failed.
    fail_from: usize,
}

fn is_cleanup(op: &Op<'_>) -> bool {
    matches!(op, Op::Unlock | Op::Unclaim | Op::Close | Op::Remove)
}

fn baseline(plan: Plan<'static>, env: Env) -> Baseline {
    let mut world = World::new(plan, env, &[]);
    let (end, _) = drive::acquire(&mut world);
    let ops = world.ops.clone();
    let fail_from = match end {
        Step::Failed(_) => ops
            .iter()
            .rposition(|op| !is_cleanup(op))
            .map_or(0, |i| i + 1),
        _ => usize::MAX,
    };
    if end == Step::Held {
        assert_eq!(drive::release(&mut world), Step::Released);
    }
    Baseline {
        ops,
        end,
        fail_from,
    }
}

const ID: FileId = FileId {
    dev: 8,
    ino: 77,
    nlink: 1,
};

/// Replies of every variant; those of the wrong variant for an op are faults.
const VARIANTS: [Outcome<'static>; 6] = [
    Outcome::Start,
    Outcome::Done,
    Outcome::Stat {
        kind: FileKind::Regular,
        id: ID,
    },
    Outcome::Identity {
        open: ID,
        path: Some(ID),
    },
    Outcome::Holder(b" 55;elsewhere\n"),
    Outcome::Clock(CLOCK_START),
];

/// The variant that answers `op` successfully.
fn answer(op: &Op<'_>) -> Outcome<'static> {
    match op {
        Op::Check => VARIANTS[2],
        Op::Identify => VARIANTS[3],
        Op::ReadHolder => VARIANTS[4],
        Op::ReadClock => VARIANTS[5],
        _ => Outcome::Done,
    }
}

/// Every fault for `op`.
pub(super) fn faults_for(op: &Op<'_>) -> Vec<Outcome<'static>> {
    let mut faults: Vec<Outcome<'static>> = ErrorKind::ALL
        .iter()
        .map(|&kind| Outcome::Failed(kind))
        .collect();
    let right = discriminant(&answer(op));
    faults.extend(VARIANTS.iter().filter(|v| discriminant(*v) != right));
    match op {
        Op::Check => {
            for kind in [FileKind::Directory, FileKind::Symlink, FileKind::Other] {
                faults.push(Outcome::Stat { kind, id: ID });
            }
        }
        Op::Identify => {
            let moved = FileId { ino: 99, ..ID };
            let unlinked = FileId { nlink: 0, ..ID };
            faults.push(Outcome::Identity {
                open: ID,
                path: None,
            });
            faults.push(Outcome::Identity {
                open: ID,
                path: Some(moved),
            });
            faults.push(Outcome::Identity {
                open: unlinked,
                path: Some(unlinked),
            });
        }
        _ => {}
    }
    faults
}

/// What a fault must produce.
#[derive(Debug, PartialEq, Eq)]
enum Expect {
    /// The fault-free result: the fault is absorbed (retry, best effort, cleanup after
    /// a failure, contention under a waiting policy, identity restart).
    Same,
    /// This failure reaches the caller.
    Fail(Error),
}

fn expect(plan: &Plan<'_>, base: &Baseline, k: usize, op: &Op<'_>, fault: Outcome<'_>) -> Expect {
    if is_cleanup(op) && k >= base.fail_from {
        return Expect::Same;
    }
    let waits = plan.wait != Wait::Never;
    let fail = |kind| Expect::Fail(Error::new(op.kind(), kind));
    match (op, fault) {
        (Op::ReadHolder, Outcome::Failed(_)) => Expect::Same,
        (
            Op::TryLock(_) | Op::Lock(_) | Op::WaitForRelease(_),
            Outcome::Failed(ErrorKind::Interrupted),
        ) => Expect::Same,
        (Op::TryLock(_) | Op::Lock(_) | Op::Claim(_), Outcome::Failed(ErrorKind::WouldBlock))
            if waits =>
        {
            Expect::Same
        }
        (
            Op::Open {
                how: OpenHow::CreateNew,
                ..
            },
            Outcome::Failed(ErrorKind::AlreadyExists),
        ) if waits => Expect::Same,
        (Op::Identify, Outcome::Failed(ErrorKind::NotFound) | Outcome::Identity { .. }) => {
            Expect::Same
        }
        (Op::Check, Outcome::Stat { .. }) => fail(ErrorKind::NotRegular),
        (_, Outcome::Failed(kind)) => fail(kind),
        _ => fail(ErrorKind::Protocol),
    }
}

fn check(expect: Expect, base: &Baseline, end: Step<'static>) {
    match (expect, base.end) {
        (Expect::Same, Step::Failed(e)) if e.kind() == ErrorKind::TimedOut => {
            let error = drive::error_of(end).expect("a timed-out run must still time out");
            assert_eq!(error.kind(), ErrorKind::TimedOut);
            assert!(error.is_contention());
        }
        (Expect::Same, same) => assert_eq!(end, same),
        (Expect::Fail(error), _) => assert_eq!(end, Step::Failed(error)),
    }
}

#[test]
fn every_fault_at_every_step_of_acquire() {
    let (mut scenarios, mut run, mut baselines) = (0usize, 0usize, 0usize);
    for (index, plan) in drive::all_plans(TIMEOUT).into_iter().enumerate() {
        if !plan_sampled(index) {
            continue;
        }
        for env in environments(&plan) {
            let base = baseline(plan, env);
            baselines += 1;
            let cases: Vec<(usize, Op<'static>, Outcome<'static>)> = (base.ops.iter().enumerate())
                .flat_map(|(k, &op)| faults_for(&op).into_iter().map(move |f| (k, op, f)))
                .collect();
            scenarios += cases.len();
            let (offset, stride) = fault_stride(index, cases.len());
            for &(k, op, fault) in cases.iter().skip(offset).step_by(stride) {
                run += 1;
                let mut world = World::new(plan, env, &[(k, fault)]);
                let (end, _) = drive::acquire(&mut world);
                check(expect(&plan, &base, k, &op, fault), &base, end);
                if end == Step::Held {
                    assert_eq!(drive::release(&mut world), Step::Released);
                }
            }
        }
    }
    std::println!(
        "acquire fault scenarios: {scenarios} enumerated over {baselines} plan × environment \
         baselines, {run} run"
    );
    if !cfg!(miri) {
        assert_eq!(run, scenarios);
        assert!(scenarios > 300_000, "the enumeration shrank: {scenarios}");
    }
}

#[test]
fn every_fault_at_every_step_of_release() {
    let (mut scenarios, mut run) = (0usize, 0usize);
    for (index, plan) in drive::all_plans(TIMEOUT).into_iter().enumerate() {
        if !plan_sampled(index) {
            continue;
        }
        if plan.primitive == Primitive::CreateNew && plan.mode == crate::machine::Mode::Shared {
            continue;
        }
        let mut world = World::new(plan, Env::FREE, &[]);
        assert_eq!(drive::acquire(&mut world).0, Step::Held);
        let start = world.ops.len();
        assert_eq!(drive::release(&mut world), Step::Released);
        let ops = world.ops.get(start..).unwrap_or_default().to_vec();
        let mut faults = Vec::new();
        for (k, op) in ops.iter().enumerate() {
            for fault in faults_for(op) {
                faults.push(std::vec![(k, fault)]);
            }
            // Two failures: the first one is reported.
            for later in k + 1..ops.len() {
                faults.push(std::vec![
                    (k, Outcome::Failed(ErrorKind::Storage)),
                    (later, Outcome::Failed(ErrorKind::Other)),
                ]);
            }
        }
        scenarios += faults.len();
        let (offset, stride) = fault_stride(index, faults.len() / 4);
        for injected in faults.iter().skip(offset).step_by(stride) {
            run += 1;
            let shifted: Vec<_> = injected.iter().map(|&(k, f)| (start + k, f)).collect();
            let mut world = World::new(plan, Env::FREE, &shifted);
            assert_eq!(drive::acquire(&mut world).0, Step::Held);
            let end = drive::release(&mut world);
            let (k, first) = injected[0];
            // A fault in the release's identity check: an answer (the path is gone or
            // another file) skips the removal and is no failure; a failure skips it too.
            let identify = ops[k] == Op::Identify;
            let ours = matches!(first, Outcome::Identity { open, path: Some(path) }
                if open.dev == path.dev && open.ino == path.ino);
            let answered = matches!(
                first,
                Outcome::Identity { .. } | Outcome::Failed(ErrorKind::NotFound)
            );
            let skip_remove = identify && !ours;
            let want: Vec<Op<'static>> = (ops.iter().copied())
                .filter(|op| !(skip_remove && *op == Op::Remove))
                .collect();
            assert_eq!(
                world.ops.get(start..),
                Some(&want[..]),
                "release runs every op (but removes only its own file)"
            );
            let kind = match first {
                Outcome::Failed(kind) => kind,
                _ => ErrorKind::Protocol,
            };
            if identify && answered {
                assert_eq!(end, Step::Released);
            } else {
                assert_eq!(end, Step::Failed(Error::new(ops[k].kind(), kind)));
            }
        }
    }
    std::println!("release fault scenarios: {scenarios} enumerated, {run} run");
    if !cfg!(miri) {
        assert_eq!(run, scenarios);
    }
}
