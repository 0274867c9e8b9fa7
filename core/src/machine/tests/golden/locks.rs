//! Golden transcripts of the lock paths: stamping, identity restarts, shared locks,
//! failures after the lock.

use super::*;

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
    let script = [
        (Op::Identify, SAME),
        (Op::Remove, DONE),
        (Op::Unlock, DONE),
        (Op::Close, DONE),
    ];
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

/// One identity restart of an exclusive flock attempt (`lock` is `TryLock` or `Lock`):
/// the lock is granted on a file that another holder has removed since.
fn replaced_round(lock: Op<'static>) -> [(Op<'static>, Outcome<'static>); 6] {
    let gone = Outcome::Identity {
        open: ID,
        path: None,
    };
    [
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (lock, DONE),
        (Op::Identify, gone),
        (Op::Unlock, DONE),
        (Op::Close, DONE),
    ]
}

#[test]
fn a_timed_wait_restarts_past_the_bound_until_the_deadline_then_times_out() {
    let plan = Plan {
        remove_on_release: true,
        ..plan(Primitive::Flock, Wait::For(ms(50)))
    };
    // Contention first, so that there is a holder to report.
    let mut script = std::vec![
        (Op::ReadClock, clock(0)),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::TryLock(EX), failed(ErrorKind::WouldBlock)),
        (Op::ReadHolder, Outcome::Holder(HOLDERS[0])),
        (Op::ReadClock, clock(1)),
        (Op::WaitForRelease(ms(1)), DONE),
        (Op::TryLock(EX), DONE),
        (Op::Identify, failed(ErrorKind::NotFound)),
        (Op::Unlock, DONE),
        (Op::Close, DONE),
    ];
    // More restarts than a `Never` plan may make, each after a clock reading with time
    // left (the last one a nanosecond before the deadline).
    let restarts = u64::from(MAX_IDENTITY_RESTARTS) + 8;
    for n in 1..restarts {
        let now = if n + 1 == restarts {
            Outcome::Clock(Duration::from_secs(10) + ms(50) - Duration::from_nanos(1))
        } else {
            clock(2 + n / 2)
        };
        script.push((Op::ReadClock, now));
        script.extend_from_slice(&replaced_round(Op::TryLock(EX)));
    }
    // Exactly at the deadline: time out; everything is already given back.
    script.push((Op::ReadClock, clock(50)));
    let machine = acquire(&plan, &script, error(OpKind::Identify, ErrorKind::TimedOut));
    assert_eq!(u64::from(machine.restarts()), restarts);
    assert_eq!(
        machine.holder(),
        Some(HOLDERS[0]),
        "the timeout carries the last holder"
    );
    assert!(Error::new(OpKind::Identify, ErrorKind::TimedOut).is_contention());
}

#[test]
fn a_timed_wait_fails_when_the_clock_cannot_be_read_before_a_restart() {
    let plan = Plan {
        remove_on_release: true,
        ..plan(Primitive::Fcntl, Wait::For(ms(50)))
    };
    let script = [
        (Op::ReadClock, clock(0)),
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::Claim(EX), DONE),
        (Op::TryLock(EX), DONE),
        (Op::Identify, SAME_INODE_UNLINKED),
        (Op::Unlock, DONE),
        (Op::Unclaim, DONE),
        (Op::Close, DONE),
        (Op::ReadClock, failed(ErrorKind::Other)),
    ];
    acquire(&plan, &script, error(OpKind::ReadClock, ErrorKind::Other));
}

#[test]
fn waiting_forever_restarts_without_bound_then_holds() {
    let plan = Plan {
        remove_on_release: true,
        ..plan(Primitive::Flock, Wait::Forever)
    };
    let restarts = MAX_IDENTITY_RESTARTS * 3;
    let mut script = Vec::new();
    for _ in 0..restarts {
        script.extend_from_slice(&replaced_round(Op::Lock(EX)));
    }
    script.extend_from_slice(&[
        (OPEN, DONE),
        (Op::Check, REGULAR),
        (Op::Lock(EX), DONE),
        (Op::Identify, SAME),
        (Op::Write(STAMP), DONE),
        (Op::Truncate(STAMP_LEN), DONE),
    ]);
    let held = acquire(&plan, &script, Step::Held);
    assert_eq!((held.restarts(), held.holder()), (restarts, None));
    assert_eq!(held.attempts(), restarts + 1);
}

/// A file we locked that another holder has unlinked (the path shows the same inode
/// only in this test; the open file has no links).
const SAME_INODE_UNLINKED: Outcome<'static> = Outcome::Identity {
    open: FileId { nlink: 0, ..ID },
    path: Some(ID),
};

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
