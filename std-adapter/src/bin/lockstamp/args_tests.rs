//! Tests for the argument parser.

use super::*;

fn run(argv: &[&str]) -> RunArgs {
    match parse(argv.iter().copied()) {
        Ok(Invocation::Run(r)) => r,
        other => panic!("{argv:?} gave {other:?}"),
    }
}

fn usage(argv: &[&str]) -> String {
    match parse(argv.iter().copied()) {
        Err(UsageError(m)) => m,
        other => panic!("{argv:?} gave {other:?}, expected a usage error"),
    }
}

fn os(v: &[&str]) -> Vec<OsString> {
    v.iter().map(OsString::from).collect()
}

#[test]
fn defaults_are_flock_defaults() {
    let r = run(&["x.lock", "true"]);
    assert_eq!(r.file, PathBuf::from("x.lock"));
    assert_eq!(r.program, "true");
    assert!(r.args.is_empty());
    assert_eq!(r.wait, WaitArg::Forever);
    assert_eq!(r.conflict_code, 1);
    assert_eq!(r.primitive, PrimitiveArg::Flock);
    assert!(!r.shared && !r.remove && !r.no_stamp && !r.verbose);
    assert_eq!(r.template, None);
}

#[test]
fn options_after_file_belong_to_the_command() {
    let r = run(&["-n", "x.lock", "ls", "-l", "--", "-n"]);
    assert_eq!(r.wait, WaitArg::Never);
    assert_eq!(r.program, "ls");
    assert_eq!(r.args, os(&["-l", "--", "-n"]));
}

#[test]
fn double_dash_before_or_after_file() {
    let r = run(&["-s", "--", "-odd.lock", "echo", "hi"]);
    assert_eq!(r.file, PathBuf::from("-odd.lock"));
    assert!(r.shared);
    let r = run(&["x.lock", "--", "sh", "-c", "echo holding"]);
    assert_eq!(r.program, "sh");
    assert_eq!(r.args, os(&["-c", "echo holding"]));
}

#[test]
fn dash_c_runs_a_shell() {
    let r = run(&["x.lock", "-c", "echo a; echo b"]);
    assert_eq!(r.program, SHELL);
    assert_eq!(r.args, os(&["-c", "echo a; echo b"]));
    assert!(usage(&["x.lock", "-c"]).contains("-c takes exactly one"));
    assert!(usage(&["x.lock", "-c", "a", "b"]).contains("-c takes exactly one"));
}

#[test]
fn every_option_is_understood() {
    let r = run(&[
        "-w",
        "0.5",
        "-s",
        "-t",
        "{pid};{hostname}",
        "-E",
        "42",
        "--fcntl",
        "--remove",
        "--no-stamp",
        "-v",
        "x.lock",
        "cmd",
    ]);
    assert_eq!(r.wait, WaitArg::For(Duration::from_millis(500)));
    assert!(r.shared && r.remove && r.no_stamp && r.verbose);
    assert_eq!(r.template.as_deref(), Some("{pid};{hostname}"));
    assert_eq!(r.conflict_code, 42);
    assert_eq!(r.primitive, PrimitiveArg::Fcntl);
    let r = run(&[
        "--wait=3",
        "--create-new",
        "--conflict-exit-code=0",
        "x",
        "c",
    ]);
    assert_eq!(r.wait, WaitArg::For(Duration::from_secs(3)));
    assert_eq!(r.primitive, PrimitiveArg::CreateNew);
    assert_eq!(r.conflict_code, 0);
    let r = run(&["-nvE7", "x", "c"]);
    assert_eq!(
        (r.wait, r.verbose, r.conflict_code),
        (WaitArg::Never, true, 7)
    );
}

#[test]
fn bad_timeouts_are_usage_errors() {
    for bad in [
        "-1",
        "-0",
        "+1",
        "NaN",
        "inf",
        "abc",
        "",
        ".",
        "1e3",
        "1.5.",
        "99999999999999999999",
    ] {
        let m = usage(&["-w", bad, "x", "c"]);
        assert!(m.contains("invalid timeout"), "{bad}: {m}");
    }
    assert_eq!(
        run(&["-w", "0", "x", "c"]).wait,
        WaitArg::For(Duration::ZERO)
    );
}

#[test]
fn bad_exit_codes_are_usage_errors() {
    for bad in ["256", "-1", "x", ""] {
        assert!(
            usage(&["-E", bad, "x", "c"]).contains("invalid exit code"),
            "{bad}"
        );
    }
    assert_eq!(run(&["-E", "255", "x", "c"]).conflict_code, 255);
}

#[test]
fn conflicting_choices_are_usage_errors() {
    assert!(usage(&["-n", "-w", "1", "x", "c"]).contains("--nonblock and --wait"));
    assert!(usage(&["--fcntl", "--create-new", "x", "c"]).contains("cannot be used together"));
    assert!(usage(&["-s", "--create-new", "x", "c"]).contains("--shared cannot be used"));
    // Repeating the same option is fine; the last value wins.
    let r = run(&["-w", "1", "-w", "2", "x", "c"]);
    assert_eq!(r.wait, WaitArg::For(Duration::from_secs(2)));
}

#[test]
fn missing_pieces_are_usage_errors() {
    assert_eq!(usage(&[]), "missing FILE");
    assert_eq!(usage(&["-n"]), "missing FILE");
    assert_eq!(usage(&["x.lock"]), "missing COMMAND after \"x.lock\"");
    assert_eq!(usage(&["x.lock", "--"]), "missing COMMAND after \"x.lock\"");
    assert!(usage(&["-w"]).contains("missing argument"));
    assert!(usage(&["--frobnicate", "x", "c"]).contains("--frobnicate"));
    assert!(usage(&["-q", "x", "c"]).contains("-q"));
}

#[test]
fn bad_template_is_a_usage_error() {
    let m = usage(&["-t", "{nope}", "x", "c"]);
    assert!(m.starts_with("invalid template '{nope}'"), "{m}");
}

#[test]
fn status_takes_only_a_file() {
    let status = |file: &str, template: Option<&str>, primitive| {
        Ok(Invocation::Status(StatusArgs {
            file: PathBuf::from(file),
            template: template.map(String::from),
            primitive,
        }))
    };
    assert_eq!(
        parse(["--status", "x.lock"]),
        status("x.lock", None, PrimitiveArg::Flock)
    );
    assert_eq!(
        parse([
            "-t",
            "{pid}@{hostname}",
            "--create-new",
            "--status",
            "d.lock"
        ]),
        status("d.lock", Some("{pid}@{hostname}"), PrimitiveArg::CreateNew)
    );
    assert!(
        usage(&["--status", "-n", "x.lock"]).contains("--nonblock cannot be used with --status")
    );
    assert!(usage(&["--status", "x.lock", "cmd"]).contains("--status takes only FILE"));
    assert_eq!(usage(&["--status"]), "missing FILE");
}

#[test]
fn help_and_version_win_wherever_they_are() {
    assert_eq!(parse(["-h"]), Ok(Invocation::Help));
    assert_eq!(parse(["-n", "--help", "x", "c"]), Ok(Invocation::Help));
    assert_eq!(parse(["-V"]), Ok(Invocation::Version));
    assert_eq!(parse(["--version"]), Ok(Invocation::Version));
    // After FILE, -h belongs to the command.
    assert_eq!(run(&["x", "cmd", "-h"]).args, os(&["-h"]));
}
