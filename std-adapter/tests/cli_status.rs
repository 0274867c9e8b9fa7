//! `lockstamp --status FILE`: 0 free, 1 locked, 66 missing, and who holds it.
#![cfg(feature = "cli")]

mod cli_support;

use cli_support::{code, run, s, text, Proc, Scratch};

#[test]
fn status_of_a_missing_file_is_66() {
    let dir = Scratch::new();
    let lock = dir.path("nothing.lock");
    let out = run(&["--status", s(&lock)]);
    assert_eq!(code(&out), 66);
    assert!(text(&out.stderr).contains("nothing.lock"));
    assert!(!lock.exists(), "--status creates nothing");
}

#[test]
fn status_reports_locked_with_the_holder_then_free_with_the_last_holder() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, pid) = Proc::hold(&[], &lock);
    let out = run(&["--status", s(&lock)]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(line.contains("locked, held by pid"), "{line}");
    assert!(line.contains(&format!("pid {pid}")), "{line}");
    holder.release();
    assert_eq!(holder.finish(), 0);
    let out = run(&["--status", s(&lock)]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(line.contains("free (last holder: pid"), "{line}");
    assert!(line.contains(&format!("pid {pid}")), "{line}");
}

#[test]
fn status_of_an_empty_free_file_is_just_free() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    std::fs::write(&lock, "").expect("write");
    let out = run(&["--status", s(&lock)]);
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stdout), format!("\"{}\": free\n", s(&lock)));
}

#[test]
fn status_does_not_take_the_lock_away() {
    let dir = Scratch::new();
    let lock = dir.path("x.lock");
    let (mut holder, _) = Proc::hold(&[], &lock);
    assert_eq!(code(&run(&["--status", s(&lock)])), 1);
    assert_eq!(
        code(&run(&["-n", s(&lock), "true"])),
        1,
        "still held after --status"
    );
    holder.release();
    assert_eq!(holder.finish(), 0);
}
