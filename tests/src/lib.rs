//! Shared helpers for lockstamp's cross-process tests and benchmarks.
#![deny(missing_docs)]
