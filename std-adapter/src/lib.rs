//! `lockstamp`: inter-process locks built on lock files. STUB: being written.
#![deny(missing_docs)]

pub use lockstamp_core as core;
