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
    assert_eq!(
        parse(["--status", "x.lock"]),
        Ok(Invocation::Status(PathBuf::from("x.lock")))
    );
    assert!(usage(&["-t", "{pid}", "--status", "x"]).contains("--template cannot be used"));
    assert!(usage(&["--status", "--fcntl", "x"]).contains("--fcntl cannot be used"));
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

#[test]
fn option_spellings_follow_getopt_long() {
    assert_eq!(run(&["--nb", "x", "c"]).wait, WaitArg::Never);
    assert_eq!(
        run(&["--timeout=1.5", "x", "c"]).wait,
        WaitArg::For(Duration::from_millis(1500))
    );
    assert_eq!(
        run(&["--template", "{pid}", "x", "c"]).template.as_deref(),
        Some("{pid}")
    );
    assert_eq!(
        run(&["-w2", "x", "c"]).wait,
        WaitArg::For(Duration::from_secs(2))
    );
    // A value option takes the next argument even if it looks like an option.
    assert_eq!(
        run(&["-t", "-{pid}", "x", "c"]).template.as_deref(),
        Some("-{pid}")
    );
    // "-" alone is FILE, as with getopt.
    assert_eq!(run(&["-", "c"]).file, PathBuf::from("-"));
    assert_eq!(
        usage(&["--nonblock=yes", "x", "c"]),
        "option '--nonblock' takes no value"
    );
    assert_eq!(usage(&["--wait"]), "missing argument for option '--wait'");
    assert_eq!(usage(&["-nw"]), "missing argument for option '-w'");
    assert_eq!(usage(&["-nq", "x", "c"]), "invalid option '-q'");
}

#[cfg(unix)]
#[test]
fn only_options_must_be_utf8() {
    use std::os::unix::ffi::OsStringExt;
    let odd = OsString::from_vec(vec![b'x', 0xff]);
    let parsed = parse([OsString::from("-n"), odd.clone(), odd.clone(), odd.clone()]);
    let Ok(Invocation::Run(r)) = parsed else {
        panic!("{parsed:?}");
    };
    assert_eq!(
        (r.file.as_os_str(), &r.program, &r.args[..]),
        (odd.as_os_str(), &odd, &[odd.clone()][..])
    );
    let bad = parse([OsString::from_vec(vec![b'-', 0xff]), OsString::from("x")]);
    assert!(matches!(bad, Err(UsageError(m)) if m.starts_with("invalid option")));
    let bad = parse([
        OsString::from("-t"),
        OsString::from_vec(vec![0xff]),
        OsString::from("x"),
    ]);
    assert!(matches!(bad, Err(UsageError(m)) if m.contains("not UTF-8")));
}
