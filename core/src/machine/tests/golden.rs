//! Golden transcripts: the exact op sequence of the main paths, reply by reply.

use super::world::{HOLDERS, LONG_HOLDER, STAMP};
use crate::machine::{
    Acquire, Error, ErrorKind, FileId, FileKind, Mode, Op, OpKind, OpenHow, Outcome, Plan,
    Primitive, Release, Step, Wait, BACKOFF_CAP, HOLDER_CAPACITY, MAX_IDENTITY_RESTARTS,
};
use core::time::Duration;
use std::vec::Vec;

const DONE: Outcome<'static> = Outcome::Done;
const ID: FileId = FileId {
    dev: 3,
    ino: 9,
    nlink: 1,
};
const REGULAR: Outcome<'static> = Outcome::Stat {
    kind: FileKind::Regular,
    id: ID,
};
const SAME: Outcome<'static> = Outcome::Identity {
    open: ID,
    path: Some(ID),
};
const OPEN: Op<'static> = Op::Open {
    how: OpenHow::OpenOrCreate,
    follow_symlinks: false,
};
const CREATE: Op<'static> = Op::Open {
    how: OpenHow::CreateNew,
    follow_symlinks: false,
};
const EX: Mode = Mode::Exclusive;
const STAMP_LEN: u64 = STAMP.len() as u64;

fn failed(kind: ErrorKind) -> Outcome<'static> {
    Outcome::Failed(kind)
}

fn error(op: OpKind, kind: ErrorKind) -> Step<'static> {
    Step::Failed(Error::new(op, kind))
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn clock(n: u64) -> Outcome<'static> {
    Outcome::Clock(Duration::from_secs(10) + ms(n))
}

fn plan(primitive: Primitive, wait: Wait) -> Plan<'static> {
    Plan {
        primitive,
        mode: EX,
        wait,
        stamp: Some(STAMP),
        sync: false,
        remove_on_release: false,
        follow_symlinks: false,
    }
}

/// Drives `acquire` through `script` (the op it must ask for, the reply to give) and
/// asserts it then ends with `end`.
fn run<M>(
    machine: &mut M,
    mut step: impl FnMut(&mut M, Outcome<'static>) -> Step<'static>,
    script: &[(Op<'static>, Outcome<'static>)],
    end: Step<'static>,
) {
    let mut outcome = Outcome::Start;
    let mut asked = Vec::new();
    for &(op, reply) in script {
        let got = step(machine, outcome);
        assert_eq!(got, Step::Do(op), "after {asked:?}");
        asked.push(op);
        outcome = reply;
    }
    assert_eq!(step(machine, outcome), end, "after {asked:?}");
    assert_eq!(step(machine, DONE), end, "terminal steps repeat");
}

fn acquire(
    plan: &Plan<'static>,
    script: &[(Op<'static>, Outcome<'static>)],
    end: Step<'static>,
) -> Acquire<'static> {
    let mut machine = Acquire::new(plan);
    run(&mut machine, |m, o| m.step(o), script, end);
    machine
}

fn release(plan: &Plan<'static>, script: &[(Op<'static>, Outcome<'static>)], end: Step<'static>) {
    let mut machine = Release::new(plan);
    run(&mut machine, |m, o| m.step(o), script, end);
}

#[test]
fn flock_default_is_zc_lockfile() {
    let plan = plan(Primitive::Flock, Wait::Never);
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), DONE),
        (Op::Write(STAMP), DONE),
        (Op::Truncate(STAMP_LEN), DONE),
    ];
    let held = acquire(&plan, &script, Step::Held);
    assert_eq!(
        (held.attempts(), held.holder(), held.deadline()),
        (1, None, None)
    );
    release(
        &plan,
        &[(Op::Unlock, DONE), (Op::Close, DONE)],
        Step::Released,
    );
}

#[test]
fn flock_contended_never_names_the_holder_and_closes() {
    let plan = plan(Primitive::Flock, Wait::Never);
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), failed(ErrorKind::WouldBlock)),
        (Op::ReadHolder, Outcome::Holder(b" 101;vm\n")),
        (Op::Close, DONE),
    ];
    let end = error(OpKind::TryLock, ErrorKind::WouldBlock);
    let machine = acquire(&plan, &script, end);
    assert_eq!(machine.holder(), Some(&b" 101;vm\n"[..]));
    assert!(matches!(end, Step::Failed(e) if e.is_contention()));
}

#[test]
fn flock_timed_wait_backs_off_then_stamps_and_syncs() {
    let plan = Plan {
        sync: true,
        ..plan(Primitive::Flock, Wait::For(ms(50)))
    };
    let script = [
        (Op::ReadClock, clock(0)),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), failed(ErrorKind::WouldBlock)),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::ReadClock, clock(1)),
        (Op::WaitForRelease(ms(1)), DONE),
        (Op::TryLock(EX), failed(ErrorKind::WouldBlock)),
        (Op::ReadHolder, failed(ErrorKind::NotFound)),
        (Op::ReadClock, clock(3)),
        (Op::WaitForRelease(ms(2)), failed(ErrorKind::Interrupted)),
        (Op::TryLock(EX), DONE),
        (Op::Write(STAMP), DONE),
        (Op::Truncate(STAMP_LEN), DONE),
        (Op::Sync, DONE),
    ];
    let held = acquire(&plan, &script, Step::Held);
    assert_eq!(held.attempts(), 3);
    assert_eq!(held.deadline(), Some(Duration::from_secs(10) + ms(50)));
    assert_eq!(
        held.holder(),
        Some(HOLDERS[0]),
        "a failed read keeps the last holder"
    );
}

#[test]
fn timed_wait_is_clamped_and_times_out_exactly_at_the_deadline() {
    let plan = plan(Primitive::Flock, Wait::For(ms(5)));
    let busy = failed(ErrorKind::WouldBlock);
    let script = [
        (Op::ReadClock, clock(0)),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), busy),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::ReadClock, clock(0)),
        (Op::WaitForRelease(ms(1)), DONE),
        (Op::TryLock(EX), busy),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[1])),
        (Op::ReadClock, clock(1)),
        (Op::WaitForRelease(ms(2)), DONE),
        (Op::TryLock(EX), busy),
        (Op::ReadHolder, failed(ErrorKind::PermissionDenied)),
        (Op::ReadClock, clock(3)),
        // Backoff says 4 ms, the deadline leaves 2.
        (Op::WaitForRelease(ms(2)), DONE),
        (Op::TryLock(EX), busy),
        (Op::ReadHolder, failed(ErrorKind::NotFound)),
        // Exactly at the deadline: no zero-length wait, a timeout.
        (Op::ReadClock, clock(5)),
        (Op::Close, DONE),
    ];
    let end = error(OpKind::TryLock, ErrorKind::TimedOut);
    let machine = acquire(&plan, &script, end);
    assert_eq!(
        machine.holder(),
        Some(HOLDERS[1]),
        "the timeout carries the last holder"
    );
}

#[test]
fn fcntl_forever_polls_in_process_contention_then_blocks() {
    let plan = plan(Primitive::Fcntl, Wait::Forever);
    let busy = failed(ErrorKind::WouldBlock);
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::Claim(EX), busy),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::WaitForRelease(ms(1)), DONE),
        (Op::Claim(EX), busy),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::WaitForRelease(ms(2)), DONE),
        (Op::Claim(EX), DONE),
        (Op::Lock(EX), failed(ErrorKind::Interrupted)),
        (Op::Lock(EX), DONE),
        (Op::Write(STAMP), DONE),
        (Op::Truncate(STAMP_LEN), DONE),
    ];
    acquire(&plan, &script, Step::Held);
    let script = [(Op::Unlock, DONE), (Op::Unclaim, DONE), (Op::Close, DONE)];
    release(&plan, &script, Step::Released);
}

#[test]
fn fcntl_gives_the_claim_back_while_waiting_for_another_process() {
    let plan = Plan {
        stamp: None,
        ..plan(Primitive::Fcntl, Wait::For(ms(100)))
    };
    let script = [
        (Op::ReadClock, clock(0)),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::Claim(EX), DONE),
        (Op::TryLock(EX), failed(ErrorKind::WouldBlock)),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::ReadClock, clock(0)),
        (Op::Unclaim, DONE),
        (Op::WaitForRelease(ms(1)), DONE),
        (Op::Claim(EX), DONE),
        (Op::TryLock(EX), DONE),
    ];
    acquire(&plan, &script, Step::Held);

    let never = Plan {
        wait: Wait::Never,
        ..plan
    };
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::Claim(EX), DONE),
        (Op::TryLock(EX), failed(ErrorKind::WouldBlock)),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[1])),
        (Op::Unclaim, DONE),
        (Op::Close, DONE),
    ];
    acquire(
        &never,
        &script,
        error(OpKind::TryLock, ErrorKind::WouldBlock),
    );
}

#[test]
fn remove_on_release_restarts_when_the_file_was_replaced() {
    let plan = Plan {
        remove_on_release: true,
        ..plan(Primitive::Flock, Wait::Never)
    };
    let moved = FileId { ino: 10, ..ID };
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), DONE),
        (
            Op::Identify,
            Outcome::Identity {
                open: ID,
                path: None,
            },
        ),
        (Op::Unlock, DONE),
        (Op::Close, DONE),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), DONE),
        (
            Op::Identify,
            Outcome::Identity {
                open: ID,
                path: Some(moved),
            },
        ),
        (Op::Unlock, DONE),
        (Op::Close, DONE),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), DONE),
        (Op::Identify, SAME),
        (Op::Write(STAMP), DONE),
        (Op::Truncate(STAMP_LEN), DONE),
    ];
    let held = acquire(&plan, &script, Step::Held);
    assert_eq!(held.restarts(), 2);
    let script = [(Op::Remove, DONE), (Op::Unlock, DONE), (Op::Close, DONE)];
    release(&plan, &script, Step::Released);
}

#[test]
fn identity_restarts_are_bounded() {
    let plan = Plan {
        remove_on_release: true,
        ..plan(Primitive::Flock, Wait::Never)
    };
    let unlinked = FileId { nlink: 0, ..ID };
    let replaced = Outcome::Identity {
        open: unlinked,
        path: Some(unlinked),
    };
    let round = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), DONE),
        (Op::Identify, replaced),
        (Op::Unlock, DONE),
        (Op::Close, DONE),
    ];
    let mut script = Vec::new();
    for _ in 0..=MAX_IDENTITY_RESTARTS {
        script.extend_from_slice(&round);
    }
    let machine = acquire(&plan, &script, error(OpKind::Identify, ErrorKind::Unstable));
    assert_eq!(machine.restarts(), MAX_IDENTITY_RESTARTS + 1);
}

#[test]
fn shared_locks_never_write_or_remove() {
    let plan = Plan {
        mode: Mode::Shared,
        remove_on_release: true,
        sync: true,
        ..plan(Primitive::Flock, Wait::Never)
    };
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(Mode::Shared), DONE),
        (Op::Identify, SAME),
    ];
    acquire(&plan, &script, Step::Held);
    release(
        &plan,
        &[(Op::Unlock, DONE), (Op::Close, DONE)],
        Step::Released,
    );
}

#[test]
fn a_failure_after_the_lock_unlocks_closes_and_reports_the_original() {
    let plan = plan(Primitive::Flock, Wait::Never);
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), DONE),
        (Op::Write(STAMP), failed(ErrorKind::Storage)),
        (Op::Unlock, failed(ErrorKind::Other)),
        (Op::Close, failed(ErrorKind::Other)),
    ];
    acquire(&plan, &script, error(OpKind::Write, ErrorKind::Storage));
}

#[test]
fn a_non_regular_file_is_refused_before_locking() {
    let plan = plan(Primitive::Flock, Wait::Forever);
    let fifo = Outcome::Stat {
        kind: FileKind::Other,
        id: ID,
    };
    let script = [(OPEN, DONE), (Op::Check, fifo), (Op::Close, DONE)];
    acquire(&plan, &script, error(OpKind::Check, ErrorKind::NotRegular));
}

#[test]
fn create_new_contention_and_release() {
    let never = plan(Primitive::CreateNew, Wait::Never);
    let script = [
        (CREATE, failed(ErrorKind::AlreadyExists)),
        (Op::ReadHolder, failed(ErrorKind::NotFound)),
    ];
    let end = error(OpKind::Open, ErrorKind::AlreadyExists);
    let machine = acquire(&never, &script, end);
    assert!(machine.holder().is_none());

    let forever = Plan {
        sync: true,
        ..plan(Primitive::CreateNew, Wait::Forever)
    };
    let script = [
        (CREATE, failed(ErrorKind::AlreadyExists)),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::WaitForRelease(ms(1)), DONE),
        (CREATE, DONE),
        (Op::Write(STAMP), DONE),
        (Op::Sync, DONE),
    ];
    assert_eq!(acquire(&forever, &script, Step::Held).attempts(), 2);
    release(
        &forever,
        &[(Op::Remove, DONE), (Op::Close, DONE)],
        Step::Released,
    );
}

#[test]
fn create_new_removes_what_it_created_when_stamping_fails() {
    let plan = plan(Primitive::CreateNew, Wait::Never);
    let script = [
        (CREATE, DONE),
        (Op::Write(STAMP), failed(ErrorKind::Storage)),
        (Op::Remove, DONE),
        (Op::Close, DONE),
    ];
    acquire(&plan, &script, error(OpKind::Write, ErrorKind::Storage));
    let no_stamp = Plan {
        stamp: None,
        ..plan
    };
    acquire(&no_stamp, &[(CREATE, DONE)], Step::Held);
}

#[test]
fn create_new_cannot_be_shared() {
    let plan = Plan {
        mode: Mode::Shared,
        ..plan(Primitive::CreateNew, Wait::Forever)
    };
    acquire(&plan, &[], error(OpKind::Open, ErrorKind::Unsupported));
}

#[test]
fn replies_that_do_not_answer_the_op_are_protocol_errors() {
    let plan = plan(Primitive::Flock, Wait::Never);
    let holder = Outcome::Holder(b"x");
    acquire(
        &plan,
        &[(OPEN, holder)],
        error(OpKind::Open, ErrorKind::Protocol),
    );
    let script = [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), REGULAR),
        (Op::Close, DONE),
    ];
    acquire(&plan, &script, error(OpKind::TryLock, ErrorKind::Protocol));
    let script = [(OPEN, DONE), (Op::Check, Outcome::Start), (Op::Close, DONE)];
    acquire(&plan, &script, error(OpKind::Check, ErrorKind::Protocol));
}

#[test]
fn the_first_step_ignores_its_outcome() {
    let plan = plan(Primitive::Flock, Wait::Never);
    let mut machine = Acquire::new(&plan);
    assert_eq!(machine.step(DONE), Step::Do(OPEN));
}

#[test]
fn follow_symlinks_is_passed_through() {
    for primitive in [Primitive::Flock, Primitive::CreateNew] {
        let plan = Plan {
            follow_symlinks: true,
            ..plan(primitive, Wait::Never)
        };
        match Acquire::new(&plan).step(Outcome::Start) {
            Step::Do(Op::Open {
                follow_symlinks, ..
            }) => assert!(follow_symlinks),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn release_runs_every_op_and_reports_the_first_failure() {
    let plan = Plan {
        remove_on_release: true,
        ..plan(Primitive::Fcntl, Wait::Never)
    };
    let script = [
        (Op::Remove, failed(ErrorKind::PermissionDenied)),
        (Op::Unlock, failed(ErrorKind::Other)),
        (Op::Unclaim, DONE),
        (Op::Close, DONE),
    ];
    release(
        &plan,
        &script,
        error(OpKind::Remove, ErrorKind::PermissionDenied),
    );
}

#[test]
fn backoff_doubles_up_to_the_cap_and_never_overflows() {
    let plan = plan(Primitive::CreateNew, Wait::Forever);
    let mut machine = Acquire::new(&plan);
    let mut outcome = Outcome::Start;
    let mut waits = Vec::new();
    while waits.len() < 12 {
        outcome = match machine.step(outcome) {
            Step::Do(Op::WaitForRelease(wait)) => {
                waits.push(wait.as_millis());
                DONE
            }
            Step::Do(Op::Open { .. }) => failed(ErrorKind::AlreadyExists),
            Step::Do(Op::ReadHolder) => failed(ErrorKind::NotFound),
            other => panic!("{other:?}"),
        };
    }
    assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 100, 100, 100, 100, 100]);
    assert_eq!(BACKOFF_CAP, ms(100));

    // A deadline past the end of time saturates instead of overflowing.
    let far = plan_for(Duration::MAX);
    let script = [
        (Op::ReadClock, Outcome::Clock(Duration::MAX - ms(1))),
        (CREATE, failed(ErrorKind::AlreadyExists)),
        (Op::ReadHolder, Outcome::Holder(LONG_HOLDER)),
        (Op::ReadClock, Outcome::Clock(Duration::MAX)),
    ];
    let machine = acquire(&far, &script, error(OpKind::Open, ErrorKind::TimedOut));
    assert_eq!(machine.holder().map(<[u8]>::len), Some(HOLDER_CAPACITY));
}

fn plan_for(limit: Duration) -> Plan<'static> {
    plan(Primitive::CreateNew, Wait::For(limit))
}

#[test]
fn errors_say_what_failed() {
    let timeout = Error::new(OpKind::TryLock, ErrorKind::TimedOut);
    assert!(timeout.is_contention());
    assert!(!Error::new(OpKind::Write, ErrorKind::WouldBlock).is_contention());
    assert!(Error::new(OpKind::Open, ErrorKind::AlreadyExists).is_contention());
    assert_eq!(
        std::format!("{timeout}"),
        "try-lock: timed out waiting for the lock"
    );
    for kind in ErrorKind::ALL {
        assert!(!kind.as_str().is_empty());
    }
    assert!(Step::Held.is_terminal() && !Step::Do(Op::Close).is_terminal());
}
