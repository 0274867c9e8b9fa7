//! Template tests: the Python table, every error kind with its offset, no partial output.

use std::format;
use std::string::{String, ToString};

use super::python_table::{FACTS, REJECTS, RENDERS};
use super::{Template, TemplateErrorKind};
use crate::facts::{Facts, Field};
use crate::stamp::{Stamp, STAMP_CAPACITY};

fn facts(i: usize) -> Facts<'static> {
    let (pid, hostname, uid, program, time) = FACTS[i];
    Facts {
        pid: Some(pid),
        hostname: Some(hostname),
        uid: Some(uid),
        program: Some(program),
        time: Some(time),
    }
}

#[test]
fn renders_exactly_what_python_renders() {
    assert!(RENDERS.len() >= 200, "the table is the point of this test");
    for &(src, i, expected) in RENDERS {
        let template = Template::parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        let got = template
            .render_to::<1024>(&facts(i))
            .unwrap_or_else(|e| panic!("{src:?} with facts {i}: {e}"));
        assert_eq!(got.as_str(), expected, "template {src:?} with facts {i}");
    }
}

#[test]
fn rejects_with_kind_and_offset() {
    for &(src, kind, offset, _python_rejects) in REJECTS {
        let err = Template::parse(src).expect_err(src);
        assert_eq!(
            (err.kind(), err.offset()),
            (kind, offset),
            "template {src:?}"
        );
    }
}

#[test]
fn rejects_everything_python_rejects_in_the_table() {
    // The table's Python column: a template Python rejects must never be accepted here
    // (we reject some that Python accepts: conversions, attributes, signs, types...).
    let python_rejects = REJECTS.iter().filter(|r| r.3).count();
    assert!(python_rejects >= 20);
    for &(src, ..) in REJECTS.iter().filter(|r| r.3) {
        assert!(Template::parse(src).is_err(), "{src:?}");
    }
}

#[test]
fn every_error_kind_is_covered_by_the_table_or_below() {
    use TemplateErrorKind::*;
    for kind in [
        UnclosedBrace,
        LoneCloseBrace,
        EmptyField,
        PositionalField,
        UnknownField,
        Conversion,
        UnsupportedSpec,
    ] {
        assert!(REJECTS.iter().any(|r| r.1 == kind), "{kind:?}");
    }
}

#[test]
fn unavailable_points_at_the_field() {
    let template = Template::parse("{pid};{hostname:>9}").unwrap();
    let only_pid = Facts {
        pid: Some(7),
        ..Facts::default()
    };
    let err = template.render_to::<64>(&only_pid).unwrap_err();
    assert_eq!(err.kind(), TemplateErrorKind::Unavailable);
    assert_eq!(err.offset(), 6);
    assert_eq!(err.name(), Some("hostname"));
    assert_eq!(
        err.to_string(),
        "field \"hostname\" at byte 6 is not available here"
    );
}

#[test]
fn too_long_points_at_the_piece_that_did_not_fit() {
    let template = Template::parse("{pid};{hostname}").unwrap();
    let f = facts(0); // 123;vm
    assert_eq!(template.render_to::<6>(&f).unwrap().as_str(), "123;vm");
    let err = template.render_to::<5>(&f).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 6));
    let err = template.render_to::<3>(&f).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 5));
    let err = template.render_to::<2>(&f).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 0));
}

#[test]
fn render_writes_nothing_on_error() {
    struct Log(String, usize);
    impl ufmt::uWrite for Log {
        type Error = ();
        fn write_str(&mut self, s: &str) -> Result<(), ()> {
            self.1 += 1;
            self.0.push_str(s);
            Ok(())
        }
    }
    let template = Template::parse("lit {pid} {uid}").unwrap();
    let mut out = Log(String::new(), 0);
    let no_uid = Facts {
        pid: Some(1),
        ..Facts::default()
    };
    let err = template.render(&no_uid, &mut out).unwrap_err();
    assert_eq!(err.kind(), TemplateErrorKind::Unavailable);
    assert_eq!((out.0.as_str(), out.1), ("", 0));

    let wide = Template::parse("{pid:300}").unwrap();
    let err = wide.render(&no_uid, &mut out).unwrap_err();
    assert_eq!(err.kind(), TemplateErrorKind::TooLong);
    assert_eq!((out.0.as_str(), out.1), ("", 0));

    template.render(&facts(0), &mut out).unwrap();
    assert_eq!((out.0.as_str(), out.1), ("lit 123 1000", 1), "one write");
}

#[test]
fn render_reports_a_refusing_writer_as_too_long() {
    struct Refuse;
    impl ufmt::uWrite for Refuse {
        type Error = ();
        fn write_str(&mut self, _: &str) -> Result<(), ()> {
            Err(())
        }
    }
    let err = Template::default()
        .render(&facts(0), &mut Refuse)
        .unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 0));
}

#[test]
fn display_names_the_problem_and_the_byte() {
    let cases = [
        ("{pid}{user}", "unknown field \"user\" at byte 5"),
        (
            "ab{",
            "unclosed \"{\" at byte 2 (write \"{{\" for a literal brace)",
        ),
        (
            "a}",
            "single \"}\" at byte 1 (write \"}}\" for a literal brace)",
        ),
        ("{pid!r}", "conversion (\"!r\", \"!s\", \"!a\") at byte 4"),
        (
            "{a_very_long_field_name_indeed}",
            "unknown field \"a_very_long_field_name_...\" at byte 0",
        ),
    ];
    for (src, message) in cases {
        assert_eq!(Template::parse(src).unwrap_err().to_string(), message);
    }
}

#[test]
fn uses_reports_the_fields_named() {
    let t = Template::parse("{pid};{hostname:>5}{{uid}}").unwrap();
    assert!(t.uses(Field::Pid) && t.uses(Field::Hostname));
    assert!(!t.uses(Field::Uid) && !t.uses(Field::Program) && !t.uses(Field::Time));
    assert!(Template::default().uses(Field::Pid));
    assert_eq!(Template::default(), Template::parse("{pid}").unwrap());
}

#[test]
fn stamp_frames_like_zc_lockfile() {
    let t = Template::parse("{pid};{hostname}").unwrap();
    let f = Facts {
        pid: Some(11170),
        hostname: Some("vm"),
        ..Facts::default()
    };
    let stamp = Stamp::render(&t, &f).unwrap();
    assert_eq!(stamp.as_bytes(), b" 11170;vm\n");
    assert_eq!(stamp.content(), b"11170;vm");
}

#[test]
fn stamp_fits_exactly_256_bytes_and_not_one_more() {
    let host: String = "h".repeat(STAMP_CAPACITY - 2);
    let t = Template::parse("{hostname}").unwrap();
    let f = Facts {
        hostname: Some(&host),
        ..Facts::default()
    };
    assert_eq!(Stamp::render(&t, &f).unwrap().as_bytes().len(), 256);
    // Content fits (255 bytes with the leading space), the final "\n" does not.
    let t = Template::parse("{hostname}x").unwrap();
    let err = Stamp::render(&t, &f).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 11));
    let t = Template::parse("xy{hostname}").unwrap();
    let err = Stamp::render(&t, &f).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 2));
    let host: String = "h".repeat(STAMP_CAPACITY);
    let f = Facts {
        hostname: Some(&host),
        ..Facts::default()
    };
    let t = Template::parse("{hostname}").unwrap();
    let err = Stamp::render(&t, &f).unwrap_err();
    assert_eq!((err.kind(), err.offset()), (TemplateErrorKind::TooLong, 0));
}

#[test]
fn hostile_templates_get_an_answer() {
    use TemplateErrorKind::*;
    let braces = "{".repeat(10_000); // 5000 escaped braces
    let odd_braces = "{".repeat(10_001);
    let long_width = format!("{{pid:{}}}", "9".repeat(10_000));
    let cases: [(&str, Option<TemplateErrorKind>); 11] = [
        (&braces, None),
        (&odd_braces, Some(UnclosedBrace)),
        (&long_width, Some(UnsupportedSpec)),
        ("{pid:\u{e9}", Some(UnclosedBrace)),
        ("{\u{0}}", Some(UnknownField)),
        ("{pid:\u{10FFFF}^9}", None),
        ("}}}}}", Some(LoneCloseBrace)),
        ("{pid:<<<}", Some(UnsupportedSpec)),
        ("{:}", Some(EmptyField)),
        ("{!}", Some(EmptyField)),
        ("{pid:\u{e9}>}", None),
    ];
    for (src, want) in cases {
        let got = Template::parse(src).err().map(|e| e.kind());
        assert_eq!(got, want, "{:?}", &src[..src.len().min(20)]);
    }
    let rendered = Template::parse(&braces)
        .unwrap()
        .render_to::<5000>(&Facts::default())
        .unwrap();
    assert_eq!(rendered.len(), 5000);
}

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

proptest::proptest! {
    #![proptest_config(config())]

    /// Any string: parse never panics; whatever it accepts renders with all facts known,
    /// and the holder parser copes with the result.
    #[test]
    fn any_template_parses_or_errors_and_renders(src in "[{}:<>^=0-9a-z!.é ]{0,24}|(\\{(pid|hostname|uid|program|time)(:[x0<>^=é]{0,3}[0-9]{0,4})?\\}[;-]?){1,4}") {
        match Template::parse(&src) {
            Ok(template) => {
                let rendered = template.render_to::<8192>(&facts(1));
                proptest::prop_assert!(rendered.is_ok(), "{src:?}: {rendered:?}");
                if let Ok(stamp) = Stamp::render(&template, &facts(0)) {
                    let _ = crate::Holder::parse(stamp.as_bytes(), &template);
                }
            }
            Err(err) => proptest::prop_assert!(err.offset() <= src.len()),
        }
    }
}
