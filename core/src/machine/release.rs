//! The release machine. STUB.

use super::{Outcome, Plan, Step};

/// Drives the release of a held lock; see the [module docs](super).
#[derive(Debug, Clone)]
pub struct Release {
    _private: (),
}

impl Release {
    /// Starts releasing a lock that was acquired with `plan`.
    pub fn new(plan: &Plan<'_>) -> Self {
        let _ = plan;
        Release { _private: () }
    }

    /// Advances the machine with the outcome of the last op.
    pub fn step(&mut self, outcome: Outcome<'_>) -> Step<'static> {
        let _ = outcome;
        todo!()
    }
}
