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
