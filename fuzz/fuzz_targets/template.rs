//! `template`: arbitrary bytes as a template, arbitrary facts.
//!
//! Input layout: the template is everything before the first `0xFF` byte (made UTF-8
//! lossily, so invalid sequences become U+FFFD); the bytes after it, if any, generate the
//! facts. Without `0xFF` the facts are [`DEFAULT_FACTS`], so a seed file is just a template.
//!
//! Invariants (DESIGN §3):
//! - `parse` never panics and is deterministic; an error's offset is a char boundary
//!   inside the input; a parsed template re-parses from its own text to the same value;
//! - the parser agrees with the reference model (`lockstamp_fuzz::oracle`): it accepts
//!   what the subset allows (unless it cannot fit the stamp at all) and nothing else, and
//!   every accepted template renders byte for byte as Python's `str.format` does;
//! - rendering never panics, fails only with `TooLong` or `Unavailable`, gives the same
//!   bytes every time and for every buffer it fits in, and leaves the caller's buffer
//!   exactly as it was on error (no partial output, even to an unbounded writer);
//! - `Unavailable` happens exactly when a field the template uses has no fact, and
//!   `uses()` names exactly the template's fields;
//! - `Stamp::render` frames the content as `" " + content + "\n"` within
//!   `STAMP_CAPACITY` bytes, and fails exactly when the content does not fit.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use lockstamp_core::{
    Facts, Field, Stamp, Template, TemplateError, TemplateErrorKind, STAMP_CAPACITY,
};
use lockstamp_fuzz::oracle::{self, Parsed, Piece};
use lockstamp_fuzz::{filled, has, without, ArbFacts, DEFAULT_FACTS};

/// A `ufmt` writer without a capacity that records every call.
#[derive(Default)]
struct Recorder(Vec<String>);

impl ufmt::uWrite for Recorder {
    type Error = core::convert::Infallible;
    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        self.0.push(s.to_owned());
        Ok(())
    }
}

const PREFIX: &str = "pre:";
const SMALL: usize = 16;
const CONTENT_CAPACITY: usize = STAMP_CAPACITY - 2;

fuzz_target!(|data: &[u8]| {
    let (tpl, rest) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let arb = rest.and_then(|r| ArbFacts::arbitrary_take_rest(Unstructured::new(r)).ok());
    let facts = arb.as_ref().map_or(DEFAULT_FACTS, ArbFacts::facts);
    let src = String::from_utf8_lossy(tpl);
    check(&src, &facts);
});

fn check(src: &str, facts: &Facts<'_>) {
    let parsed = Template::parse(src);
    assert_eq!(parsed, Template::parse(src), "parse is not deterministic");
    let model = oracle::parse(src);
    let t = match parsed {
        Err(e) => {
            check_error(src, &e);
            if let Parsed::Ok(pieces) = &model {
                assert!(
                    e.kind() == TemplateErrorKind::TooLong
                        && oracle::min_len(pieces) > CONTENT_CAPACITY,
                    "valid template rejected: {src:?} -> {e:?}"
                );
            }
            return;
        }
        Ok(t) => t,
    };
    assert_eq!(t.as_str(), src);
    assert_eq!(Template::parse(t.as_str()), Ok(t), "re-parse differs");
    let pieces = match model {
        Parsed::Ok(p) => Some(p),
        Parsed::Reject => panic!("accepted a template outside the subset: {src:?}"),
        Parsed::Corner => None,
    };
    if let Some(pieces) = &pieces {
        for f in Field::ALL {
            let named = pieces
                .iter()
                .any(|p| matches!(p, Piece::Field(g, _) if *g == f));
            assert_eq!(t.uses(f), named, "uses({f:?}) wrong for {src:?}");
        }
    }
    check_render(&t, facts, pieces.as_deref());
    check_uses(&t, facts);
}

fn check_render(t: &Template<'_>, facts: &Facts<'_>, pieces: Option<&[Piece]>) {
    let r256 = t.render_to::<256>(facts);
    assert_eq!(
        r256,
        t.render_to::<256>(facts),
        "render is not deterministic"
    );
    let missing = Field::ALL.into_iter().any(|f| t.uses(f) && !has(facts, f));
    match &r256 {
        Ok(s) => assert!(!missing, "rendered {s:?} without a used fact"),
        Err(e) => {
            check_error(t.as_str(), e);
            match e.kind() {
                TemplateErrorKind::TooLong => {}
                TemplateErrorKind::Unavailable => assert!(missing, "Unavailable with all facts"),
                k => panic!("render failed with {k:?}"),
            }
        }
    }
    if let Some(pieces) = pieces {
        match (&r256, oracle::render(pieces, facts)) {
            (Ok(s), Ok(o)) => assert_eq!(s.as_str(), o, "differs from Python's str.format"),
            (Ok(s), Err(m)) => panic!("rendered {s:?} but {m:?}"),
            (Err(e), Ok(o)) => assert!(
                e.kind() == TemplateErrorKind::TooLong && o.len() > 256,
                "{e:?} but Python renders {o:?}"
            ),
            (Err(_), Err(_)) => {}
        }
    }

    // The same bytes for every buffer that holds them.
    let r16 = t.render_to::<SMALL>(facts);
    let r1024 = t.render_to::<1024>(facts);
    match &r256 {
        Ok(s) => {
            assert_eq!(r1024.as_ref().map(|x| x.as_str()), Ok(s.as_str()));
            if s.len() <= SMALL {
                assert_eq!(r16.as_ref().map(|x| x.as_str()), Ok(s.as_str()));
            }
        }
        Err(e) => {
            assert!(r16.is_err(), "fits 16 bytes but not 256");
            if e.kind() == TemplateErrorKind::TooLong {
                if let Ok(big) = &r1024 {
                    assert!(big.len() > 256, "TooLong for {} bytes", big.len());
                }
            }
        }
    }
    if let Ok(s) = &r16 {
        assert!(s.len() <= SMALL);
    }

    // A pre-filled buffer: appended to on success, untouched on error.
    let mut buf: heapless::String<SMALL> = heapless::String::new();
    buf.push_str(PREFIX).expect("prefix fits");
    match t.render(facts, &mut buf) {
        Ok(()) => {
            let s = r256
                .as_ref()
                .expect("render ok but render_to::<256> failed");
            assert_eq!(&buf[PREFIX.len()..], s.as_str());
        }
        Err(e) => {
            assert_eq!(buf.as_str(), PREFIX, "partial output left behind ({e:?})");
            if let Ok(s) = &r256 {
                assert!(PREFIX.len() + s.len() > SMALL, "fits but failed: {e:?}");
            }
        }
    }

    // A writer without a limit: exactly the rendering, nothing at all on error.
    let mut rec = Recorder::default();
    match t.render(facts, &mut rec) {
        Ok(()) => {
            let all = rec.0.concat();
            if let Ok(s) = &r256 {
                assert_eq!(all, s.as_str());
            }
            if let Some(Ok(o)) = pieces.map(|p| oracle::render(p, facts)) {
                assert_eq!(all, o);
            }
        }
        Err(e) => assert!(
            rec.0.concat().is_empty(),
            "partial output ({e:?}): {:?}",
            rec.0
        ),
    }

    // The stamp: framed content, within its capacity, iff the content fits.
    let stamp = Stamp::render(t, facts);
    assert_eq!(stamp, Stamp::render(t, facts));
    let content = t.render_to::<CONTENT_CAPACITY>(facts);
    match (&stamp, &content) {
        (Ok(st), Ok(c)) => {
            let b = st.as_bytes();
            assert!(b.len() <= STAMP_CAPACITY);
            assert_eq!(b.first(), Some(&b' '));
            assert_eq!(b.last(), Some(&b'\n'));
            assert_eq!(&b[1..b.len() - 1], c.as_bytes());
        }
        // Both fail; which kind comes first may differ (the stamp buffer has room for
        // 255 content bytes before the final "\n" is refused).
        (Err(a), Err(_)) => assert!(matches!(
            a.kind(),
            TemplateErrorKind::TooLong | TemplateErrorKind::Unavailable
        )),
        (a, b) => panic!("stamp {a:?} but content {b:?}"),
    }
}

/// What every error promises: an offset inside the text, on a char boundary, at the
/// character the kind's documentation names; a message; the field name when it has one.
fn check_error(src: &str, e: &TemplateError) {
    let at = e.offset();
    assert!(at <= src.len(), "offset {at} > len");
    assert!(src.is_char_boundary(at), "offset {at} splits a char");
    let message = e.to_string();
    assert!(message.contains(&format!("at byte {at}")), "{message:?}");
    let byte = src.as_bytes().get(at).copied();
    match e.kind() {
        TemplateErrorKind::UnclosedBrace
        | TemplateErrorKind::EmptyField
        | TemplateErrorKind::PositionalField
        | TemplateErrorKind::UnknownField
        | TemplateErrorKind::Unavailable => assert_eq!(byte, Some(b'{'), "{e:?} not at a brace"),
        TemplateErrorKind::LoneCloseBrace => assert_eq!(byte, Some(b'}'), "{e:?}"),
        TemplateErrorKind::Conversion => assert_eq!(byte, Some(b'!'), "{e:?}"),
        _ => {}
    }
    let after = src.get(at + 1..).unwrap_or("");
    match (e.kind(), e.name()) {
        (TemplateErrorKind::UnknownField, Some(name)) => {
            assert!(name.len() <= 23);
            assert!(after.starts_with(name), "name {name:?} not in the text");
        }
        (TemplateErrorKind::UnknownField, None) => panic!("UnknownField without a name"),
        (TemplateErrorKind::Unavailable, name) => {
            let name = name.expect("Unavailable without a name");
            assert!(Field::from_name(name).is_some(), "Unavailable {name:?}");
            assert!(after.starts_with(name), "name {name:?} not in the text");
        }
        _ => {}
    }
}

/// With every fact present, removing one breaks rendering exactly when the template uses it.
fn check_uses(t: &Template<'_>, facts: &Facts<'_>) {
    let full = filled(facts);
    let Ok(all) = t.render_to::<256>(&full) else {
        return;
    };
    for f in Field::ALL {
        let r = t.render_to::<256>(&without(&full, f));
        if t.uses(f) {
            let e = r.expect_err("rendered without a used fact");
            assert_eq!(e.kind(), TemplateErrorKind::Unavailable);
        } else {
            assert_eq!(r, Ok(all.clone()), "an unused fact changed the output");
        }
    }
}
