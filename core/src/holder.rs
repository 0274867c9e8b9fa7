//! Reading who holds a lock from a lock file's content.
//!
//! STUB: the public signatures are fixed; the implementation is being written.

use crate::template::Template;

/// Who holds a lock, as recovered from the lock file's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder<'a> {
    content: &'a [u8],
}

impl<'a> Holder<'a> {
    /// Parses lock-file content; any bytes are valid input.
    pub fn parse(content: &'a [u8], template: &Template<'_>) -> Holder<'a> {
        let _ = template;
        Holder { content }
    }
    /// The content without the stamp framing.
    pub fn content(&self) -> &'a [u8] {
        self.content
    }
}
