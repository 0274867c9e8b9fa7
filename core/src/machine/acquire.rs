//! The acquire machine. STUB.

use super::{Outcome, Plan, Step, HOLDER_CAPACITY};

/// Drives one attempt to take a lock; see the [module docs](super).
#[derive(Debug, Clone)]
pub struct Acquire<'s> {
    plan: Plan<'s>,
    holder: heapless::Vec<u8, HOLDER_CAPACITY>,
}

impl<'s> Acquire<'s> {
    /// Starts an attempt for `plan`. The first `step` call takes [`Outcome::Start`].
    pub fn new(plan: &Plan<'s>) -> Self {
        Acquire {
            plan: *plan,
            holder: heapless::Vec::new(),
        }
    }

    /// Advances the machine with the outcome of the last op.
    pub fn step(&mut self, outcome: Outcome<'_>) -> Step<'s> {
        let _ = (outcome, &self.plan);
        todo!()
    }

    /// The holder bytes read on the last contention, if any.
    pub fn holder(&self) -> Option<&[u8]> {
        if self.holder.is_empty() {
            None
        } else {
            Some(&self.holder)
        }
    }
}
