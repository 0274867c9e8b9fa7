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
    let script = [(Op::Identify, SAME), (Op::Remove, DONE), (Op::Close, DONE)];
    let released = release(&forever, &script, Step::Released);
    assert!(!released.path_replaced());
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
        (Op::Identify, SAME),
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

#[test]
fn release_leaves_a_path_that_is_no_longer_ours() {
    // A dot-lock deleted while held, and made again by another process: the path names
    // another file. Removing it would break the new holder's lock.
    let dot = plan(Primitive::CreateNew, Wait::Never);
    let theirs = Outcome::Identity {
        open: ID,
        path: Some(FileId { ino: 10, ..ID }),
    };
    let released = release(
        &dot,
        &[(Op::Identify, theirs), (Op::Close, DONE)],
        Step::Released,
    );
    assert!(released.path_replaced());
    // Deleted and not made again: nothing to remove either.
    let gone = Outcome::Identity {
        open: FileId { nlink: 0, ..ID },
        path: None,
    };
    let released = release(
        &dot,
        &[(Op::Identify, gone), (Op::Close, DONE)],
        Step::Released,
    );
    assert!(released.path_replaced());
    let script = [
        (Op::Identify, failed(ErrorKind::NotFound)),
        (Op::Close, DONE),
    ];
    assert!(release(&dot, &script, Step::Released).path_replaced());

    // Remove-on-release: the lock is still given back in full.
    let fcntl = Plan {
        remove_on_release: true,
        ..plan(Primitive::Fcntl, Wait::Never)
    };
    let script = [
        (Op::Identify, theirs),
        (Op::Unlock, DONE),
        (Op::Unclaim, DONE),
        (Op::Close, DONE),
    ];
    assert!(release(&fcntl, &script, Step::Released).path_replaced());

    // Same device and inode: ours, removed (the link count does not matter).
    let ours = Outcome::Identity {
        open: ID,
        path: Some(FileId { nlink: 2, ..ID }),
    };
    let script = [(Op::Identify, ours), (Op::Remove, DONE), (Op::Close, DONE)];
    assert!(!release(&dot, &script, Step::Released).path_replaced());
}

#[test]
fn release_skips_the_removal_when_identity_cannot_be_checked() {
    let dot = plan(Primitive::CreateNew, Wait::Forever);
    let script = [
        (Op::Identify, failed(ErrorKind::PermissionDenied)),
        (Op::Close, failed(ErrorKind::Other)),
    ];
    let end = error(OpKind::Identify, ErrorKind::PermissionDenied);
    assert!(!release(&dot, &script, end).path_replaced());
    let script = [(Op::Identify, DONE), (Op::Close, DONE)];
    release(&dot, &script, error(OpKind::Identify, ErrorKind::Protocol));
}
