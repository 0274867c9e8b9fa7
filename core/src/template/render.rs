//! Rendering: pieces and facts in, bytes out through [`ufmt::uWrite`].
//!
//! Nothing here touches `core::fmt`: integers are written by `ufmt`'s [`uDisplay`],
//! padding and text by `write_str`. Every write goes into a fixed-capacity buffer that is
//! dropped on error, so callers never see partial output (see [`Template::render`]).
//!
//! [`Template::render`]: super::Template::render

use ufmt::{uDisplay, uWrite};

use super::error::{TemplateError, TemplateErrorKind};
use super::parse::{Piece, Pieces};
use super::spec::Spec;
use crate::facts::{Facts, Field};

/// A writer that refuses to grow beyond its capacity; the error means "does not fit".
pub(crate) struct Full;

/// Writes the template `src` with `facts` to `out`.
///
/// A template error ([`Unavailable`](TemplateErrorKind::Unavailable)) or a refused write
/// ([`TooLong`](TemplateErrorKind::TooLong), at the offset of the piece that did not fit)
/// stops it; what was written before stays in `out`, so callers write into a buffer they
/// throw away on error.
pub(crate) fn emit<W: uWrite + ?Sized>(
    src: &str,
    facts: &Facts<'_>,
    out: &mut W,
) -> Result<(), TemplateError> {
    for piece in Pieces::new(src) {
        let (at, piece) = piece?;
        let too_long = |_| TemplateError::new(TemplateErrorKind::TooLong, at);
        match piece {
            Piece::Literal(text) => out.write_str(text).map_err(too_long)?,
            Piece::Field(field, spec) => {
                let value = Value::of(field, facts).ok_or_else(|| {
                    TemplateError::with_name(TemplateErrorKind::Unavailable, at, field.name())
                })?;
                value.write(&spec, out).map_err(too_long)?;
            }
        }
    }
    Ok(())
}

/// A fact ready to be written.
enum Value<'a> {
    /// A string fact, padded by its length in code points.
    Text(&'a str),
    /// An integer fact, in decimal.
    Int(Digits),
}

impl<'a> Value<'a> {
    /// The value of `field` in `facts`, if the fact is known.
    fn of(field: Field, facts: &Facts<'a>) -> Option<Self> {
        Some(match field {
            Field::Pid => Value::Int(Digits::of(facts.pid?)),
            Field::Uid => Value::Int(Digits::of(facts.uid?)),
            Field::Time => Value::Int(Digits::of(facts.time?)),
            Field::Hostname => Value::Text(facts.hostname?),
            Field::Program => Value::Text(facts.program?),
        })
    }

    /// Writes the value with its padding.
    fn write<W: uWrite + ?Sized>(&self, spec: &Spec<'_>, out: &mut W) -> Result<(), W::Error> {
        let (text, len) = match self {
            Value::Text(s) => (*s, s.chars().count()),
            Value::Int(d) => (d.as_str(), d.as_str().len()),
        };
        let (before, after) = spec.padding(len);
        for _ in 0..before {
            out.write_str(spec.fill)?;
        }
        out.write_str(text)?;
        for _ in 0..after {
            out.write_str(spec.fill)?;
        }
        Ok(())
    }
}

/// The decimal digits of an integer, written by `ufmt`.
pub(crate) struct Digits {
    buf: [u8; 20],
    len: usize,
}

impl Digits {
    /// Formats `n` (any of our integer facts: `u32` or `u64`, at most 20 digits).
    pub(crate) fn of<N: uDisplay>(n: N) -> Self {
        let mut digits = Digits {
            buf: [0; 20],
            len: 0,
        };
        // `Digits` only refuses input longer than 20 bytes, which no u64 produces.
        let _ = n.fmt(&mut ufmt::Formatter::new(&mut digits));
        digits
    }

    /// The digits.
    pub(crate) fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl uWrite for Digits {
    type Error = Full;

    fn write_str(&mut self, s: &str) -> Result<(), Full> {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(Full)?;
        // Same lengths; a zip (unlike `copy_from_slice`) has no panic path to link.
        for (d, b) in dst.iter_mut().zip(s.bytes()) {
            *d = b;
        }
        self.len = end;
        Ok(())
    }
}

/// A [`uWrite`] into a `heapless::String`; a write that does not fit is refused whole.
pub(crate) struct StringSink<const N: usize>(pub heapless::String<N>);

impl<const N: usize> uWrite for StringSink<N> {
    type Error = Full;

    fn write_str(&mut self, s: &str) -> Result<(), Full> {
        self.0.push_str(s).map_err(|_| Full)
    }
}

/// A [`uWrite`] into a `heapless::Vec<u8>`; a write that does not fit is refused whole.
pub(crate) struct BytesSink<const N: usize>(pub heapless::Vec<u8, N>);

impl<const N: usize> uWrite for BytesSink<N> {
    type Error = Full;

    fn write_str(&mut self, s: &str) -> Result<(), Full> {
        self.0.extend_from_slice(s.as_bytes()).map_err(|_| Full)
    }
}
