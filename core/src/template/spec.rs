//! Format specs: `[[fill]align][0][width]`, resolved the way Python resolves them.
//!
//! Python's rules (CPython `Objects/stringlib/unicode_format.h`, `parse_internal_render_format_spec`),
//! restricted to what we accept:
//!
//! - a fill is recognised only when the *second* character is an alignment; any character
//!   may be a fill (also `:`, `!`, `0`, a tab or a multi-byte character), except `{` and `}`
//!   which the field syntax claims first;
//! - a `0` right before the width, *when no fill was given*, sets the fill to `0`; for
//!   integers without an explicit alignment it also selects `=` (sign-aware, which for our
//!   unsigned values is the same as `>`). For strings it keeps the default left alignment,
//!   so `{hostname:05}` renders `vm000` (Python 3.10 and later);
//! - when a fill *was* given, that `0` is just a leading digit of the width;
//! - `=` on a string is an error (`'=' alignment not allowed in string format specifier`).

use super::error::{TemplateError, TemplateErrorKind};
use crate::facts::Field;

/// Where padding goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// `<`: value first, padding after.
    Left,
    /// `>` or `=`: padding first (our values have no sign, so `=` is the same as `>`).
    Right,
    /// `^`: half before, the rest (the bigger half) after.
    Center,
}

/// A resolved spec for one field of a known type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spec<'t> {
    /// The fill character, as a slice of the template (or `" "` / `"0"`).
    pub fill: &'t str,
    /// The alignment after Python's defaults are applied.
    pub align: Align,
    /// Minimum width in characters (code points); 0 means no padding.
    pub width: u16,
}

impl Spec<'static> {
    /// The spec of a field without `:`: no padding.
    pub(crate) const fn plain(field: Field) -> Self {
        Spec {
            fill: " ",
            align: if field.is_text() {
                Align::Left
            } else {
                Align::Right
            },
            width: 0,
        }
    }
}

impl<'t> Spec<'t> {
    /// Parses the spec text `s` (between `:` and `}`) of a `field`; `at` is its offset in
    /// the template, used for error offsets.
    pub(crate) fn parse(s: &'t str, at: usize, field: Field) -> Result<Self, TemplateError> {
        let unsupported = |i: usize| TemplateError::new(TemplateErrorKind::UnsupportedSpec, at + i);
        let mut chars = s.char_indices();
        let first = chars.next();
        let second = chars.next();

        // [[fill]align]
        let (fill, align_char, align_at, mut i) = match (first, second) {
            (Some(_), Some((j, a))) if align_of(a).is_some() => {
                (s.get(..j), Some(a), j, j + a.len_utf8())
            }
            (Some((_, a)), _) if align_of(a).is_some() => (None, Some(a), 0, 1),
            _ => (None, None, 0, 0),
        };
        let rest = s.as_bytes().get(i..).unwrap_or(&[]);

        // [0]
        let zero = rest.first() == Some(&b'0');
        if zero {
            i += 1;
        }

        // [width]: at most 3 digits
        let digits_at = i;
        let mut width: u16 = 0;
        for &b in s.as_bytes().get(i..).unwrap_or(&[]) {
            if !b.is_ascii_digit() {
                break;
            }
            if i - digits_at == 3 {
                return Err(unsupported(digits_at));
            }
            width = width * 10 + u16::from(b - b'0');
            i += 1;
        }
        if i < s.len() {
            // A sign, `#`, `,`, `_`, a precision, a type, or a second spec.
            return Err(unsupported(i));
        }

        if field.is_text() && align_char == Some('=') {
            // Python: "'=' alignment not allowed in string format specifier".
            return Err(unsupported(align_at));
        }

        let fill = match fill {
            Some(f) => f,
            None if zero => "0",
            None => " ",
        };
        let align = match align_char.and_then(align_of) {
            Some(a) => a,
            None => Spec::plain(field).align,
        };
        Ok(Spec { fill, align, width })
    }

    /// The padding `(before, after)` in fill characters for a value of `len` characters.
    pub(crate) fn padding(&self, len: usize) -> (usize, usize) {
        let pad = usize::from(self.width).saturating_sub(len);
        match self.align {
            Align::Left => (0, pad),
            Align::Right => (pad, 0),
            Align::Center => (pad / 2, pad - pad / 2),
        }
    }
}

/// The alignment an align character stands for.
fn align_of(c: char) -> Option<Align> {
    match c {
        '<' => Some(Align::Left),
        '>' | '=' => Some(Align::Right),
        '^' => Some(Align::Center),
        _ => None,
    }
}
