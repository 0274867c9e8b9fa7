//! `lockstamp`: inter-process locks built on lock files, the successor of Python's
//! `zc.lockfile`.
//!
//! A lock file is locked with the operating system's primitive (`flock` by default),
//! stamped with who holds it (`" 1234\n"`, byte for byte what zc.lockfile writes), and left
//! behind on release. A process that cannot get the lock learns who has it. lockstamp,
//! zc.lockfile, util-linux `flock(1)` and Rust's `File::lock` all exclude each other on the
//! same path.
//!
//! zc.lockfile's README, in Rust:
//!
//! ```
//! use lockstamp::LockFile;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("lock");
//! // Take the lock: the file is created and stamped with our pid.
//! let lock = LockFile::lock(&path)?;
//! assert_eq!(std::fs::read_to_string(&path)?, format!(" {}\n", std::process::id()));
//!
//! // A second attempt fails at once, and says who holds it.
//! let err = LockFile::lock(&path).unwrap_err();
//! assert!(err.is_locked());
//! assert_eq!(err.holder().and_then(|h| h.pid()), Some(std::process::id()));
//! println!("{err}"); // Couldn't lock "/tmp/.../lock": held by pid 1234
//!
//! // Release it: the file is left behind, and the lock can be taken again.
//! lock.close()?;
//! assert!(path.exists());
//! let lock = LockFile::lock(&path)?;
//! lock.close()?;
//!
//! // Stamp the host name too, as zc.lockfile's `content_template` does.
//! let lock = LockFile::options().template("{pid};{hostname}").lock(&path)?;
//! let content = std::fs::read_to_string(&path)?;
//! assert!(content.starts_with(&format!(" {};", std::process::id())));
//! assert!(content.ends_with('\n'));
//! drop(lock);
//! # Ok(()) }
//! ```
//!
//! # Platforms
//!
//! - **Unix** (through rustix): `flock` (default), `fcntl` record locks and dot-locks. On
//!   Linux, timed waits wake up as soon as the holder closes the file (inotify), and
//!   [`status`] reads `/proc/locks`.
//! - **Windows**: `LockFileEx` on byte 0 (zc.lockfile's scheme: the stamp is read from
//!   offset 1 by others) and dot-locks; [`Primitive::Fcntl`] is `Unsupported`.
//! - **WASI**: dot-locks only, the default there; WASI has no process ids, so locks are
//!   unstamped unless given a template without `{pid}`.
//!
//! Anything a platform cannot do is an error of kind [`ErrorKind::Unsupported`], never a
//! panic.
//!
//! # Features
//!
//! - `log`: contention and waiting are reported through the [`log`](https://docs.rs/log)
//!   facade at debug level (never at error level: contention is normal).
//! - `cli`: builds the `lockstamp` command-line tool; library users pay nothing for it.
//!
//! # Notes on advisory locks
//!
//! - Locks are **advisory**: they exclude only processes that take the same lock. Nothing
//!   stops a process from reading, writing or deleting the lock file.
//! - The kernel releases a lock when its holder exits, however it exits; the stamp left in
//!   the file is then only history. [`status`] tells whether a lock is held right now.
//! - `flock` locks belong to the open file: two [`LockFile`]s in one process exclude each
//!   other, and so do threads. `fcntl` locks ([`Primitive::Fcntl`]) belong to the process;
//!   lockstamp keeps an in-process table so they behave the same, and never lets closing one
//!   handle drop another's lock.
//! - `flock` does not work over some network file systems; use [`Primitive::Fcntl`] (NFS
//!   byte-range locks) or [`Primitive::CreateNew`] (a dot-lock, released by removal) there.
//! - A crashed holder of a dot-lock leaves the file behind: it stays locked until removed.
//! - The file is left behind on release, as in zc.lockfile: removing it safely needs every
//!   user of the lock to check that the file it locked is still the one at the path, which
//!   [`Options::remove_on_release`] does.
//!
//! # Security
//!
//! - New lock files are created `0o600`: with `flock`, read access is enough to hold a lock,
//!   so a world-readable lock file lets any local user block the service
//!   ([`Options::mode`] opts out).
//! - A symlink at the lock path is refused (`O_NOFOLLOW`), where zc.lockfile follows it and
//!   overwrites the target with its stamp ([`Options::follow_symlinks`] opts out).
//! - FIFOs, devices and directories are refused before anything is written.
//! - The stamp is diagnostic only: anyone who can write the file can write anything in it.
//!   lockstamp never breaks a kernel lock because a pid looks dead.
//! - [`LockFile::lock`] resolves paths with ambient authority. To confine locks to one
//!   directory, a [`Resolver`] (such as the one in `lockstamp-cap`) resolves every path
//!   inside a capability.
#![deny(missing_docs)]
// Unsafe code only where rustix and std cannot serve: the Windows `LockFileEx` calls.
#![deny(unsafe_code)]
#![cfg_attr(test, deny(warnings))]

mod driver;
mod error;
mod facts;
mod holder_info;
mod lock_file;
mod log;
mod options;
mod resolver;
mod status;
mod sys;

pub use error::LockError;
pub use holder_info::HolderInfo;
pub use lock_file::LockFile;
pub use lockstamp_core as core;
pub use lockstamp_core::machine::{ErrorKind, FileId, OpKind, OpenHow, Primitive, Wait};
pub use options::{Options, DEFAULT_MODE};
pub use resolver::{Ambient, Resolver};
pub use status::{status, Status};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
