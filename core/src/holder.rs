//! Reading who holds a lock from a lock file's content.
//!
//! [`Holder::parse`] is the reverse of [`Stamp::render`](crate::Stamp::render): it strips
//! the framing and, when the rest matches the template, recovers the fields. Any bytes at
//! all are valid input: garbage gives a holder with no fields, never an error or a panic,
//! and the work is bounded (content longer than [`Holder::MATCH_LIMIT`] is not matched at all).
//!
//! # How content is matched
//!
//! The template's literal text is matched exactly, in order. A field ends where the
//! literal text after it starts (its leftmost occurrence; the template's trailing text is
//! anchored at the end of the content), so a hostname that contains the separator that
//! follows it in the template (`-` in `{hostname}-{pid}`) is not recovered. When two fields
//! touch (`{pid}{hostname}`), an integer field takes the digits (and its padding) and the
//! next field the rest; a text field followed directly by another field cannot be split,
//! and such content gives no fields.
//!
//! Padding is removed on the side(s) the spec pads. For integers, a digit fill that makes
//! the value ambiguous (`{pid:0<5}` renders both 123 and 1230 as `12300`) gives no value
//! for that field; `0` padding on the left (`{pid:05}`) is just leading zeros. For text,
//! the fill is stripped greedily, so a value that itself ends (or starts) with the fill
//! character on a padded side comes back shorter.
//!
//! A field the template names more than once (`{pid}-{pid}`) has a value only when every
//! occurrence decodes to the same value; occurrences that disagree give `None`.

use crate::template::{Align, Piece, Pieces, Spec, Template};
use crate::Field;

/// Who holds a lock, as recovered from the lock file's bytes.
///
/// ```
/// use lockstamp_core::{Holder, Template};
///
/// let template = Template::parse("{pid};{hostname}")?;
/// let holder = Holder::parse(b" 11170;vm\n", &template);
/// assert_eq!(holder.pid(), Some(11170));
/// assert_eq!(holder.hostname(), Some("vm"));
/// assert_eq!(holder.content(), b"11170;vm");
///
/// let garbage = Holder::parse(b"\xff\xfe not a stamp", &template);
/// assert!(!garbage.matched() && garbage.pid().is_none());
/// # Ok::<(), lockstamp_core::TemplateError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder<'a> {
    content: &'a [u8],
    matched: bool,
    pid: Option<u32>,
    hostname: Option<&'a str>,
    uid: Option<u32>,
    program: Option<&'a str>,
    time: Option<u64>,
}

impl<'a> Holder<'a> {
    /// Content longer than this many bytes (after the framing is stripped) is kept as raw
    /// content but never matched: a stamp is at most
    /// [`STAMP_CAPACITY`](crate::STAMP_CAPACITY) bytes, and this bounds the matcher's work
    /// to `MATCH_LIMIT * template length`.
    pub const MATCH_LIMIT: usize = 512;

    /// Parses lock-file content; any bytes are valid input.
    ///
    /// The framing removed is one leading space (zc.lockfile's, absent when another tool
    /// wrote the file) and every trailing `\n` or `\r`. The fields are recovered only when
    /// all of the template's literal text matched.
    pub fn parse(content: &'a [u8], template: &Template<'_>) -> Holder<'a> {
        let content = strip_framing(content);
        let mut holder = Holder {
            content,
            matched: false,
            pid: None,
            hostname: None,
            uid: None,
            program: None,
            time: None,
        };
        if content.len() <= Self::MATCH_LIMIT {
            let mut found = Found::default();
            if match_pieces(content, template.pieces(), &mut found).is_some() {
                holder.matched = true;
                holder.pid = found.int(Field::Pid).and_then(|v| u32::try_from(v).ok());
                holder.uid = found.int(Field::Uid).and_then(|v| u32::try_from(v).ok());
                holder.time = found.int(Field::Time);
                holder.hostname = found.text(Field::Hostname);
                holder.program = found.text(Field::Program);
            }
        }
        holder
    }

    /// Parses content written with zc.lockfile's default template, `{pid}`.
    pub fn parse_default(content: &'a [u8]) -> Holder<'a> {
        Holder::parse(content, &Template::default())
    }

    /// The content without the stamp framing.
    pub fn content(&self) -> &'a [u8] {
        self.content
    }

    /// Whether the content matched the template (its literal text, in order).
    pub fn matched(&self) -> bool {
        self.matched
    }

    /// The holder's process id, from `{pid}`.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The holder's host name, from `{hostname}`.
    pub fn hostname(&self) -> Option<&'a str> {
        self.hostname
    }

    /// The holder's user id, from `{uid}`.
    pub fn uid(&self) -> Option<u32> {
        self.uid
    }

    /// The holder's program name, from `{program}`.
    pub fn program(&self) -> Option<&'a str> {
        self.program
    }

    /// When the holder took the lock (Unix seconds), from `{time}`.
    pub fn time(&self) -> Option<u64> {
        self.time
    }
}

/// Removes one leading space and every trailing `\n` / `\r`.
fn strip_framing(content: &[u8]) -> &[u8] {
    let content = content.strip_prefix(b" ").unwrap_or(content);
    let end = content
        .iter()
        .rposition(|b| *b != b'\n' && *b != b'\r')
        .map_or(0, |i| i + 1);
    content.get(..end).unwrap_or(&[])
}

/// The value of each field found. A field that occurs more than once keeps its value only
/// when every occurrence decodes to the same value (`{pid}-{pid:05}` reads `12-00012` as
/// 12); occurrences that disagree (`12-34`), or one that cannot be decoded, give no value.
#[derive(Default)]
struct Found<'a> {
    slots: [Slot<'a>; 5],
}

/// What is known of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Slot<'a> {
    /// Not in the template (or not reached).
    #[default]
    Missing,
    /// Every occurrence so far decodes to this (`None`: could not be decoded).
    Seen(Option<Value<'a>>),
    /// Two occurrences decode differently.
    Disagree,
}

/// A decoded field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value<'a> {
    Int(u64),
    Text(&'a str),
}

impl<'a> Found<'a> {
    fn put(&mut self, field: Field, text: &'a [u8], spec: Spec<'_>) {
        let value = decode(field, text, &spec);
        if let Some(slot) = self.slots.get_mut(field as usize) {
            *slot = match *slot {
                Slot::Missing => Slot::Seen(value),
                Slot::Seen(seen) if seen == value => Slot::Seen(value),
                Slot::Seen(_) | Slot::Disagree => Slot::Disagree,
            };
        }
    }

    fn value(&self, field: Field) -> Option<Value<'a>> {
        match self.slots.get(field as usize) {
            Some(Slot::Seen(value)) => *value,
            _ => None,
        }
    }

    /// The integer value of `field`, if found and unambiguous.
    fn int(&self, field: Field) -> Option<u64> {
        match self.value(field)? {
            Value::Int(value) => Some(value),
            Value::Text(_) => None,
        }
    }

    /// The text value of `field`, if found, valid UTF-8 and not empty.
    fn text(&self, field: Field) -> Option<&'a str> {
        match self.value(field)? {
            Value::Text(value) => Some(value),
            Value::Int(_) => None,
        }
    }
}

/// Decodes one occurrence of `field`: an integer (unpadded, unambiguous, in range) or
/// non-empty UTF-8 text (unpadded).
fn decode<'a>(field: Field, text: &'a [u8], spec: &Spec<'_>) -> Option<Value<'a>> {
    let text = core::str::from_utf8(text).ok()?;
    if field.is_text() {
        unpad(text, spec, false)
            .filter(|s| !s.is_empty())
            .map(Value::Text)
    } else {
        let text = unpad(text, spec, true)?;
        parse_decimal(text.trim_matches(|c: char| c.is_ascii_whitespace())).map(Value::Int)
    }
}

/// Matches `content` against the template's pieces, recording each field's text in
/// `found`; `None` when the literal text does not match.
fn match_pieces<'a, 't>(
    content: &'a [u8],
    mut pieces: Pieces<'t>,
    found: &mut Found<'a>,
) -> Option<()> {
    let mut pos = 0;
    // A field whose end is not known yet.
    let mut open: Option<(Field, Spec<'t>)> = None;
    loop {
        let before = pieces.clone();
        let Some(piece) = pieces.next() else {
            if let Some((field, spec)) = open {
                found.put(field, content.get(pos..)?, spec);
            }
            return (open.is_some() || pos == content.len()).then_some(());
        };
        match piece.ok()?.1 {
            Piece::Literal(text) => {
                let Some((field, spec)) = open.take() else {
                    let rest = content.get(pos..)?;
                    pos += text.len();
                    if !rest.starts_with(text.as_bytes()) {
                        return None;
                    }
                    continue;
                };
                // The run of literal pieces from here to the next field (or the end).
                let (len, count, last) = literal_run(before.clone());
                let at = if last {
                    content.len().checked_sub(len).filter(|at| *at >= pos)?
                } else {
                    (pos..=content.len().saturating_sub(len))
                        .find(|at| run_matches(content, *at, before.clone(), count))?
                };
                if !run_matches(content, at, before, count) {
                    return None;
                }
                found.put(field, content.get(pos..at)?, spec);
                pos = at + len;
                for _ in 1..count {
                    pieces.next();
                }
            }
            Piece::Field(field, spec) => {
                if let Some((prev, prev_spec)) = open {
                    let end = pos + int_prefix(content.get(pos..)?, &prev_spec, prev)?;
                    found.put(prev, content.get(pos..end)?, prev_spec);
                    pos = end;
                }
                open = Some((field, spec));
            }
        }
    }
}

/// The literal run starting at `pieces`: its length in bytes, how many pieces it has, and
/// whether it ends the template.
fn literal_run(pieces: Pieces<'_>) -> (usize, usize, bool) {
    let (mut len, mut count) = (0, 0);
    for piece in pieces {
        match piece {
            Ok((_, Piece::Literal(text))) => {
                len += text.len();
                count += 1;
            }
            _ => return (len, count, false),
        }
    }
    (len, count, true)
}

/// Whether the first `count` (literal) pieces match `content` at `at`.
fn run_matches(content: &[u8], mut at: usize, pieces: Pieces<'_>, count: usize) -> bool {
    for piece in pieces.take(count) {
        let Ok((_, Piece::Literal(text))) = piece else {
            return false;
        };
        match content.get(at..) {
            Some(rest) if rest.starts_with(text.as_bytes()) => at += text.len(),
            _ => return false,
        }
    }
    true
}

/// How many bytes of `rest` an integer `field` takes when another field follows directly:
/// leading padding, the digits, trailing padding up to the width. `None` for text fields
/// and when there are no digits.
fn int_prefix(rest: &[u8], spec: &Spec<'_>, field: Field) -> Option<usize> {
    if field.is_text() {
        return None;
    }
    let fill = spec.fill.as_bytes();
    let width = usize::from(spec.width);
    let fill_is_digit = fill.first().is_some_and(u8::is_ascii_digit);
    let mut at = 0;
    let mut chars = 0;
    if spec.align != Align::Left && !fill_is_digit {
        while chars < width && rest.get(at..).is_some_and(|r| r.starts_with(fill)) {
            at += fill.len();
            chars += 1;
        }
    }
    let digits = rest
        .get(at..)?
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 {
        return None;
    }
    at += digits;
    chars += digits;
    if spec.align != Align::Right && !fill_is_digit {
        while chars < width && rest.get(at..).is_some_and(|r| r.starts_with(fill)) {
            at += fill.len();
            chars += 1;
        }
    }
    Some(at)
}

/// Removes the padding `spec` adds; `None` when an integer's digit fill makes it ambiguous.
fn unpad<'a>(text: &'a str, spec: &Spec<'_>, int: bool) -> Option<&'a str> {
    let Some(fill) = spec.fill.chars().next() else {
        return Some(text);
    };
    if spec.width == 0 || text.chars().count() > usize::from(spec.width) {
        return Some(text); // no padding was added
    }
    if int && fill.is_ascii_digit() {
        // Leading zeros are harmless; any other digit padding hides the value.
        return (fill == '0' && spec.align == Align::Right).then_some(text);
    }
    Some(match spec.align {
        Align::Left => text.trim_end_matches(fill),
        Align::Right => text.trim_start_matches(fill),
        Align::Center => text.trim_matches(fill),
    })
}

/// Parses ASCII decimal digits; `None` when empty, not digits, or over `u64::MAX`.
fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |value, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

#[cfg(test)]
mod tests;
