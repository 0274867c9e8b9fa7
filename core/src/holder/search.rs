//! The search for a complete reading of lock-file content: which occurrence of each
//! literal text a field ends at, tried leftmost first with bounded backtracking (see the
//! [module docs](super)).

use crate::template::{Piece, Pieces, Spec, Template};
use crate::Field;

use super::decode::{int_prefix, Fit, Found};

/// How many fields followed by literal text the search tries at more than one split.
pub(super) const MAX_CHOICES: usize = 32;

/// Where each choice (a field followed by literal text, in template order) may split at
/// the earliest: the search's backtracking stack, one entry per choice tried so far.
pub(super) type Floors = heapless::Vec<usize, MAX_CHOICES>;

/// The reading of `content` to report: the first complete one that renders exactly, else
/// the first complete one, else the leftmost split's (fields as far as they decode).
/// `None` when the literal text does not match, or when `budget` (candidate checks) ran
/// out first.
pub(super) fn read<'a>(
    content: &'a [u8],
    template: &Template<'_>,
    budget: &mut usize,
) -> Option<Found<'a>> {
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
pub(super) enum Search<'a> {
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
pub(super) fn search<'a>(
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
pub(super) struct Fail {
    /// The deepest choice on the stack whose split this attempt made: the next attempt
    /// moves it on. `None`: no split is left to move, there is no complete reading.
    retry: Option<usize>,
    /// A field was turned down only because it was not written exactly.
    inexact: bool,
}

/// Whether a field that fits `fit` is good enough for an attempt that needs `need`.
pub(super) fn enough(fit: Fit, need: Fit, fail: &mut Fail) -> Result<(), Fail> {
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
pub(super) fn attempt<'a>(
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
pub(super) fn dead_end(field: Field, text: &[u8], spec: &Spec<'_>) -> bool {
    !field.is_text()
        && text.iter().any(|b| {
            b.is_ascii()
                && !b.is_ascii_digit()
                && !b.is_ascii_whitespace()
                && !spec.fill.as_bytes().contains(b)
        })
}

/// The literal run starting at `pieces`: its length in bytes, how many pieces it has, and
/// whether it ends the template.
pub(super) fn literal_run(pieces: Pieces<'_>) -> (usize, usize, bool) {
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
pub(super) fn run_matches(content: &[u8], mut at: usize, pieces: Pieces<'_>, count: usize) -> bool {
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
