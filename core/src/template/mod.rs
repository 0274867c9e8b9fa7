//! The template language: a subset of Python's `str.format` (DESIGN §3).
//!
//! ```text
//! template := (literal | "{{" | "}}" | field)*
//! field    := "{" name [":" spec] "}"
//! name     := "pid" | "hostname" | "uid" | "program" | "time"
//! spec     := [[fill] align] ["0"] [width]      align := "<" | ">" | "^" | "="
//!                                               width := 1 to 3 digits
//! ```
//!
//! Every template [`Template::parse`] accepts renders exactly as Python's
//! `template.format(pid=..., hostname=..., uid=..., program=..., time=...)` does (integers
//! for `pid`, `uid`, `time`; strings for `hostname`, `program`). Everything else is an
//! error with a byte offset, including things Python accepts (conversions such as `!r`,
//! attributes, indexes, signs, precision, types, nested fields) and things Python rejects
//! for the value's type (`{hostname:=5}`).

mod error;
mod parse;
mod render;
mod spec;

#[cfg(test)]
mod python_diff;
#[cfg(test)]
mod python_table;
#[cfg(test)]
mod tests;

pub use error::{TemplateError, TemplateErrorKind};
pub(crate) use parse::{Piece, Pieces};
pub(crate) use render::BytesSink;
pub(crate) use spec::{Align, Spec};

use crate::facts::{Facts, Field};
use crate::stamp::STAMP_CAPACITY;

/// A parsed, validated lock-file template such as `{pid};{hostname}`.
///
/// ```
/// use lockstamp_core::{Facts, Template};
///
/// let template = Template::parse("{pid};{hostname}")?;
/// let facts = Facts { pid: Some(11170), hostname: Some("vm"), ..Facts::default() };
/// let text = template.render_to::<64>(&facts)?;
/// assert_eq!(text.as_str(), "11170;vm");
/// # Ok::<(), lockstamp_core::TemplateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template<'t> {
    src: &'t str,
    /// Bit `1 << field as u8` for every field the template uses.
    fields: u8,
}

impl Default for Template<'static> {
    /// zc.lockfile's default template, `{pid}`.
    fn default() -> Self {
        Template {
            src: "{pid}",
            fields: 1 << Field::Pid as u8,
        }
    }
}

impl<'t> Template<'t> {
    /// Parses and validates `src`.
    ///
    /// Only [`Unavailable`](TemplateErrorKind::Unavailable) and
    /// [`TooLong`](TemplateErrorKind::TooLong) are left for rendering to find, since they
    /// depend on the facts.
    pub fn parse(src: &'t str) -> Result<Self, TemplateError> {
        let mut fields = 0u8;
        for piece in Pieces::new(src) {
            if let (_, Piece::Field(field, _)) = piece? {
                fields |= 1 << field as u8;
            }
        }
        Ok(Template { src, fields })
    }

    /// The template text this was parsed from.
    pub fn as_str(&self) -> &'t str {
        self.src
    }

    /// Whether the template refers to `field` (so an adapter gathers only the facts it needs).
    pub fn uses(&self, field: Field) -> bool {
        self.fields & (1 << field as u8) != 0
    }

    /// The pieces of the template (never an error: the template was validated).
    pub(crate) fn pieces(&self) -> Pieces<'t> {
        Pieces::new(self.src)
    }

    /// Renders the template with `facts` into `out`; writes nothing to `out` on error.
    ///
    /// The output is rendered into an internal buffer of [`STAMP_CAPACITY`] bytes first and
    /// handed to `out` with a single `write_str` call, so a template error leaves `out`
    /// untouched. Output longer than that buffer is
    /// [`TooLong`](TemplateErrorKind::TooLong) (use [`render_to`](Self::render_to) for
    /// larger buffers). If `out` refuses the write, that is reported as `TooLong` at
    /// offset 0; whether a refusing writer kept part of the text is up to the writer
    /// (`heapless` strings keep nothing).
    pub fn render<W: ufmt::uWrite + ?Sized>(
        &self,
        facts: &Facts<'_>,
        out: &mut W,
    ) -> Result<(), TemplateError> {
        let text = self.render_to::<STAMP_CAPACITY>(facts)?;
        out.write_str(&text)
            .map_err(|_| TemplateError::new(TemplateErrorKind::TooLong, 0))
    }

    /// Renders the template into a new fixed-capacity string.
    ///
    /// Fails with [`Unavailable`](TemplateErrorKind::Unavailable) at the field's `{` when
    /// `facts` lacks a fact the template names, and with
    /// [`TooLong`](TemplateErrorKind::TooLong) at the piece that did not fit when the
    /// output is longer than `N` bytes. Never truncates.
    pub fn render_to<const N: usize>(
        &self,
        facts: &Facts<'_>,
    ) -> Result<heapless::String<N>, TemplateError> {
        let mut sink = render::StringSink(heapless::String::new());
        render::emit(self.src, facts, &mut sink)?;
        Ok(sink.0)
    }

    /// Renders into `out`, appending; on error `out` may hold part of the output.
    pub(crate) fn emit<W: ufmt::uWrite + ?Sized>(
        &self,
        facts: &Facts<'_>,
        out: &mut W,
    ) -> Result<(), TemplateError> {
        render::emit(self.src, facts, out)
    }
}
