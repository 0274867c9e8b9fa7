//! What the backends without `fcntl` locks or change notifications (Windows, WASI) share:
//! no in-process claim table, and waits that simply sleep for the time the machine asks.

use std::fs::File;
use std::io;
use std::time::Duration;

use lockstamp_core::machine::{FileId, Mode};

/// No in-process table: there are no `fcntl` locks here.
#[derive(Debug)]
pub(crate) struct Claim;

/// `Unsupported`: there are no `fcntl` locks to claim.
pub(crate) fn claim(_id: FileId, _mode: Mode) -> io::Result<Claim> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Nothing to give back.
pub(crate) fn unclaim(_claim: Claim) {}

/// Waits by sleeping (no change notification is used here).
#[derive(Debug, Default)]
pub(crate) struct Waiter;

impl Waiter {
    /// A sleeping waiter.
    pub(crate) fn new() -> Self {
        Waiter
    }
    /// No-op.
    pub(crate) fn watch_file(&mut self, _file: &File) {}
    /// No-op.
    pub(crate) fn watch_dir(&mut self, _dir: &File) {}
    /// Sleeps for `max`.
    pub(crate) fn wait(&mut self, max: Duration) {
        std::thread::sleep(max);
    }
}
