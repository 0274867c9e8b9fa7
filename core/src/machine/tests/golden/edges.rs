//! Golden transcripts of create-new locks, release, driver mistakes and errors.

use super::*;

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
