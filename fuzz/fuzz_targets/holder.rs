//! `holder`: arbitrary bytes as lock-file content, read with a valid template.
//!
//! Input layout: the first byte picks the template: `a`, `b`, ... pick one of
//! [`FIXED`] in order (so a seed file reads `b 11170;vm\n`); any other byte builds a
//! template from pieces generated out of the following bytes. The rest is the content.
//!
//! Invariants (DESIGN §3, "any bytes at all are valid input"):
//! - `Holder::parse` never panics and is deterministic;
//! - `content()` is a subslice of the input (no copy, no invention), and for a
//!   zc.lockfile stamp `" " + x + "\n"` it is exactly `x`;
//! - a field is recovered only when the template uses it and only when the content
//!   matched: every literal part of the template occurs in the content, in order;
//! - a recovered value comes from the content: `pid`/`uid`/`time` digits and
//!   `hostname`/`program` bytes all occur in `content()`.
#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use lockstamp_core::{Field, Holder, Template};
use lockstamp_fuzz::{contains, is_subslice, ArbPiece, Built, Join, FIXED};

const MAX_PIECES: usize = 12;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let index = usize::from(sel.wrapping_sub(b'a'));
    if let Some((text, literals)) = FIXED.get(index) {
        let literals: Vec<String> = literals.iter().map(|s| (*s).to_owned()).collect();
        check(text, &literals, rest);
        return;
    }
    let mut u = Unstructured::new(rest);
    let Ok(pieces) = u
        .arbitrary_iter::<ArbPiece>()
        .and_then(|it| it.take(MAX_PIECES).collect::<Result<Vec<_>, _>>())
    else {
        return;
    };
    let content = u.take_rest();
    let built = Built::new(&pieces, Join::Touch);
    check(&built.text, &built.literals, content);
});

fn check(text: &str, literals: &[String], input: &[u8]) {
    let t = Template::parse(text).expect("a generated template must parse");
    let h = Holder::parse(input, &t);
    assert_eq!(h, Holder::parse(input, &t), "parse is not deterministic");
    let content = h.content();
    assert!(
        is_subslice(content, input),
        "content() is not part of the input"
    );
    if text == "{pid}" {
        assert_eq!(
            Holder::parse_default(input),
            h,
            "parse_default is not {{pid}}"
        );
    }

    let framed: Vec<u8> = [b" ", input, b"\n"].concat();
    let last_is_eol = matches!(input.last(), Some(b'\n' | b'\r'));
    if !last_is_eol {
        assert_eq!(
            Holder::parse(&framed, &t).content(),
            input,
            "framing not stripped"
        );
    }

    let fields = [
        (Field::Pid, h.pid().map(|v| v.to_string().into_bytes())),
        (Field::Hostname, h.hostname().map(|v| v.as_bytes().to_vec())),
        (Field::Uid, h.uid().map(|v| v.to_string().into_bytes())),
        (Field::Program, h.program().map(|v| v.as_bytes().to_vec())),
        (Field::Time, h.time().map(|v| v.to_string().into_bytes())),
    ];
    let any = fields.iter().any(|(_, v)| v.is_some());
    if any {
        assert!(h.matched(), "fields without a match");
        assert!(
            in_order(content, literals),
            "fields but literals {literals:?} missing"
        );
    }
    if h.matched() {
        assert!(
            in_order(content, literals),
            "matched but literals {literals:?} missing"
        );
    }
    for (field, value) in fields {
        if let Some(v) = value {
            assert!(t.uses(field), "{field:?} recovered but not in {text:?}");
            assert!(
                contains(content, &v),
                "{field:?} = {v:?} not in the content"
            );
        }
    }
}

/// Whether each literal occurs in `hay` after the previous one; the first at the start
/// and the last at the end.
fn in_order(hay: &[u8], literals: &[String]) -> bool {
    let (Some(first), Some(last)) = (literals.first(), literals.last()) else {
        return true;
    };
    if !hay.starts_with(first.as_bytes()) || !hay.ends_with(last.as_bytes()) {
        return false;
    }
    let mut at = first.len();
    let end = hay
        .len()
        .saturating_sub(if literals.len() > 1 { last.len() } else { 0 });
    for lit in literals.get(1..literals.len() - 1).unwrap_or(&[]) {
        if lit.is_empty() {
            continue;
        }
        let window = hay.get(at..end).unwrap_or(&[]);
        let Some(i) = window.windows(lit.len()).position(|w| w == lit.as_bytes()) else {
            return false;
        };
        at += i + lit.len();
    }
    at <= end
}
