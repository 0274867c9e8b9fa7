//! `lockstamp-cap`: lockstamp locks inside a [`cap_std::fs::Dir`].
//!
//! Sandboxed services often hold no ambient filesystem authority, only capability
//! directories. [`LockDir`] takes the same locks as the std adapter ([`lockstamp::LockFile`],
//! same on-disk contract, same options), but resolves every lock path through cap-std
//! inside the directory it was given. That removes path traversal (CWE-22) from the lock
//! path: `..` climbing out, absolute paths and symlinks leading outside are refused with
//! `PermissionDenied`, and nothing outside the directory is ever opened, created or
//! removed — including by remove-on-release.
//!
//! The crate reuses the std adapter's lock handle and only replaces how paths are
//! resolved ([`DirResolver`] implements [`lockstamp::Resolver`]).
//!
//! # Ambient Authority
//!
//! This crate uses none: the caller passes the [`Dir`](cap_std::fs::Dir), obtained however
//! its sandbox allows.
//!
//! # Platforms
//!
//! Everywhere cap-std builds. cap-std does not build for WASI on stable Rust; there the
//! preopened directories given to the std adapter are the capability, and this crate is
//! empty.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, deny(warnings))]

#[cfg(not(target_os = "wasi"))]
mod lock_dir;
#[cfg(not(target_os = "wasi"))]
mod resolver;

#[cfg(not(target_os = "wasi"))]
pub use lock_dir::LockDir;
#[cfg(not(target_os = "wasi"))]
pub use resolver::DirResolver;

/// The capability directory type, re-exported for convenience.
#[cfg(not(target_os = "wasi"))]
pub use cap_std::fs::Dir;
