//! Exit codes (`sysexits.h` values, as `flock(1)` uses them) and how errors map to them.

use std::io;
use std::process::ExitStatus;

use lockstamp::{ErrorKind, LockError};

use crate::holder;

/// Bad command line (`EX_USAGE`).
pub const USAGE: u8 = 64;
/// The lock file cannot be opened, or `--status` found no file (`EX_NOINPUT`).
pub const NO_INPUT: u8 = 66;
/// Out of memory, file descriptors or processes, or no locking here (`EX_OSERR`).
pub const OS_ERROR: u8 = 71;
/// The lock file cannot be created: read-only or full filesystem (`EX_CANTCREAT`).
pub const CANT_CREATE: u8 = 73;
/// Any other I/O error on the lock file (`EX_IOERR`).
pub const IO_ERROR: u8 = 74;
/// COMMAND was found but cannot be executed (as shells do).
pub const NOT_EXECUTABLE: u8 = 126;
/// COMMAND was not found (as shells do).
pub const NOT_FOUND: u8 = 127;

/// The exit code for a lock file that cannot be locked, released or inspected (not
/// contention), following `flock(1)`'s choices.
pub fn for_lock_error(e: &LockError) -> u8 {
    if e.template_error().is_some() {
        return USAGE;
    }
    match e.kind() {
        ErrorKind::NotFound
        | ErrorKind::PermissionDenied
        | ErrorKind::Symlink
        | ErrorKind::NotRegular
        | ErrorKind::IsDirectory
        | ErrorKind::InvalidInput => NO_INPUT,
        ErrorKind::Storage => CANT_CREATE,
        ErrorKind::Unsupported => OS_ERROR,
        _ if holder::os_error(e).is_some_and(out_of_resources) => OS_ERROR,
        _ => IO_ERROR,
    }
}

/// Whether `e` is `ENOMEM`, `EMFILE`, `ENFILE` or `ENOLCK`: out of memory, descriptors or
/// lock records.
#[cfg(unix)]
fn out_of_resources(e: &io::Error) -> bool {
    use rustix::io::Errno;
    matches!(
        Errno::from_io_error(e),
        Some(Errno::NOMEM | Errno::MFILE | Errno::NFILE | Errno::NOLCK)
    )
}

/// Whether `e` means out of resources (no errno to look at on this platform).
#[cfg(not(unix))]
fn out_of_resources(_: &io::Error) -> bool {
    false
}

/// The exit code when COMMAND could not be started, as shells report it.
pub fn for_spawn_error(e: &io::Error) -> u8 {
    match e.kind() {
        io::ErrorKind::NotFound => NOT_FOUND,
        io::ErrorKind::OutOfMemory | io::ErrorKind::WouldBlock => OS_ERROR,
        _ => NOT_EXECUTABLE,
    }
}

/// COMMAND's exit code, or 128+N when signal N killed it.
pub fn of_status(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return (code & 0xff) as u8;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return (128 + (signal & 0x7f)) as u8;
        }
    }
    IO_ERROR
}
