//! The stamp written into a lock file: `" " + content + "\n"`, as zc.lockfile writes it.
//!
//! zc.lockfile writes `" %s\n" % content` at offset 0 and truncates there; a lock file of
//! process 11170 on host `vm` with template `{pid};{hostname}` holds `b" 11170;vm\n"`.

use crate::facts::Facts;
use crate::template::{BytesSink, Template, TemplateError};

/// Capacity of the stamp buffer in bytes, framing included.
///
/// The rendered template itself may therefore be at most `STAMP_CAPACITY - 2` bytes.
pub const STAMP_CAPACITY: usize = 256;

/// A rendered, framed stamp: the exact bytes written at offset 0 of the lock file.
///
/// ```
/// use lockstamp_core::{Facts, Stamp, Template};
///
/// let template = Template::parse("{pid};{hostname}")?;
/// let facts = Facts { pid: Some(11170), hostname: Some("vm"), ..Facts::default() };
/// let stamp = Stamp::render(&template, &facts)?;
/// assert_eq!(stamp.as_bytes(), b" 11170;vm\n");
/// assert_eq!(stamp.content(), b"11170;vm");
/// # Ok::<(), lockstamp_core::TemplateError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    bytes: heapless::Vec<u8, STAMP_CAPACITY>,
}

impl Stamp {
    /// Renders `template` with `facts` and frames it.
    ///
    /// Fails like [`Template::render_to`]; [`TooLong`](crate::TemplateErrorKind::TooLong)
    /// when content and framing exceed [`STAMP_CAPACITY`] (its offset is the template piece
    /// that did not fit, or the template's length when only the final `"\n"` did not).
    pub fn render(template: &Template<'_>, facts: &Facts<'_>) -> Result<Stamp, TemplateError> {
        let too_long =
            || TemplateError::new(crate::TemplateErrorKind::TooLong, template.as_str().len());
        let mut sink = BytesSink(heapless::Vec::new());
        sink.0.push(b' ').map_err(|_| too_long())?;
        template.emit(facts, &mut sink)?;
        sink.0.push(b'\n').map_err(|_| too_long())?;
        Ok(Stamp { bytes: sink.0 })
    }

    /// The framed bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The rendered template, without the framing.
    pub fn content(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(1);
        self.bytes.get(1..end).unwrap_or(&[])
    }
}
