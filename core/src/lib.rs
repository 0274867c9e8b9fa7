//! `lockstamp-core`: the operating-system-free half of lockstamp.
//!
//! This crate is `#![no_std]` and never allocates. It holds:
//!
//! - the lock-file **template language** ([`Template`]), a subset of Python's
//!   `str.format` that renders through [`ufmt::uWrite`] into fixed buffers;
//! - the **stamp** framing shared with `zc.lockfile` ([`stamp`]): `" " + content + "\n"`;
//! - the reverse direction, [`Holder`], which recovers who holds a lock from any bytes;
//! - the **lock protocol** as a sans-IO state machine ([`machine`]): every decision about
//!   a lock's life is made here, adapters only perform the operations it asks for.
//!
//! The std adapter (crate `lockstamp`) drives it with real system calls; a test or an
//! embedded filesystem can drive it with anything else.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, deny(warnings))]

#[cfg(test)]
extern crate std;

mod facts;
mod holder;
pub mod machine;
pub mod stamp;
mod template;

pub use facts::{Facts, Field};
pub use holder::Holder;
pub use stamp::{Stamp, STAMP_CAPACITY};
pub use template::{Template, TemplateError, TemplateErrorKind};
