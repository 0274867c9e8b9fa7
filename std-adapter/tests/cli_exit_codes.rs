//! `lockstamp FILE COMMAND`: exit codes, the stamp, and the error lines users see.
#![cfg(feature = "cli")]

mod cli_support;

use cli_support::{code, run, s, text, Proc, Scratch};

#[test]
fn runs_the_command_and_exits_with_its_code() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let out = run(&[s(&lock), "sh", "-c", "echo hello; exit 0"]);
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stdout), "hello\n");
    assert_eq!(text(&out.stderr), "");
    let out = run(&[s(&lock), "sh", "-c", "exit 3"]);
    assert_eq!(code(&out), 3);
    let out = run(&[s(&lock), "-c", "exit 200"]);
    assert_eq!(code(&out), 200, "-c runs a shell command");
}

#[test]
fn a_command_killed_by_a_signal_gives_128_plus_the_signal() {
    let dir = Scratch::new();
    let out = run(&[s(&dir.path("x.lock")), "sh", "-c", "kill -KILL $$"]);
    assert_eq!(code(&out), 128 + 9);
    let out = run(&[s(&dir.path("x.lock")), "sh", "-c", "kill -TERM $$"]);
    assert_eq!(code(&out), 128 + 15);
}

#[test]
fn the_stamp_names_the_lockstamp_process_which_is_the_commands_parent() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let mut holder = Proc::start(&[
        s(&lock),
        "sh",
        "-c",
        "echo $PPID; cat \"$0\"; read line || true",
        s(&lock),
    ]);
    let ppid = holder.line();
    let stamp = holder.line();
    assert_eq!(
        ppid,
        holder.child.id().to_string(),
        "the command's parent is lockstamp"
    );
    assert_eq!(
        stamp,
        format!(" {ppid}"),
        "zc.lockfile's framing: space, pid, newline"
    );
    holder.stdin.take();
    assert_eq!(holder.finish(), 0);
    // The stamp stays after release, as with zc.lockfile.
    let content = std::fs::read_to_string(&lock).expect("lock file stays");
    assert_eq!(content, format!(" {ppid}\n"));
}

#[test]
fn a_template_shapes_the_stamp() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let out = run(&["-t", "{pid};{hostname}", s(&lock), "cat", s(&lock)]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stamp = text(&out.stdout);
    let (pid, host) = stamp.trim().split_once(';').expect("pid;hostname");
    assert!(pid.parse::<u32>().is_ok(), "{stamp:?}");
    assert!(!host.is_empty(), "{stamp:?}");
}

#[test]
fn no_stamp_leaves_the_content_alone() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    std::fs::write(&lock, "keep me\n").expect("write");
    let out = run(&["--no-stamp", s(&lock), "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&lock).expect("read"), "keep me\n");
}

#[test]
fn remove_deletes_the_file_on_release() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let out = run(&["--remove", s(&lock), "test", "-e", s(&lock)]);
    assert_eq!(code(&out), 0, "the file exists while the command runs");
    assert!(!lock.exists(), "--remove deletes it on release");
}

#[test]
fn conflict_exits_1_or_the_e_code_and_names_the_holder() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, pid) = Proc::hold(&[], &lock);
    let out = run(&["-n", s(&lock), "echo", "must not run"]);
    assert_eq!(code(&out), 1);
    assert_eq!(text(&out.stdout), "", "the command does not run");
    let err = text(&out.stderr);
    assert!(err.starts_with("lockstamp: Couldn't lock \""), "{err}");
    assert!(err.contains(&format!("held by pid {pid}")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = run(&["-n", "-E", "42", s(&lock), "true"]);
    assert_eq!(code(&out), 42);
    let out = run(&["-nE0", s(&lock), "true"]);
    assert_eq!(code(&out), 0, "-E 0 makes a conflict quiet for cron");
    holder.release();
    assert_eq!(holder.finish(), 0);
    assert_eq!(
        code(&run(&["-n", s(&lock), "true"])),
        0,
        "free again after release"
    );
}

#[test]
fn usage_errors_exit_64_with_one_line_and_a_hint() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let f = s(&lock);
    for args in [
        &[][..],
        &[f],
        &["-w", "-1", f, "true"],
        &["-w", "NaN", f, "true"],
        &["-E", "256", f, "true"],
        &["--bogus", f, "true"],
        &["-n", "-w", "1", f, "true"],
        &["-t", "{nope}", f, "true"],
        &["--status"],
        &["--status", "-n", f],
    ] {
        let out = run(args);
        assert_eq!(code(&out), 64, "{args:?}");
        let err = text(&out.stderr);
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {err}");
        assert!(lines[0].starts_with("lockstamp: "), "{err}");
        assert!(lines[1].contains("lockstamp --help"), "{err}");
        assert_eq!(text(&out.stdout), "");
    }
    assert!(!lock.exists(), "usage errors create nothing");
}

#[test]
fn help_and_version_exit_0() {
    let out = run(&["--help"]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).starts_with("Usage: lockstamp [OPTIONS] FILE COMMAND"));
    let out = run(&["-V"]);
    assert_eq!(code(&out), 0);
    assert!(text(&out.stdout).starts_with("lockstamp "));
}

#[test]
fn command_not_found_is_127_and_not_executable_is_126() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let out = run(&[s(&lock), "lockstamp-no-such-command"]);
    assert_eq!(code(&out), 127);
    let err = text(&out.stderr);
    assert!(err.contains("lockstamp-no-such-command"), "{err}");
    let script = dir.path("not-executable.sh");
    std::fs::write(&script, "#!/bin/sh\n").expect("write");
    let out = run(&[s(&lock), s(&script)]);
    assert_eq!(code(&out), 126);
    assert!(text(&out.stderr).contains("not-executable.sh"));
}

#[test]
fn io_errors_name_the_path_and_the_os_error() {
    let dir = Scratch::new();
    let lock = dir.path("missing-dir/x.lock");
    let out = run(&[s(&lock), "echo", "must not run"]);
    assert_eq!(code(&out), 66, "cannot open the lock file, like flock(1)");
    let err = text(&out.stderr);
    assert!(err.contains("missing-dir/x.lock"), "{err}");
    assert!(
        err.contains("no such file or directory (os error 2)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(text(&out.stdout), "");
    let out = run(&[s(&dir.path("")), "echo", "must not run"]);
    assert_eq!(code(&out), 66, "a directory is not a lock file");
    assert!(text(&out.stderr).contains("is a directory"));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn the_lock_file_is_not_open_in_the_command() {
    if !std::path::Path::new("/proc/self/fd").exists() {
        return; // no /proc here; the SIGKILL test in cli_signals.rs covers this too
    }
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    // Lists the command's open descriptors that point at the lock file; fd 9, opened by
    // the script itself, shows that the listing works. (Under `flock(1)` without `-o`
    // this prints 3 and 9: there COMMAND inherits the lock.)
    let script = "exec 9<\"$0\"; lock=$(readlink -f \"$0\"); \
        for fd in /proc/$$/fd/*; do [ \"$(readlink \"$fd\")\" = \"$lock\" ] && echo \"${fd##*/}\"; done; true";
    let out = run(&[s(&lock), "sh", "-c", script, s(&lock)]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "9\n",
        "the lock descriptor leaked into COMMAND"
    );
}
