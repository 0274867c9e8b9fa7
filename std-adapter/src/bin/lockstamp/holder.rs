//! How lock errors and holders are put into words for the terminal.

use std::error::Error as _;
use std::io;

use lockstamp::{ErrorKind, HolderInfo, LockError};

/// `held by pid 123 on vm`, or `holder unknown` when the file names nobody.
pub fn held_by(holder: Option<&HolderInfo>) -> String {
    match holder.filter(|h| !h.is_empty()) {
        Some(holder) => format!("held by {holder}"),
        None => "holder unknown".to_string(),
    }
}

/// The OS error behind `e`, if there is one.
pub fn os_error(e: &LockError) -> Option<&io::Error> {
    e.source().and_then(|s| s.downcast_ref::<io::Error>())
}

/// The one-line message for `e`: the library's sentence (which names the path), plus the OS
/// error it came from: `Couldn't open "x.lock": permission denied (os error 13)`.
pub fn message(e: &LockError) -> String {
    match os_error(e).filter(|_| !e.is_locked()) {
        Some(os) => match os.raw_os_error() {
            Some(errno) if e.kind() != ErrorKind::Other => format!("{e} (os error {errno})"),
            _ => format!("{e}: {os}"),
        },
        None => e.to_string(),
    }
}
