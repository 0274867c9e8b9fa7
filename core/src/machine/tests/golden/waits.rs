//! Golden transcripts of contention and waiting: holder reads, backoff, deadlines,
//! fcntl claims.

use super::*;

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
