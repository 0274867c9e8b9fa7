//! Drivers that run a machine against a [`World`] to its end, and the plan enumeration.

use super::world::{World, STAMP};
use crate::machine::{Acquire, Error, Mode, Outcome, Plan, Primitive, Release, Step, Wait};
use core::time::Duration;
use std::vec::Vec;

/// Bound on the number of steps of any driven machine.
pub const MAX_ITERATIONS: usize = 10_000;

/// Drives an acquire for `world` to its end, checking the world's invariants.
pub fn acquire(world: &mut World) -> (Step<'static>, Acquire<'static>) {
    let mut machine = Acquire::new(&world.plan);
    let mut outcome = Outcome::Start;
    for _ in 0..MAX_ITERATIONS {
        match machine.step(outcome) {
            Step::Do(op) => outcome = world.perform(op),
            end => {
                world.check_acquired(end, &machine);
                assert_eq!(machine.step(Outcome::Done), end, "terminal steps repeat");
                assert_eq!(machine.step(Outcome::Start), end, "terminal steps repeat");
                return (end, machine);
            }
        }
    }
    panic!(
        "acquire did not end within {MAX_ITERATIONS} steps: {:?}",
        world.ops
    );
}

/// Drives a release of the lock `world` holds, checking the world's invariants.
pub fn release(world: &mut World) -> Step<'static> {
    world.start_release();
    let (closes, removes) = (world.closes, world.removes);
    let mut machine = Release::new(&world.plan);
    let mut outcome = Outcome::Start;
    for _ in 0..MAX_ITERATIONS {
        match machine.step(outcome) {
            Step::Do(op) => outcome = world.perform(op),
            end => {
                world.check_released(end, closes, removes);
                assert_eq!(machine.step(Outcome::Done), end, "terminal steps repeat");
                return end;
            }
        }
    }
    panic!("release did not end within {MAX_ITERATIONS} steps");
}

/// Every plan: primitive × mode × wait × stamp × sync × remove-on-release (144).
/// `follow_symlinks` varies with the plan's index (it is only passed through).
pub fn all_plans(timeout: Duration) -> Vec<Plan<'static>> {
    let mut plans = Vec::new();
    for primitive in [Primitive::Flock, Primitive::Fcntl, Primitive::CreateNew] {
        for mode in [Mode::Exclusive, Mode::Shared] {
            for wait in [Wait::Never, Wait::Forever, Wait::For(timeout)] {
                for stamp in [Some(STAMP), None] {
                    for sync in [false, true] {
                        for remove_on_release in [false, true] {
                            let follow_symlinks = plans.len() % 3 == 1;
                            plans.push(Plan {
                                primitive,
                                mode,
                                wait,
                                stamp,
                                sync,
                                remove_on_release,
                                follow_symlinks,
                            });
                        }
                    }
                }
            }
        }
    }
    plans
}

/// The error a failed step carries.
pub fn error_of(step: Step<'static>) -> Option<Error> {
    match step {
        Step::Failed(error) => Some(error),
        _ => None,
    }
}
