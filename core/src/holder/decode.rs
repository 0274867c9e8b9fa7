//! Decoding one field's text (padding, integers, text) and the reading being assembled.

use crate::template::{Align, Spec};
use crate::Field;

/// How well one occurrence of a field fits, worst first (a search needs a minimum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Fit {
    /// Not a value of the field's type, or a value another occurrence contradicts.
    Invalid,
    /// A value, but not written the way lockstamp writes it (`01` for 1, ` 7` for 7).
    Decodes,
    /// Exactly what rendering the value writes (for digit padding that hides the value:
    /// digits exactly as wide as the spec).
    Exact,
}

/// The value of each field found. A field that occurs more than once keeps its value only
/// when every occurrence decodes to the same value (`{pid}-{pid:05}` reads `12-00012` as
/// 12); occurrences that disagree (`12-34`), or one that cannot be decoded, give no value.
#[derive(Default)]
pub(super) struct Found<'a> {
    slots: [Slot<'a>; 5],
}

/// What is known of one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Slot<'a> {
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
pub(super) enum Value<'a> {
    Int(u64),
    Text(&'a str),
}

impl<'a> Found<'a> {
    /// Records one occurrence of `field`; how well it fits (`Invalid` when it contradicts
    /// an earlier occurrence).
    pub(super) fn put(&mut self, field: Field, text: &'a [u8], spec: Spec<'_>) -> Fit {
        let (value, fit) = decode(field, text, &spec);
        let Some(slot) = self.slots.get_mut(field as usize) else {
            return Fit::Invalid;
        };
        *slot = match *slot {
            Slot::Missing => Slot::Seen(value),
            Slot::Seen(seen) if seen == value => Slot::Seen(value),
            Slot::Seen(_) | Slot::Disagree => Slot::Disagree,
        };
        if *slot == Slot::Disagree {
            Fit::Invalid
        } else {
            fit
        }
    }

    fn value(&self, field: Field) -> Option<Value<'a>> {
        match self.slots.get(field as usize) {
            Some(Slot::Seen(value)) => *value,
            _ => None,
        }
    }

    /// The integer value of `field`, if found and unambiguous.
    pub(super) fn int(&self, field: Field) -> Option<u64> {
        match self.value(field)? {
            Value::Int(value) => Some(value),
            Value::Text(_) => None,
        }
    }

    /// The text value of `field`, if found, valid UTF-8 and not empty.
    pub(super) fn text(&self, field: Field) -> Option<&'a str> {
        match self.value(field)? {
            Value::Text(value) => Some(value),
            Value::Int(_) => None,
        }
    }
}

/// Decodes one occurrence of `field`: an integer (unpadded, unambiguous, in the range of
/// its fact: `u32` for `pid` and `uid`, `u64` for `time`) or
/// non-empty UTF-8 text (unpadded); and how well `text` fits the field.
pub(super) fn decode<'a>(
    field: Field,
    text: &'a [u8],
    spec: &Spec<'_>,
) -> (Option<Value<'a>>, Fit) {
    let Ok(text) = core::str::from_utf8(text) else {
        return (None, Fit::Invalid);
    };
    if field.is_text() {
        return match unpad(text, spec, false).filter(|s| !s.is_empty()) {
            Some(value) => (Some(Value::Text(value)), renders(value, spec, text)),
            None => (None, Fit::Invalid),
        };
    }
    let Some(unpadded) = unpad(text, spec, true) else {
        // Digit padding hides the value; rendered, it is digits exactly `width` wide.
        let fit = if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            Fit::Invalid
        } else if text.len() == usize::from(spec.width) {
            Fit::Exact
        } else {
            Fit::Decodes
        };
        return (None, fit);
    };
    let digits = unpadded.trim_matches(|c: char| c.is_ascii_whitespace());
    let max = match field {
        Field::Time => u64::MAX,
        _ => u64::from(u32::MAX),
    };
    match parse_decimal(digits).filter(|value| *value <= max) {
        Some(value) => {
            // Rendered, the value has no leading zeros (other than a lone `0`).
            let shortest = match digits.trim_start_matches('0') {
                "" => "0",
                shortest => shortest,
            };
            (Some(Value::Int(value)), renders(shortest, spec, text))
        }
        None => (None, Fit::Invalid),
    }
}

/// `Exact` when `value` padded as `spec` pads it is exactly `text`, else `Decodes`.
pub(super) fn renders(value: &str, spec: &Spec<'_>, text: &str) -> Fit {
    let (before, after) = spec.padding(value.chars().count());
    let exact = strip_fill(text, spec.fill, before)
        .and_then(|rest| rest.strip_prefix(value))
        .and_then(|rest| strip_fill(rest, spec.fill, after))
        .is_some_and(str::is_empty);
    if exact {
        Fit::Exact
    } else {
        Fit::Decodes
    }
}

/// `text` without `count` leading copies of `fill`, if it has them.
pub(super) fn strip_fill<'s>(mut text: &'s str, fill: &str, count: usize) -> Option<&'s str> {
    for _ in 0..count {
        text = text.strip_prefix(fill)?;
    }
    Some(text)
}

/// How many bytes of `rest` an integer `field` takes when another field follows directly:
/// leading padding, the digits, trailing padding up to the width. `None` for text fields
/// and when there are no digits.
pub(super) fn int_prefix(rest: &[u8], spec: &Spec<'_>, field: Field) -> Option<usize> {
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
pub(super) fn unpad<'a>(text: &'a str, spec: &Spec<'_>, int: bool) -> Option<&'a str> {
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
pub(super) fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0u64, |value, b| {
        let digit = b.checked_sub(b'0').filter(|d| *d <= 9)?;
        value.checked_mul(10)?.checked_add(u64::from(digit))
    })
}
