//! The template language: a subset of Python's `str.format` (DESIGN §3).
//!
//! STUB: the public signatures are fixed; the implementation is being written.

use crate::facts::{Facts, Field};

/// A parsed, validated lock-file template such as `{pid};{hostname}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template<'t> {
    src: &'t str,
}

impl<'t> Template<'t> {
    /// Parses and validates `src`.
    pub fn parse(src: &'t str) -> Result<Self, TemplateError> {
        Ok(Template { src })
    }

    /// The template text this was parsed from.
    pub fn as_str(&self) -> &'t str {
        self.src
    }

    /// Whether the template refers to `field` (so an adapter gathers only the facts it needs).
    pub fn uses(&self, field: Field) -> bool {
        let _ = field;
        todo!()
    }

    /// Renders the template with `facts` into `out`; writes nothing to `out` on error.
    pub fn render<W: ufmt::uWrite + ?Sized>(
        &self,
        facts: &Facts<'_>,
        out: &mut W,
    ) -> Result<(), TemplateError> {
        let _ = (facts, out);
        todo!()
    }

    /// Renders the template into a new fixed-capacity string.
    pub fn render_to<const N: usize>(
        &self,
        facts: &Facts<'_>,
    ) -> Result<heapless::String<N>, TemplateError> {
        let _ = facts;
        todo!()
    }
}

/// Why a template was rejected or could not be rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateError {
    offset: usize,
    kind: TemplateErrorKind,
}

impl TemplateError {
    /// Byte offset in the template where the problem is.
    pub fn offset(&self) -> usize {
        self.offset
    }
    /// What is wrong.
    pub fn kind(&self) -> TemplateErrorKind {
        self.kind
    }
}

/// The kinds of [`TemplateError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateErrorKind {
    /// A `{` with no matching `}`.
    UnclosedBrace,
    /// A `}` that is not part of `}}` or a field.
    LoneCloseBrace,
    /// `{}`: an empty (auto-numbered) field.
    EmptyField,
    /// `{0}`: a positional field.
    PositionalField,
    /// A field name that is not one of `pid`, `hostname`, `uid`, `program`, `time`.
    UnknownField,
    /// A conversion such as `!r`.
    Conversion,
    /// A format spec outside `[[fill]align][0][width]`, or one Python rejects for the type.
    UnsupportedSpec,
    /// The template names a fact that is not available (e.g. `{pid}` on WASI).
    Unavailable,
    /// The rendered output does not fit in the buffer.
    TooLong,
}
