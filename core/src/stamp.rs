//! The stamp written into a lock file: `" " + content + "\n"`, as zc.lockfile writes it.
//!
//! STUB: the public signatures are fixed; the implementation is being written.

use crate::facts::Facts;
use crate::template::{Template, TemplateError};

/// Capacity of the stamp buffer in bytes, framing included.
pub const STAMP_CAPACITY: usize = 256;

/// A rendered, framed stamp: the exact bytes written at offset 0 of the lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    bytes: heapless::Vec<u8, STAMP_CAPACITY>,
}

impl Stamp {
    /// Renders `template` with `facts` and frames it.
    pub fn render(template: &Template<'_>, facts: &Facts<'_>) -> Result<Stamp, TemplateError> {
        let _ = (template, facts);
        todo!()
    }
    /// The framed bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}
