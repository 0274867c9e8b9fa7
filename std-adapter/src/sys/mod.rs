//! The operating-system backend, chosen once for the whole crate.
//!
//! Every backend file exposes the same set of functions (see `unix.rs`); the rest of the
//! crate only calls `platform::...`. Unix goes through rustix, Windows through
//! `LockFileEx`, and everything else (WASI) through `std::fs` alone.

#[cfg_attr(unix, path = "unix.rs")]
#[cfg_attr(windows, path = "windows.rs")]
#[cfg_attr(not(any(unix, windows)), path = "wasi.rs")]
mod platform;

#[cfg(unix)]
mod fcntl_table;
#[cfg(not(unix))]
mod no_fcntl;
#[cfg(any(target_os = "linux", target_os = "android"))]
mod proc_locks;
#[cfg(unix)]
mod waiter;

pub(crate) use platform::*;

use lockstamp_core::machine::ErrorKind;

/// Maps an error that carries no OS error code (or comes from a platform without errno
/// names) by its `std::io::ErrorKind`.
#[cfg_attr(unix, allow(dead_code))]
pub(crate) fn map_io_kind(err: &std::io::Error) -> ErrorKind {
    use std::io::ErrorKind as K;
    if err.get_ref().is_some_and(|e| e.is::<RefusedSymlink>()) {
        return ErrorKind::Symlink;
    }
    match err.kind() {
        K::WouldBlock => ErrorKind::WouldBlock,
        K::AlreadyExists => ErrorKind::AlreadyExists,
        K::NotFound => ErrorKind::NotFound,
        K::PermissionDenied => ErrorKind::PermissionDenied,
        K::Interrupted => ErrorKind::Interrupted,
        K::IsADirectory => ErrorKind::IsDirectory,
        K::Unsupported => ErrorKind::Unsupported,
        K::InvalidInput | K::InvalidFilename => ErrorKind::InvalidInput,
        K::StorageFull | K::ReadOnlyFilesystem | K::QuotaExceeded => ErrorKind::Storage,
        K::Deadlock => ErrorKind::Deadlock,
        _ => ErrorKind::Other,
    }
}

/// The error a backend without `O_NOFOLLOW` returns for a symlink it refuses to follow;
/// [`map_io_kind`] maps it to [`ErrorKind::Symlink`].
#[cfg_attr(unix, allow(dead_code))]
#[derive(Debug)]
pub(crate) struct RefusedSymlink;

impl std::fmt::Display for RefusedSymlink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("refusing to follow a symlink")
    }
}

impl std::error::Error for RefusedSymlink {}

#[cfg_attr(unix, allow(dead_code))]
impl RefusedSymlink {
    /// As an `io::Error`.
    pub(crate) fn error() -> std::io::Error {
        std::io::Error::other(RefusedSymlink)
    }
}
