//! Reading who holds a lock from a lock file's content.
//!
//! [`Holder::parse`] is the reverse of [`Stamp::render`](crate::Stamp::render): it strips
//! the framing and, when the rest matches the template, recovers the fields. Any bytes at
//! all are valid input: garbage gives a holder with no fields, never an error or a panic,
//! and the work is bounded (content longer than [`Holder::MATCH_LIMIT`] is not matched at all).
//!
//! # How content is matched
//!
//! The template's literal text is matched exactly, in order; its trailing text is anchored
//! at the end of the content. A field followed by literal text may end at any occurrence
//! of that text, so more than one reading can fit: `{hostname}-{pid}` over `web-01-4242`
//! could split after `web` or after `web-01`. Splits are tried leftmost first, and the
//! first *complete* reading wins: every literal matches, every field decodes (an integer
//! is decimal digits in range once its padding is removed; text is non-empty UTF-8), and
//! a field named more than once has the same value everywhere. A reading in which every
//! field is written exactly as [`Stamp::render`](crate::Stamp::render) writes it is
//! preferred to one that merely decodes (`01` for 1), so `{hostname}-{pid}-{program}` reads
//! `web-01-4242-cron` as `web-01`, 4242, `cron`, not as `web`, 1, `4242-cron`. Where the
//! content truly has several readings (`{hostname}-{program}` over `a-b-c`), the one with
//! the shortest leading fields wins; it renders back to the same content.
//!
//! When no complete reading exists, the fields come from the leftmost split alone, as far
//! as they decode (`abc;vm` with `{pid};{hostname}` gives host `vm` and no pid). Content
//! lockstamp did not write can then yield a wrong field (`web-01-x` with `{hostname}-{pid}`
//! gives host `web`).
//!
//! The search is bounded: at most [`Holder::SEARCH_LIMIT`] candidate readings are checked,
//! each in about one pass over the content and the template. Content that needs more
//! (many separators and no complete reading: hostile content, not a stamp lockstamp
//! wrote) gives no fields and does not match. Only the first 32 fields followed by literal text are tried at more than one
//! split; later ones end at the leftmost occurrence.
//!
//! When two fields touch (`{pid}{hostname}`), an integer field takes the digits (and its
//! padding) and the next field the rest; a text field followed directly by another field
//! cannot be split, and such content gives no fields.
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
    /// [`STAMP_CAPACITY`](crate::STAMP_CAPACITY) bytes, and this bounds the work of each
    /// candidate reading to `MATCH_LIMIT * template length`.
    pub const MATCH_LIMIT: usize = 512;

    /// At most this many candidate readings (splits of the content among the fields) are
    /// checked per parse; content that needs more gives no fields (see the module docs).
    /// A stamp lockstamp wrote needs one check per occurrence of a separator inside a
    /// field's value, far fewer than this.
    pub const SEARCH_LIMIT: usize = 4096;

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
            let mut budget = Self::SEARCH_LIMIT;
            if let Some(found) = read(content, template, &mut budget) {
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

    /// Whether the content matched the template (its literal text, in order); `false`
    /// also when the search for a reading gave up (see [`SEARCH_LIMIT`](Self::SEARCH_LIMIT)).
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

/// How many fields followed by literal text the search tries at more than one split.
const MAX_CHOICES: usize = 32;

/// Where each choice (a field followed by literal text, in template order) may split at
/// the earliest: the search's backtracking stack, one entry per choice tried so far.
type Floors = heapless::Vec<usize, MAX_CHOICES>;

/// The reading of `content` to report: the first complete one that renders exactly, else
/// the first complete one, else the leftmost split's (fields as far as they decode).
/// `None` when the literal text does not match, or when `budget` (candidate checks) ran
/// out first.
fn read<'a>(content: &'a [u8], template: &Template<'_>, budget: &mut usize) -> Option<Found<'a>> {
    let mut inexact = false;
    for need in [Fit::Exact, Fit::Decodes] {
        match search(content, template, need, budget, &mut inexact) {
            Search::Found(found) => return Some(found),
            Search::GaveUp => return None,
            // Nothing was turned down for being inexact: a looser search finds nothing.
            Search::Nothing if !inexact => break,
            Search::Nothing => {}
        }
    }
    let mut found = Found::default();
    attempt(
        content,
        template.pieces(),
        Fit::Invalid,
        &mut Floors::new(),
        &mut found,
    )
    .ok()?;
    Some(found)
}

/// What a search for a complete reading found.
enum Search<'a> {
    /// The first complete reading, leftmost splits first.
    Found(Found<'a>),
    /// Every candidate was checked; none is complete.
    Nothing,
    /// The budget ran out first.
    GaveUp,
}

/// Depth-first search, without recursion, for the first reading in which every field fits
/// at least `need`. Each attempt replays the template from the start with the splits on
/// the `Floors` stack and costs one unit of `budget`; a failed attempt moves the deepest
/// split it made to the next occurrence of its literal text (dropping the choices after
/// it), so the splits only ever move right and the search ends.
fn search<'a>(
    content: &'a [u8],
    template: &Template<'_>,
    need: Fit,
    budget: &mut usize,
    inexact: &mut bool,
) -> Search<'a> {
    let mut floors = Floors::new();
    loop {
        let Some(left) = budget.checked_sub(1) else {
            return Search::GaveUp;
        };
        *budget = left;
        let mut found = Found::default();
        let fail = match attempt(content, template.pieces(), need, &mut floors, &mut found) {
            Ok(()) => return Search::Found(found),
            Err(fail) => fail,
        };
        *inexact |= fail.inexact;
        let Some(level) = fail.retry else {
            return Search::Nothing;
        };
        floors.truncate(level + 1);
        match floors.get_mut(level) {
            Some(floor) => *floor = floor.saturating_add(1),
            None => return Search::Nothing,
        }
    }
}

/// Why an attempt failed, and where the search goes on.
#[derive(Debug, Clone, Copy)]
struct Fail {
    /// The deepest choice on the stack whose split this attempt made: the next attempt
    /// moves it on. `None`: no split is left to move, there is no complete reading.
    retry: Option<usize>,
    /// A field was turned down only because it was not written exactly.
    inexact: bool,
}

/// Whether a field that fits `fit` is good enough for an attempt that needs `need`.
fn enough(fit: Fit, need: Fit, fail: &mut Fail) -> Result<(), Fail> {
    if fit >= need {
        return Ok(());
    }
    fail.inexact |= fit == Fit::Decodes;
    Err(*fail)
}

/// Matches `content` against `pieces` once, recording each field in `found`. The `k`-th
/// choice (a field followed by literal text that is not the template's end) ends at the
/// first occurrence of that text at or after `floors[k]`, or the leftmost one when the
/// stack has no entry `k` (the split is then pushed, if there is room). Fails when a
/// literal does not match or a field fits worse than `need`.
fn attempt<'a>(
    content: &'a [u8],
    mut pieces: Pieces<'_>,
    need: Fit,
    floors: &mut Floors,
    found: &mut Found<'a>,
) -> Result<(), Fail> {
    let mut fail = Fail {
        retry: None,
        inexact: false,
    };
    let mut pos = 0;
    let mut level = 0;
    // A field whose end is not known yet.
    let mut open: Option<(Field, Spec<'_>)> = None;
    loop {
        let before = pieces.clone();
        let Some(piece) = pieces.next() else {
            return match open {
                Some((field, spec)) => {
                    let text = content.get(pos..).ok_or(fail)?;
                    enough(found.put(field, text, spec), need, &mut fail)
                }
                None if pos == content.len() => Ok(()),
                None => Err(fail),
            };
        };
        let Ok((_, piece)) = piece else {
            return Err(fail);
        };
        match piece {
            Piece::Literal(text) => {
                let Some((field, spec)) = open.take() else {
                    let rest = content.get(pos..).ok_or(fail)?;
                    if !rest.starts_with(text.as_bytes()) {
                        return Err(fail);
                    }
                    pos += text.len();
                    continue;
                };
                // The run of literal pieces from here to the next field (or the end).
                let (len, count, last) = literal_run(before.clone());
                let earlier = fail.retry;
                let at = if last {
                    content.len().checked_sub(len).filter(|at| *at >= pos)
                } else {
                    let floor = floors.get(level).map_or(pos, |floor| pos.max(*floor));
                    let at = (floor..=content.len().saturating_sub(len))
                        .find(|at| run_matches(content, *at, before.clone(), count));
                    if let Some(at) = at {
                        if let Some(slot) = floors.get_mut(level) {
                            *slot = at;
                            fail.retry = Some(level);
                        } else if floors.len() == level && floors.push(at).is_ok() {
                            fail.retry = Some(level);
                        }
                    }
                    level += 1;
                    at
                };
                let at = at.ok_or(fail)?;
                if !run_matches(content, at, before, count) {
                    return Err(fail);
                }
                let text = content.get(pos..at).ok_or(fail)?;
                let fit = found.put(field, text, spec);
                if fit == Fit::Invalid && dead_end(field, text, &spec) {
                    // No later split of this field can decode: move an earlier one on.
                    fail.retry = earlier;
                }
                enough(fit, need, &mut fail)?;
                pos = at + len;
                for _ in 1..count {
                    pieces.next();
                }
            }
            Piece::Field(field, spec) => {
                if let Some((prev, prev_spec)) = open {
                    let rest = content.get(pos..).ok_or(fail)?;
                    let end = pos + int_prefix(rest, &prev_spec, prev).ok_or(fail)?;
                    let text = content.get(pos..end).ok_or(fail)?;
                    enough(found.put(prev, text, prev_spec), need, &mut fail)?;
                    pos = end;
                }
                open = Some((field, spec));
            }
        }
    }
}

/// Whether no text that starts with `text` decodes as `field`: an integer field whose
/// text has an ASCII byte that is not a digit, white space or the fill. (Text fields and
/// non-ASCII bytes, which may belong to a longer character, are never a dead end.)
fn dead_end(field: Field, text: &[u8], spec: &Spec<'_>) -> bool {
    !field.is_text()
        && text.iter().any(|b| {
            b.is_ascii()
                && !b.is_ascii_digit()
                && !b.is_ascii_whitespace()
                && !spec.fill.as_bytes().contains(b)
        })
}

/// How well one occurrence of a field fits, worst first (a search needs a minimum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
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
    /// Records one occurrence of `field`; how well it fits (`Invalid` when it contradicts
    /// an earlier occurrence).
    fn put(&mut self, field: Field, text: &'a [u8], spec: Spec<'_>) -> Fit {
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

/// Decodes one occurrence of `field`: an integer (unpadded, unambiguous, in the range of
/// its fact: `u32` for `pid` and `uid`, `u64` for `time`) or
/// non-empty UTF-8 text (unpadded); and how well `text` fits the field.
fn decode<'a>(field: Field, text: &'a [u8], spec: &Spec<'_>) -> (Option<Value<'a>>, Fit) {
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
fn renders(value: &str, spec: &Spec<'_>, text: &str) -> Fit {
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
fn strip_fill<'s>(mut text: &'s str, fill: &str, count: usize) -> Option<&'s str> {
    for _ in 0..count {
        text = text.strip_prefix(fill)?;
    }
    Some(text)
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
