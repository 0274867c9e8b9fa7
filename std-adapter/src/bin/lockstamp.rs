//! The `lockstamp` command-line tool. STUB: being written.

fn main() {}
