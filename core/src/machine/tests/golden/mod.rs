//! Golden transcripts: the exact op sequence of the main paths, reply by reply, and the
//! helpers to write them.

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

fn release(
    plan: &Plan<'static>,
    script: &[(Op<'static>, Outcome<'static>)],
    end: Step<'static>,
) -> Release {
    let mut machine = Release::new(plan);
    run(&mut machine, |m, o| m.step(o), script, end);
    machine
}

mod edges;
mod locks;
mod waits;
