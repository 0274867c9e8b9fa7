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
//! gives no fields and does not match: hostile content with many separators and no
//! complete reading, but also a real stamp whose values contain dozens of the template's
//! separators (the fuzzer met a host name with about 40 of them). Only the
//! first 32 fields followed by literal text are tried at more than one split; later ones
//! end at the leftmost occurrence.
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

use crate::template::Template;
use crate::Field;

mod decode;
mod search;

use search::read;

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

#[cfg(test)]
mod tests;
