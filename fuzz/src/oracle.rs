//! A reference model of the template language, written from DESIGN §3 and CPython 3.11's
//! `str.format` (`Objects/stringlib/unicode_format.h`, `Python/formatter_unicode.c`).
//!
//! It allocates and is slow; it exists so the `template` target can check that every
//! template the real parser accepts renders exactly as Python would render it.
//! Cases where the subset's rules do not say what to do are reported as [`Parsed::Corner`]
//! and not compared.

use lockstamp_core::{Facts, Field};

/// A parsed format spec `[[fill]align][0][width]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Fill character (Python's default is a space).
    pub fill: char,
    /// `<`, `>`, `^`, `=`, or `None` for the type's default.
    pub align: Option<char>,
    /// Minimum width in characters.
    pub width: usize,
}

/// A piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text, braces already unescaped.
    Lit(String),
    /// A field and its spec.
    Field(Field, Spec),
}

/// What the model says about a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Valid in the subset; the pieces.
    Ok(Vec<Piece>),
    /// Invalid in the subset (or in Python).
    Reject,
    /// The subset's rules are ambiguous here; not compared.
    Corner,
}

/// Parses `src` as the subset of `str.format` in DESIGN §3.
pub fn parse(src: &str) -> Parsed {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if matches!(chars.peek(), Some((_, '{'))) => {
                chars.next();
                lit.push('{');
            }
            '}' if matches!(chars.peek(), Some((_, '}'))) => {
                chars.next();
                lit.push('}');
            }
            '}' => return Parsed::Reject,
            '{' => {
                let rest = &src[i + 1..];
                let Some(end) = rest.find('}') else {
                    return Parsed::Reject;
                };
                let inner = &rest[..end];
                if inner.contains('{') || inner.contains('[') {
                    return Parsed::Corner;
                }
                let piece = match field(inner) {
                    Parsed::Ok(mut p) => p.pop(),
                    other => return other,
                };
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(core::mem::take(&mut lit)));
                }
                pieces.extend(piece);
                // Skip the field's characters and its closing brace.
                while let Some((j, _)) = chars.peek() {
                    if *j > i + end + 1 {
                        break;
                    }
                    chars.next();
                }
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    Parsed::Ok(pieces)
}

/// Parses the inside of `{...}`.
fn field(inner: &str) -> Parsed {
    let name_end = inner.find([':', '!']).unwrap_or(inner.len());
    let name = &inner[..name_end];
    if inner[name_end..].starts_with('!') {
        return Parsed::Reject; // conversion (or something after the name Python rejects)
    }
    let Some(field) = Field::from_name(name) else {
        return Parsed::Reject; // empty, positional, unknown, attribute access
    };
    let spec = inner.get(name_end + 1..).unwrap_or("");
    match parse_spec(spec, field) {
        Ok(Some(spec)) => Parsed::Ok(vec![Piece::Field(field, spec)]),
        Ok(None) => Parsed::Corner,
        Err(()) => Parsed::Reject,
    }
}

/// `Ok(None)` for a corner case, `Err` for a spec outside the subset.
fn parse_spec(spec: &str, field: Field) -> Result<Option<Spec>, ()> {
    let chars: Vec<char> = spec.chars().collect();
    let is_align = |c: &char| matches!(c, '<' | '>' | '^' | '=');
    let mut pos = 0;
    let mut fill = None;
    let mut align = None;
    if chars.len() >= 2 && is_align(&chars[1]) {
        fill = Some(chars[0]);
        align = Some(chars[1]);
        pos = 2;
    } else if chars.first().is_some_and(is_align) {
        align = Some(chars[0]);
        pos = 1;
    }
    if field.is_text() && align == Some('=') {
        return Err(()); // "'=' alignment not allowed in string format specifier"
    }
    let mut zero = false;
    if fill.is_none() && chars.get(pos) == Some(&'0') {
        zero = true;
        pos += 1;
    }
    let digits: String = chars[pos..].iter().collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(()); // sign, '#', grouping, precision, type: outside the subset
    }
    if zero && field.is_text() {
        return Ok(None); // Python 3.10+ pads 'ab' to 'ab000'; older versions reject
    }
    if digits.len() > 3 {
        return if digits.starts_with('0') {
            Ok(None)
        } else {
            Err(())
        };
    }
    let width = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| ())?
    };
    let (fill, align) = match (zero, align) {
        (true, None) => ('0', Some('=')),
        (true, a) => ('0', a),
        (false, a) => (fill.unwrap_or(' '), a),
    };
    Ok(Some(Spec { fill, align, width }))
}

/// Why the model could not render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing(pub Field);

/// Renders `pieces` as Python's `str.format(**facts)` would.
pub fn render(pieces: &[Piece], facts: &Facts<'_>) -> Result<String, Missing> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Lit(s) => out.push_str(s),
            Piece::Field(f, spec) => {
                let value = value(*f, facts).ok_or(Missing(*f))?;
                pad(&mut out, &value, f.is_text(), spec);
            }
        }
    }
    Ok(out)
}

/// The fact's text, as `str(value)`.
pub fn value(field: Field, facts: &Facts<'_>) -> Option<String> {
    match field {
        Field::Pid => facts.pid.map(|v| v.to_string()),
        Field::Hostname => facts.hostname.map(str::to_owned),
        Field::Uid => facts.uid.map(|v| v.to_string()),
        Field::Program => facts.program.map(str::to_owned),
        Field::Time => facts.time.map(|v| v.to_string()),
    }
}

fn pad(out: &mut String, value: &str, text: bool, spec: &Spec) {
    let len = value.chars().count();
    let pad = spec.width.saturating_sub(len);
    let align = spec.align.unwrap_or(if text { '<' } else { '>' });
    let (left, right) = match align {
        '<' => (0, pad),
        '^' => (pad / 2, pad - pad / 2),
        _ => (pad, 0), // '>' and '=' (unsigned numbers have no sign to pad after)
    };
    out.extend(core::iter::repeat_n(spec.fill, left));
    out.push_str(value);
    out.extend(core::iter::repeat_n(spec.fill, right));
}

/// The fewest bytes any rendering of `pieces` can take (literals plus widths).
pub fn min_len(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => s.len(),
            Piece::Field(f, spec) if f.is_text() => spec.width,
            Piece::Field(_, spec) => spec.width.max(1),
        })
        .sum()
}
