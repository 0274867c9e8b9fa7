//! Signals: SIGKILL of lockstamp releases the lock while COMMAND lives (COMMAND does not
//! inherit the lock), and INT/TERM/HUP are passed on to COMMAND.
#![cfg(feature = "cli")]

mod cli_support;

use cli_support::{code, run, s, text, Proc, Scratch};

#[test]
fn sigkill_of_lockstamp_releases_the_lock_while_the_command_lives() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, _) = Proc::hold(&[], &lock);
    holder.child.kill().expect("SIGKILL lockstamp");
    holder.child.wait().expect("reap lockstamp");
    // The command still runs (blocked reading stdin) and yet the lock is free.
    let out = run(&["-n", s(&lock), "echo", "second"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "second\n");
    // The orphaned command was alive all along: it answers now.
    holder.release();
}

#[test]
fn term_is_forwarded_and_the_commands_exit_code_wins() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    // `wait` returns at once when a trapped signal arrives (POSIX), so the trap runs now.
    let script =
        "trap 'echo got TERM; kill $p; exit 7' TERM; echo ready; sleep 600 & p=$!; wait $p";
    let mut proc = Proc::start(&[s(&lock), "sh", "-c", script]);
    assert_eq!(proc.line(), "ready");
    proc.signal("TERM");
    assert_eq!(proc.line(), "got TERM");
    assert_eq!(proc.finish(), 7);
}

#[test]
fn int_and_hup_are_forwarded_too() {
    for signal in ["INT", "HUP"] {
        let dir = Scratch::new();
        let lock = dir.path("x.lock");
        let script =
            format!("trap 'echo got {signal}; kill $p; exit 9' {signal}; echo ready; sleep 600 & p=$!; wait $p");
        let mut proc = Proc::start(&[s(&lock), "sh", "-c", &script]);
        assert_eq!(proc.line(), "ready");
        proc.signal(signal);
        assert_eq!(proc.line(), format!("got {signal}"));
        assert_eq!(proc.finish(), 9);
    }
}

#[test]
fn a_command_killed_by_the_forwarded_term_gives_143() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let mut proc = Proc::start(&[s(&lock), "sh", "-c", "echo ready; exec sleep 600"]);
    assert_eq!(proc.line(), "ready");
    proc.signal("TERM");
    assert_eq!(proc.finish(), 128 + 15);
    // And the lock is free again.
    assert_eq!(code(&run(&["-n", s(&lock), "true"])), 0);
}

#[test]
fn term_while_waiting_for_the_lock_ends_lockstamp_without_running_the_command() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, _) = Proc::hold(&[], &lock);
    let mut waiter = Proc::start(&["-v", s(&lock), "echo", "must not run"]);
    assert!(waiter.err_line().starts_with("lockstamp: waiting for"));
    waiter.signal("TERM");
    waiter.stdin.take();
    let status = waiter.child.wait().expect("wait");
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.signal(),
        Some(15),
        "dies of the signal, as without a handler"
    );
    assert_eq!(waiter.line(), "", "the command never ran");
    holder.release();
    assert_eq!(holder.finish(), 0);
}
