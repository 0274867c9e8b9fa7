//! Holder tests: zc.lockfile's files, padded templates, hostile input, round trips.

use std::string::String;
use std::vec;
use std::vec::Vec;

use proptest::prelude::*;

use crate::{Facts, Holder, Stamp, Template};

fn parse<'a>(content: &'a [u8], template: &str) -> Holder<'a> {
    Holder::parse(content, &Template::parse(template).unwrap())
}

#[test]
fn reads_zc_lockfile_stamps() {
    let h = Holder::parse_default(b" 11170\n");
    assert_eq!(
        (h.pid(), h.content(), h.matched()),
        (Some(11170), &b"11170"[..], true)
    );
    let h = parse(b" 11170;vm\n", "{pid};{hostname}");
    assert_eq!((h.pid(), h.hostname()), (Some(11170), Some("vm")));
    assert_eq!(h.content(), b"11170;vm");
}

#[test]
fn strips_framing_other_tools_leave() {
    for content in [&b"123\n"[..], b"123", b" 123\r\n", b" 123\n\n\n", b"123 \n"] {
        assert_eq!(
            Holder::parse_default(content).pid(),
            Some(123),
            "{content:?}"
        );
    }
    // Only one leading space is framing; the rest may be padding.
    assert_eq!(parse(b"    123\n", "{pid:>6}").pid(), Some(123));
    assert_eq!(parse(b"  vm\n", "{hostname}").hostname(), Some(" vm"));
    assert_eq!(Holder::parse_default(b"\n").content(), b"");
}

#[test]
fn recovers_every_field() {
    let h = parse(
        b" 42 vm 1000 prog 1700000000\n",
        "{pid} {hostname} {uid} {program} {time}",
    );
    assert_eq!(h.pid(), Some(42));
    assert_eq!(h.hostname(), Some("vm"));
    assert_eq!(h.uid(), Some(1000));
    assert_eq!(h.program(), Some("prog"));
    assert_eq!(h.time(), Some(1_700_000_000));
}

#[test]
fn a_repeated_field_needs_every_occurrence_to_agree() {
    assert_eq!(parse(b" 12-12\n", "{pid}-{pid}").pid(), Some(12));
    let h = parse(b" 12-34\n", "{pid}-{pid}");
    assert_eq!((h.matched(), h.pid()), (true, None));
    // Occurrences are compared by value, not by their padded text.
    assert_eq!(parse(b" 12-00012\n", "{pid}-{pid:05}").pid(), Some(12));
    assert_eq!(parse(b" 12-00013\n", "{pid}-{pid:05}").pid(), None);
    let h = parse(b" vm;vm;7\n", "{hostname};{hostname};{uid}");
    assert_eq!((h.hostname(), h.uid()), (Some("vm"), Some(7)));
    let h = parse(b" vm;db;7\n", "{hostname};{hostname};{uid}");
    assert_eq!((h.hostname(), h.uid()), (None, Some(7)));
    // One occurrence that cannot be decoded makes the field unknown.
    assert_eq!(parse(b" 12-x\n", "{pid}-{pid}").pid(), None);
    assert_eq!(
        parse(b" 12-12-12-9\n", "{pid}-{pid}-{pid}-{pid}").pid(),
        None
    );
}

#[test]
fn strips_padding() {
    type Case = (
        &'static [u8],
        &'static str,
        Option<u32>,
        Option<&'static str>,
    );
    let cases: [Case; 10] = [
        (b" 00123;vm\n", "{pid:05};{hostname}", Some(123), Some("vm")),
        (b" 00000;vm\n", "{pid:05};{hostname}", Some(0), Some("vm")),
        (
            b" xx123;vm000\n",
            "{pid:x>5};{hostname:05}",
            Some(123),
            Some("vm"),
        ),
        (
            b" 123xx;__vm__\n",
            "{pid:x<5};{hostname:_^6}",
            Some(123),
            Some("vm"),
        ),
        (
            b" \xc3\xa9\xc3\xa9123|h\xc3\xb6\n",
            "{pid:\u{e9}>5}|{hostname}",
            Some(123),
            Some("h\u{f6}"),
        ),
        (
            b" 1234567;vm\n",
            "{pid:0<5};{hostname}",
            Some(1234567),
            Some("vm"),
        ),
        // Ambiguous digit padding: 123 or 1230 or 12300?
        (b" 12300;vm\n", "{pid:0<5};{hostname}", None, Some("vm")),
        (b" 11123;vm\n", "{pid:1>5};{hostname}", None, Some("vm")),
        (b" 123vm\n", "{pid}{hostname}", Some(123), Some("vm")),
        (b" 123  vm\n", "{pid:<5}{hostname}", Some(123), Some("vm")),
    ];
    for (content, template, pid, hostname) in cases {
        let h = parse(content, template);
        assert!(h.matched(), "{template}");
        assert_eq!((h.pid(), h.hostname()), (pid, hostname), "{template}");
    }
}

#[test]
fn needs_every_literal_to_match() {
    for (content, template) in [
        (&b" 123;vm\n"[..], "{pid}:{hostname}"),
        (b" pid=123\n", "pid: {pid}"),
        (b" 123;vm\n", "{pid};{hostname};"),
        (b" 123\n", "{pid}x"),
        (b" lit\n", "literal"),
        (b" vm123\n", "{hostname}{pid}"),
    ] {
        let h = parse(content, template);
        assert!(!h.matched(), "{template}");
        assert_eq!((h.pid(), h.hostname()), (None, None), "{template}");
    }
    // Text that is not a number is no pid, but the rest still matched.
    let h = parse(b" abc;vm\n", "{pid};{hostname}");
    assert_eq!(
        (h.matched(), h.pid(), h.hostname()),
        (true, None, Some("vm"))
    );
}

#[test]
#[cfg_attr(miri, ignore = "1 MB inputs are slow under miri")]
fn survives_hostile_content() {
    let digits = vec![b'7'; 1 << 20];
    let h = Holder::parse_default(&digits);
    assert_eq!(
        (h.pid(), h.matched(), h.content().len()),
        (None, false, 1 << 20)
    );
    let newlines = vec![b'\n'; 1 << 20];
    assert_eq!(Holder::parse_default(&newlines).content(), b"");
    let t = Template::parse("{hostname};{pid};{program}").unwrap();
    let cases: [&[u8]; 9] = [
        b"",
        b" ",
        b"\xff\xfe\xfd",
        b" 99999999999999999999999\n",
        b" 4294967296\n",
        b" -1\n",
        b" \xffvm;1;p\n",
        b";;;;;;;;",
        b"\0\0\0\0",
    ];
    for content in cases {
        let h = Holder::parse(content, &t);
        assert_eq!(h.hostname(), None, "{content:?}");
        let h = Holder::parse_default(content);
        assert_eq!(h.pid(), None, "{content:?}");
    }
    // 4294967296 does not fit a pid but fits a time.
    assert_eq!(
        parse(b" 4294967296\n", "{time}").time(),
        Some(4_294_967_296)
    );
}

#[test]
fn a_field_may_contain_the_literal_text_after_it() {
    // The fuzzer's finding: host names with `-` are common.
    let h = parse(b" web-01-4242\n", "{hostname}-{pid}");
    assert_eq!(
        (h.matched(), h.hostname(), h.pid()),
        (true, Some("web-01"), Some(4242))
    );
    let h = parse(b" a:b:12\n", "{hostname}:{pid}");
    assert_eq!((h.hostname(), h.pid()), (Some("a:b"), Some(12)));
    // An empty host name is no host name, so the first `;` cannot end it.
    let h = parse(b" ;K;a\n", "{hostname};{program}");
    assert_eq!((h.hostname(), h.program()), (Some(";K"), Some("a")));
    let h = parse(b" 12-a-b\n", "{pid}-{hostname}");
    assert_eq!((h.pid(), h.hostname()), (Some(12), Some("a-b")));
    // The template's trailing text stays anchored at the end.
    let h = parse(b" a;b;1;\n", "{hostname};{pid};");
    assert_eq!((h.hostname(), h.pid()), (Some("a;b"), Some(1)));
    // Splitting `a-b-1x` after `a` leaves no digits for the pid: it used not to match.
    let h = parse(b" a-b-1x\n", "{hostname}-{pid}{program}");
    assert_eq!(
        (h.matched(), h.hostname(), h.pid(), h.program()),
        (true, Some("a-b"), Some(1), Some("x"))
    );
}

#[test]
fn separators_in_several_text_fields() {
    let h = parse(b" cron:db:eu:7\n", "{program}:{hostname}:{pid}");
    assert_eq!(
        (h.program(), h.hostname(), h.pid()),
        (Some("cron"), Some("db:eu"), Some(7))
    );
    // Truly ambiguous: the leading field is the shortest that gives a complete reading,
    // and the reading renders back to the same content.
    let template = Template::parse("{program}:{hostname}:{pid}").unwrap();
    let h = Holder::parse(b" a:b:c:d:7\n", &template);
    assert_eq!(
        (h.program(), h.hostname(), h.pid()),
        (Some("a"), Some("b:c:d"), Some(7))
    );
    assert_eq!(render(&template, &h).as_bytes(), h.content());
}

#[test]
fn prefers_the_reading_lockstamp_would_have_written() {
    // `web`, 1, `4242-cron` decodes too, but lockstamp writes 1 as `1`, not `01`.
    let h = parse(b" web-01-4242-cron\n", "{hostname}-{pid}-{program}");
    assert_eq!(
        (h.hostname(), h.pid(), h.program()),
        (Some("web-01"), Some(4242), Some("cron"))
    );
    // With no exact reading, one that decodes still counts (other tools' leading zeros).
    let h = parse(b" a-b-007\n", "{hostname}-{pid}");
    assert_eq!((h.hostname(), h.pid()), (Some("a-b"), Some(7)));
    // A pid is a u32: a split that leaves a bigger number there is no reading.
    let h = parse(b" a-4294967296-7-x\n", "{hostname}-{pid}-{program}");
    assert_eq!(
        (h.hostname(), h.pid(), h.program()),
        (Some("a-4294967296"), Some(7), Some("x"))
    );
    // Digit padding that hides the value does not stop the search.
    let h = parse(b" a;b;12300\n", "{hostname};{pid:0<5}");
    assert_eq!(
        (h.matched(), h.hostname(), h.pid()),
        (true, Some("a;b"), None)
    );
}

#[test]
fn without_a_complete_reading_the_leftmost_split_is_kept() {
    // Documented limitation: content lockstamp did not write can give a wrong field.
    let h = parse(b" web-01-x\n", "{hostname}-{pid}");
    assert_eq!(
        (h.matched(), h.hostname(), h.pid()),
        (true, Some("web"), None)
    );
    // Repeated fields that disagree under every split still give no value.
    let h = parse(b" a-1-2\n", "{hostname}-{pid}-{pid}");
    assert_eq!(
        (h.matched(), h.hostname(), h.pid()),
        (true, Some("a"), None)
    );
    assert_eq!(parse(b" 12-34\n", "{pid}-{pid}").pid(), None);
}

#[test]
fn the_search_is_bounded() {
    // Miri runs the same shapes, smaller.
    let (n, limit) = if cfg!(miri) {
        (40, 128)
    } else {
        (500, Holder::SEARCH_LIMIT)
    };
    let template = Template::parse("{hostname}-{program}-{uid}-{time}-{pid}").unwrap();
    // Every split of `n` dashes between the two text fields decodes, and none leaves
    // digits for the integers: the search gives up when its budget is spent.
    let dashes = vec![b'-'; n];
    let mut budget = limit;
    assert!(super::read(&dashes, &template, &mut budget).is_none());
    assert_eq!(budget, 0);
    if !cfg!(miri) {
        let h = Holder::parse(&dashes, &template);
        assert_eq!(h, Holder::parse(&dashes, &template));
        assert_eq!(
            (h.matched(), h.hostname(), h.program(), h.pid()),
            (false, None, None, None)
        );
        assert_eq!(h.content(), &dashes[..]);
    }

    // The same separators with a reading at the end: found, and well within the bound
    // (an integer field that holds a `-` ends the splits tried for it).
    let content = [&b"a"[..], &dashes, b"1-2-3"].concat();
    let mut budget = limit;
    assert!(super::read(&content, &template, &mut budget).is_some());
    let used = limit - budget;
    assert!(used <= 2 * n, "{used} checks");
    let h = Holder::parse(&content, &template);
    assert_eq!(h.hostname(), Some("a"));
    assert_eq!(h.program().map(str::len), Some(n - 2));
    assert_eq!((h.uid(), h.time(), h.pid()), (Some(1), Some(2), Some(3)));

    // A stamp with a few separators in its host name takes one check per separator.
    let template = Template::parse("{hostname}-{pid}").unwrap();
    let mut budget = limit;
    assert!(super::read(b"web-eu-01-4242", &template, &mut budget).is_some());
    assert_eq!(limit - budget, 3);
}

#[test]
fn only_the_first_32_choices_are_retried() {
    // 32 fields followed by `-` fill the backtracking stack; the 33rd (`{hostname}`)
    // ends at the leftmost `-` only, so `a-b` is not found there.
    let src = ["{pid}-".repeat(32), "{hostname}-{uid}".into()].concat();
    let content = ["1-".repeat(32), "a-b-2".into()].concat();
    let h = parse(content.as_bytes(), &src);
    assert_eq!(
        (h.matched(), h.pid(), h.hostname(), h.uid()),
        (true, Some(1), Some("a"), None)
    );
    // One field fewer, and the stack holds every choice.
    let src = ["{pid}-".repeat(31), "{hostname}-{uid}".into()].concat();
    let content = ["1-".repeat(31), "a-b-2".into()].concat();
    let h = parse(content.as_bytes(), &src);
    assert_eq!((h.hostname(), h.uid()), (Some("a-b"), Some(2)));
}

/// Renders what `h` read with `template`.
fn render(template: &Template<'_>, h: &Holder<'_>) -> String {
    let facts = Facts {
        pid: h.pid(),
        hostname: h.hostname(),
        uid: h.uid(),
        program: h.program(),
        time: h.time(),
    };
    String::from(template.render_to::<256>(&facts).unwrap().as_str())
}

/// Host names made of characters that are not separators in `TEMPLATES`, starting with
/// a letter (after `{pid}{hostname}`, leading digits would count as the pid's).
fn hostname() -> impl Strategy<Value = String> {
    "[a-zA-Z\u{e0}-\u{ff}][a-zA-Z0-9.\u{e0}-\u{ff}]{0,39}"
}

const TEMPLATES: [&str; 8] = [
    "{pid}",
    "{pid};{hostname}",
    "{hostname}:{pid}:{uid}:{program}:{time}",
    "pid={pid:>10} host={hostname:_^30} t={time:020}",
    "[{uid:05}] {program:<12}|{hostname}",
    "{pid}{hostname}",
    "{time:x>25}{hostname}/{uid:=7}{{{pid:50}}}",
    "{{{program}}} @ {hostname:*<45} # {pid:0>10}",
];

/// Templates whose separators the values in `values_with_separators_round_trip` contain.
const SEPARATED: [&str; 6] = [
    "{hostname}-{pid}",
    "{hostname}:{pid}:{uid}",
    "{hostname}-{pid}-{program}",
    "{program}:{hostname}:{pid}",
    "{pid};{hostname};{uid}",
    "{hostname}-{program};{uid:>12}",
];

/// Proptest settings: under Miri, few cases and no failure files (Miri isolates the test
/// from the host filesystem, so proptest's persistence would abort).
fn config() -> proptest::test_runner::Config {
    let mut config = proptest::test_runner::Config::default();
    if cfg!(miri) {
        config.cases = 8;
        config.failure_persistence = None;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn round_trips_render_then_parse(
        pid in any::<u32>(),
        uid in any::<u32>(),
        time in any::<u64>(),
        host in hostname(),
        program in "[a-z][a-z0-9-]{0,11}",
        which in 0..TEMPLATES.len(),
    ) {
        let template = Template::parse(TEMPLATES[which]).unwrap();
        let facts = Facts {
            pid: Some(pid),
            hostname: Some(&host),
            uid: Some(uid),
            program: Some(&program),
            time: Some(time),
        };
        let stamp = Stamp::render(&template, &facts).unwrap();
        let h = Holder::parse(stamp.as_bytes(), &template);
        prop_assert!(h.matched());
        prop_assert_eq!(h.content(), stamp.content());
        let src = template.as_str();
        let want = |name: &str| src.contains(&["{", name].concat());
        prop_assert_eq!(h.pid(), want("pid").then_some(pid));
        prop_assert_eq!(h.uid(), want("uid").then_some(uid));
        prop_assert_eq!(h.time(), want("time").then_some(time));
        prop_assert_eq!(h.hostname(), want("hostname").then_some(host.as_str()));
        prop_assert_eq!(h.program(), want("program").then_some(program.as_str()));
    }

    #[test]
    fn values_with_separators_round_trip(
        pid in any::<u32>(),
        uid in any::<u32>(),
        host in "[a-z0-9][a-z0-9.:;-]{0,30}",
        program in "[a-z:;-]{1,12}",
        which in 0..SEPARATED.len(),
    ) {
        let template = Template::parse(SEPARATED[which]).unwrap();
        let facts = Facts {
            pid: Some(pid),
            hostname: Some(&host),
            uid: Some(uid),
            program: Some(&program),
            ..Facts::default()
        };
        let stamp = Stamp::render(&template, &facts).unwrap();
        let h = Holder::parse(stamp.as_bytes(), &template);
        prop_assert!(h.matched());
        // Values may contain the separators, so more than one reading can fit: every
        // field the template uses is read, and the reading renders back to the content.
        let src = template.as_str();
        let want = |name: &str| src.contains(&["{", name].concat());
        prop_assert_eq!(h.pid().is_some(), want("pid"));
        prop_assert_eq!(h.uid().is_some(), want("uid"));
        prop_assert_eq!(h.hostname().is_some(), want("hostname"));
        prop_assert_eq!(h.program().is_some(), want("program"));
        let again = render(&template, &h);
        prop_assert_eq!(again.as_bytes(), stamp.content());
        // With only one text field, the reading is the one written.
        if !want("program") {
            prop_assert_eq!(h.hostname(), Some(host.as_str()));
        }
    }

    #[test]
    fn any_bytes_are_valid_input(content in proptest::collection::vec(any::<u8>(), 0..600)) {
        for template in TEMPLATES {
            let h = Holder::parse(&content, &Template::parse(template).unwrap());
            prop_assert!(h.content().len() <= content.len());
        }
    }

    #[test]
    fn stamps_with_mutations_never_panic(
        pid in any::<u32>(),
        host in hostname(),
        cuts in proptest::collection::vec((0usize..80, any::<u8>()), 0..4),
    ) {
        let template = Template::parse("{pid:>8};{hostname:^20}").unwrap();
        let facts = Facts { pid: Some(pid), hostname: Some(&host), ..Facts::default() };
        let stamp = Stamp::render(&template, &facts).unwrap();
        let mut bytes: Vec<u8> = stamp.as_bytes().to_vec();
        for (at, b) in cuts {
            if let Some(slot) = bytes.get_mut(at) {
                *slot = b;
            }
        }
        let _ = Holder::parse(&bytes, &template);
    }
}
