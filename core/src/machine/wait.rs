//! The retry schedule for [`Wait::For`](super::Wait::For) and polling waits.
//!
//! Waits start at [`BACKOFF_START`] and double up to [`BACKOFF_CAP`]. An adapter that can
//! learn of a release early (inotify on Linux) returns from
//! [`Op::WaitForRelease`](super::Op::WaitForRelease) at once, so the cap only bounds how
//! late a release is noticed when no such wake-up exists. A timed wait is additionally
//! clamped to the time left before the deadline.

use core::time::Duration;

/// The first wait after contention.
pub const BACKOFF_START: Duration = Duration::from_millis(1);

/// The longest single wait the machine asks for.
pub const BACKOFF_CAP: Duration = Duration::from_millis(100);

/// Exponential backoff from [`BACKOFF_START`], doubling, capped at [`BACKOFF_CAP`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Backoff {
    next: Duration,
}

impl Backoff {
    /// A schedule whose first wait is [`BACKOFF_START`].
    pub(super) const fn new() -> Self {
        Backoff {
            next: BACKOFF_START,
        }
    }

    /// The next wait, clamped to `limit` when given; advances the schedule.
    pub(super) fn next(&mut self, limit: Option<Duration>) -> Duration {
        let wait = self.next;
        self.next = wait.saturating_mul(2).min(BACKOFF_CAP);
        match limit {
            Some(limit) => wait.min(limit),
            None => wait,
        }
    }
}
