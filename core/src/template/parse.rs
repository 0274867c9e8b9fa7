//! Splitting template text into literal pieces and fields, the way Python's
//! `str.format` does (CPython `MarkupIterator_next` and `parse_field`), minus what we reject.
//!
//! The parser never panics and never indexes out of range: every slice goes through
//! `get`, so hostile templates only ever produce a [`TemplateError`].

use super::error::{TemplateError, TemplateErrorKind};
use super::spec::Spec;
use crate::facts::Field;

/// One piece of a template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'t> {
    /// Literal text, already unescaped (`{{` comes out as `{`).
    Literal(&'t str),
    /// A replacement field.
    Field(Field, Spec<'t>),
}

/// Iterates over the pieces of a template, with the byte offset where each starts.
///
/// After the first error it ends.
#[derive(Debug, Clone)]
pub(crate) struct Pieces<'t> {
    src: &'t str,
    pos: usize,
}

impl<'t> Pieces<'t> {
    /// Pieces of `src`, from the start.
    pub(crate) const fn new(src: &'t str) -> Self {
        Pieces { src, pos: 0 }
    }

    /// Stops the iteration and hands `err` out.
    fn fail(&mut self, kind: TemplateErrorKind, at: usize) -> Option<<Self as Iterator>::Item> {
        self.pos = self.src.len();
        Some(Err(TemplateError::new(kind, at)))
    }

    /// Parses the field whose `{` is at `start`.
    fn field(&mut self, start: usize) -> Option<<Self as Iterator>::Item> {
        let bytes = self.src.as_bytes();
        let name_at = start + 1;
        // The name ends at the first of these; `.` and `[` are attributes and indexes.
        let Some(end) = bytes
            .get(name_at..)
            .and_then(|b| b.iter().position(|c| b"{}:!.[".contains(c)))
            .map(|i| name_at + i)
        else {
            return self.fail(TemplateErrorKind::UnclosedBrace, start);
        };
        let terminator = bytes.get(end).copied().unwrap_or(b'}');
        if terminator == b'{' {
            // Python: "unexpected '{' in field name"; the field was never closed.
            return self.fail(TemplateErrorKind::UnclosedBrace, start);
        }
        let name = self.src.get(name_at..end).unwrap_or("");
        if name.is_empty() {
            return self.fail(TemplateErrorKind::EmptyField, start);
        }
        if name.bytes().all(|b| b.is_ascii_digit()) {
            return self.fail(TemplateErrorKind::PositionalField, start);
        }
        let Some(field) = Field::from_name(name) else {
            self.pos = self.src.len();
            let err = TemplateError::with_name(TemplateErrorKind::UnknownField, start, name);
            return Some(Err(err));
        };
        match terminator {
            b'}' => {
                self.pos = end + 1;
                Some(Ok((start, Piece::Field(field, Spec::plain(field)))))
            }
            b'!' => self.fail(TemplateErrorKind::Conversion, end),
            b':' => {
                let spec_at = end + 1;
                let Some(close) = bytes
                    .get(spec_at..)
                    .and_then(|b| b.iter().position(|c| *c == b'{' || *c == b'}'))
                    .map(|i| spec_at + i)
                else {
                    return self.fail(TemplateErrorKind::UnclosedBrace, start);
                };
                if bytes.get(close) == Some(&b'{') {
                    // A nested field in the spec, such as `{pid:{width}}`.
                    return self.fail(TemplateErrorKind::UnsupportedSpec, close);
                }
                let text = self.src.get(spec_at..close).unwrap_or("");
                match Spec::parse(text, spec_at, field) {
                    Ok(spec) => {
                        self.pos = close + 1;
                        Some(Ok((start, Piece::Field(field, spec))))
                    }
                    Err(err) => {
                        self.pos = self.src.len();
                        Some(Err(err))
                    }
                }
            }
            // `.` or `[`: attribute or index access.
            _ => self.fail(TemplateErrorKind::UnsupportedSpec, end),
        }
    }
}

impl<'t> Iterator for Pieces<'t> {
    type Item = Result<(usize, Piece<'t>), TemplateError>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let rest = self.src.get(start..).filter(|r| !r.is_empty())?;
        let bytes = rest.as_bytes();
        match bytes.first() {
            Some(b'{') if bytes.get(1) == Some(&b'{') => {
                self.pos = start + 2;
                Some(Ok((start, Piece::Literal(rest.get(..1)?))))
            }
            Some(b'{') => self.field(start),
            Some(b'}') if bytes.get(1) == Some(&b'}') => {
                self.pos = start + 2;
                Some(Ok((start, Piece::Literal(rest.get(..1)?))))
            }
            Some(b'}') => self.fail(TemplateErrorKind::LoneCloseBrace, start),
            _ => {
                let len = bytes
                    .iter()
                    .position(|c| *c == b'{' || *c == b'}')
                    .unwrap_or(bytes.len());
                self.pos = start + len;
                Some(Ok((start, Piece::Literal(rest.get(..len)?))))
            }
        }
    }
}
