//! `lockstamp --status FILE`: who holds the lock, and whether it is locked right now.

use std::io::{self, Write};
use std::path::Path;

use crate::exit;
use crate::holder::message;

/// Prints FILE's state on stdout; returns 0 when free, 1 when locked, 66 when missing.
pub fn report(name: &Path) -> u8 {
    // The library calls a missing file free; a script asking about it wants to know.
    if is_missing(name) {
        warn!("{name:?}: no such file");
        return exit::NO_INPUT;
    }
    let status = match lockstamp::status(name) {
        Ok(status) => status,
        Err(e) => {
            warn!("{}", message(&e));
            return exit::for_lock_error(&e);
        }
    };
    let holder = status.holder.filter(|h| !h.is_empty());
    let line = match (status.locked, holder) {
        (true, Some(holder)) => format!("{name:?}: locked, held by {holder}\n"),
        (true, None) => format!("{name:?}: locked (holder unknown)\n"),
        (false, Some(holder)) => format!("{name:?}: free (last holder: {holder})\n"),
        (false, None) => format!("{name:?}: free\n"),
    };
    if io::stdout().write_all(line.as_bytes()).is_err() {
        return exit::IO_ERROR;
    }
    u8::from(status.locked)
}

/// `access(path, F_OK)` failing with `ENOENT` (a dangling symlink counts as missing).
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/access.html)
/// - [Linux](https://man7.org/linux/man-pages/man2/access.2.html)
#[cfg(unix)]
fn is_missing(path: &Path) -> bool {
    use rustix::fs::{access, Access};
    access(path, Access::EXISTS) == Err(rustix::io::Errno::NOENT)
}

/// Whether nothing is at `path`.
#[cfg(not(unix))]
fn is_missing(path: &Path) -> bool {
    path.try_exists().is_ok_and(|exists| !exists)
}
