//! Property test: random plans answered by random outcome sequences (of any variant, in
//! any order), then `Failed(Other)` to everything. Nothing panics, every [`World`] check
//! holds on every op, the machine ends within a bound, and a held lock releases cleanly
//! through the same kind of random replies.

use super::drive;
use super::world::{World, HOLDERS, STAMP};
use crate::machine::{
    ErrorKind, FileId, FileKind, Mode, Op, Outcome, Plan, Primitive, Release, Step, Wait,
};
use core::time::Duration;
use proptest::prelude::*;

fn plan() -> impl Strategy<Value = Plan<'static>> {
    let primitive = prop_oneof![
        Just(Primitive::Flock),
        Just(Primitive::Fcntl),
        Just(Primitive::CreateNew)
    ];
    let mode = prop_oneof![Just(Mode::Exclusive), Just(Mode::Shared)];
    let wait = prop_oneof![
        Just(Wait::Never),
        Just(Wait::Forever),
        (0u64..50).prop_map(|ms| Wait::For(Duration::from_millis(ms))),
        Just(Wait::For(Duration::MAX)),
    ];
    let flags = any::<(bool, bool, bool, bool)>();
    (primitive, mode, wait, flags).prop_map(|(primitive, mode, wait, (stamp, sync, rm, fs))| Plan {
        primitive,
        mode,
        wait,
        stamp: stamp.then_some(STAMP),
        sync,
        remove_on_release: rm,
        follow_symlinks: fs,
    })
}

fn id(ino: u64, nlink: u64) -> FileId {
    FileId { dev: 1, ino, nlink }
}

/// Any outcome, weighted towards the ones that move the machine forward.
fn outcome() -> impl Strategy<Value = Outcome<'static>> {
    let kind = (0..ErrorKind::ALL.len()).prop_map(|i| ErrorKind::ALL[i]);
    let file_kind = prop_oneof![
        4 => Just(FileKind::Regular),
        1 => Just(FileKind::Directory),
        1 => Just(FileKind::Other),
    ];
    prop_oneof![
        1 => Just(Outcome::Start),
        12 => Just(Outcome::Done),
        6 => kind.prop_map(Outcome::Failed),
        3 => (file_kind, 0u64..3).prop_map(|(kind, ino)| Outcome::Stat { kind, id: id(ino, 1) }),
        3 => (0u64..3, proptest::option::of(0u64..3), 0u64..2)
            .prop_map(|(open, path, nlink)| Outcome::Identity {
                open: id(open, nlink),
                path: path.map(|ino| id(ino, 1)),
            }),
        2 => (0..HOLDERS.len()).prop_map(|i| Outcome::Holder(HOLDERS[i])),
        3 => (0u64..100).prop_map(|ms| Outcome::Clock(Duration::from_millis(ms))),
        1 => Just(Outcome::Clock(Duration::MAX)),
    ]
}

/// Bound on ops once the script is exhausted: every op then fails, so what is left is at
/// most a best-effort read, a clock reading and the four cleanup ops.
const TAIL: usize = 16;

/// Longest random script (shorter under Miri, where generating values is slow).
const SCRIPT_LEN: usize = if cfg!(miri) { 24 } else { 80 };

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 8 } else { 2_000 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_replies_keep_the_machine_balanced(
        plan in plan(),
        script in proptest::collection::vec(outcome(), 0..SCRIPT_LEN),
    ) {
        let mut world = World::scripted(plan, &script);
        let (end, _) = drive::acquire(&mut world);
        prop_assert!(world.ops.len() <= script.len() + TAIL, "{} ops", world.ops.len());
        if end == Step::Held {
            let before = world.ops.len();
            let end = drive::release(&mut world);
            prop_assert!(matches!(end, Step::Released | Step::Failed(_)));
            prop_assert!(world.ops.len() - before <= 5);
        }
    }

    #[test]
    fn release_always_closes_once(
        plan in plan(),
        script in proptest::collection::vec(outcome(), 0..8),
    ) {
        let mut release = Release::new(&plan);
        let (mut closes, mut removes, mut identified) = (0, 0, None);
        let mut failed = false;
        let mut outcome = Outcome::Start;
        let mut replies = script.iter().copied();
        let end = loop {
            match release.step(outcome) {
                Step::Do(op) => {
                    outcome = replies.next().unwrap_or(Outcome::Done);
                    closes += usize::from(op == Op::Close);
                    removes += usize::from(op == Op::Remove);
                    if op == Op::Identify {
                        prop_assert_eq!(identified, None, "one identity check");
                        identified = Some(outcome);
                        failed |= !matches!(
                            outcome,
                            Outcome::Identity { .. } | Outcome::Failed(ErrorKind::NotFound)
                        );
                    } else {
                        failed |= outcome != Outcome::Done;
                    }
                }
                end => break end,
            }
        };
        prop_assert_eq!(closes, 1);
        // Identify is asked exactly when the plan removes, and Remove only for our file.
        prop_assert_eq!(identified.is_some(), plan.removes_on_release());
        let ours = matches!(identified, Some(Outcome::Identity { open, path: Some(path) })
            if open.dev == path.dev && open.ino == path.ino);
        prop_assert_eq!(removes, usize::from(ours));
        prop_assert_eq!(failed, matches!(end, Step::Failed(_)));
    }
}
