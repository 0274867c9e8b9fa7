//! `lockstamp-cap`: lockstamp locks inside a `cap_std::fs::Dir`. STUB: being written.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
