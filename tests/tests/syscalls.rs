//! The on-disk protocol of DESIGN §2, checked on the system calls themselves: the helper
//! runs under `strace` and the calls it makes on the lock file are compared with the
//! contract (flags, order, offsets, explicit unlock, nothing written on contention, no lock
//! taken by `status`).
//!
//! Needs `strace` (and ptrace permission). Without it the tests print why and pass, unless
//! `LOCKSTAMP_REQUIRE_INTEROP=1` (as in `.ci/run`), which turns that into a failure.
#![cfg(target_os = "linux")]

use std::path::Path;
use std::process::Command;

use lockstamp_tests::Helper;

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

const TRACED: &str = "trace=open,openat,flock,fcntl,pread64,read,pwrite64,write,ftruncate,\
                      close,fstat,newfstatat,statx,unlink,unlinkat";

/// Whether strace can trace a child here; panics instead when interop is required.
fn strace_available() -> bool {
    let ok = Command::new("strace")
        .args(["-o", "/dev/null", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        let why = "strace is missing or cannot trace here";
        if std::env::var_os("LOCKSTAMP_REQUIRE_INTEROP").is_some_and(|v| v == "1") {
            panic!("{why}, and LOCKSTAMP_REQUIRE_INTEROP=1");
        }
        eprintln!("SKIPPED syscall checks: {why}");
    }
    ok
}

/// Runs `holder ARGS` under strace; returns its stdout and the traced calls made on the
/// lock file's descriptor, from the `openat` of `lock` to its `close`, as strace prints
/// them (without the pid).
fn trace(dir: &Path, lock: &Path, args: &[&str]) -> (String, Vec<String>) {
    let log = dir.join("strace.log");
    let out = Command::new("strace")
        .args(["-f", "-qq", "-e", TRACED, "-o"])
        .arg(&log)
        .arg(HOLDER)
        .args(args)
        .output()
        .expect("run strace");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let text = std::fs::read_to_string(&log).expect("strace log");
    let needle = format!("\"{}\"", lock.display());
    let mut calls = Vec::new();
    let mut fd: Option<String> = None;
    for line in text.lines() {
        // "PID  call(args) = result"
        let call = line.split_once(' ').map_or(line, |(_, c)| c).trim_start();
        if call.contains("F_GETFD") {
            // std's debug-build check that a descriptor is open before closing it.
            continue;
        }
        match &fd {
            None => {
                if (call.starts_with("openat(") || call.starts_with("open("))
                    && call.contains(&needle)
                {
                    let ret = call.rsplit("= ").next().unwrap_or("").trim();
                    assert!(ret.parse::<u32>().is_ok(), "open failed: {call}");
                    fd = Some(ret.to_owned());
                    calls.push(call.to_owned());
                }
            }
            Some(n) => {
                let on_fd = call.split_once('(').is_some_and(|(_, a)| {
                    a.starts_with(&format!("{n},"))
                        || a == format!("{n})")
                        || a.starts_with(&format!("{n})"))
                });
                let on_path = call.contains(&needle);
                if on_fd || on_path {
                    calls.push(call.split_whitespace().collect::<Vec<_>>().join(" "));
                    if call.starts_with(&format!("close({n})")) {
                        break;
                    }
                }
            }
        }
    }
    assert!(!calls.is_empty(), "no open of {needle} in:\n{text}");
    (stdout, calls)
}

fn name(call: &str) -> &str {
    call.split('(').next().unwrap_or("")
}

/// The open flags, as strace spells them, sorted.
fn open_flags(call: &str) -> Vec<&str> {
    let args = call.split_once('(').map_or("", |(_, a)| a);
    let mut flags: Vec<&str> = args
        .split(", ")
        .find(|a| a.starts_with("O_"))
        .unwrap_or("")
        .split('|')
        .collect();
    flags.sort_unstable();
    flags
}

fn sorted(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v
}

#[test]
fn flock_lock_and_close_make_exactly_the_contract_calls() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    std::fs::write(&path, b" 99999;some-much-longer-old-stamp\n").unwrap();
    let (out, calls) = trace(dir.path(), &path, &["try", path.to_str().unwrap()]);
    assert_eq!(out.trim(), "locked");
    let names: Vec<&str> = calls.iter().map(|c| name(c)).collect();
    assert_eq!(
        open_flags(&calls[0]),
        sorted(vec![
            "O_RDWR",
            "O_CREAT",
            "O_CLOEXEC",
            "O_NOFOLLOW",
            "O_NOCTTY"
        ]),
        "{calls:#?}"
    );
    assert!(calls[0].contains(", 0600)"), "mode 0600: {}", calls[0]);
    // fstat before anything else, then the lock, the stamp at 0, the truncation to its
    // length, the explicit unlock, the close.
    let stat = ["fstat", "newfstatat", "statx"];
    assert!(stat.contains(&names[1]), "{calls:#?}");
    let rest: Vec<&str> = names[2..].to_vec();
    assert_eq!(
        rest,
        ["flock", "pwrite64", "ftruncate", "flock", "close"],
        "{calls:#?}"
    );
    assert!(calls[2].contains("LOCK_EX|LOCK_NB"), "{}", calls[2]);
    let stamp = format!(" {}\\n", out_pid(&calls[3]));
    assert!(
        calls[3].ends_with(&format!("{}, 0) = {}", stamp.len() - 1, stamp.len() - 1)),
        "stamp at offset 0: {}",
        calls[3]
    );
    assert!(
        calls[4].contains(&format!(", {})", stamp.len() - 1)),
        "{}",
        calls[4]
    );
    assert!(
        calls[5].contains("LOCK_UN") && !calls[5].contains("LOCK_NB"),
        "{}",
        calls[5]
    );
}

/// The pid in a traced `pwrite64(fd, " PID\n", ...)`.
fn out_pid(call: &str) -> String {
    call.split('"')
        .nth(1)
        .unwrap_or("")
        .trim()
        .trim_end_matches("\\n")
        .to_owned()
}

#[test]
fn contention_reads_at_most_512_bytes_and_writes_nothing() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (primitive, lock_call) in [("", "flock"), ("--fcntl", "fcntl")] {
        let path = dir.path().join(format!("busy{primitive}.lock"));
        // A holder whose stamp is far longer than what a loser may read.
        let template = "x".repeat(200);
        let mut holder = Helper::spawn(
            HOLDER,
            ["hold", path.to_str().unwrap(), "--template", &template]
                .into_iter()
                .chain((!primitive.is_empty()).then_some(primitive)),
        );
        holder.expect("locked");
        let mut args = vec!["try", path.to_str().unwrap()];
        if !primitive.is_empty() {
            args.push(primitive);
        }
        let (out, calls) = trace(dir.path(), &path, &args);
        assert!(out.starts_with("busy"), "{out}");
        let names: Vec<&str> = calls.iter().map(|c| name(c)).collect();
        for forbidden in ["pwrite64", "write", "ftruncate", "unlink", "unlinkat"] {
            assert!(
                !names.contains(&forbidden),
                "{forbidden} on contention: {calls:#?}"
            );
        }
        let lock = calls.iter().find(|c| name(c) == lock_call).unwrap();
        assert!(lock.contains("EAGAIN") || lock.contains("EACCES"), "{lock}");
        if lock_call == "fcntl" {
            assert!(
                lock.contains("F_SETLK,") && lock.contains("F_WRLCK"),
                "{lock}"
            );
        }
        let read: usize = calls
            .iter()
            .filter(|c| matches!(name(c), "pread64" | "read"))
            .map(|c| {
                c.rsplit("= ")
                    .next()
                    .unwrap()
                    .trim()
                    .parse::<usize>()
                    .unwrap()
            })
            .sum();
        assert!(read <= 512, "read {read} bytes: {calls:#?}");
        assert!(out.contains(&"x".repeat(20)), "holder named: {out}");
        holder.send("");
        holder.expect("released");
        assert!(holder.finish().0.success());
    }
}

#[test]
fn fcntl_and_dot_locks_follow_the_contract() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.lock");
    let (_, calls) = trace(
        dir.path(),
        &path,
        &["try", path.to_str().unwrap(), "--fcntl"],
    );
    let names: Vec<&str> = calls.iter().map(|c| name(c)).collect();
    assert_eq!(
        names[2..],
        ["fcntl", "pwrite64", "ftruncate", "fcntl", "close"],
        "{calls:#?}"
    );
    assert!(
        calls[2].contains("F_SETLK,") && calls[2].contains("F_WRLCK"),
        "{}",
        calls[2]
    );
    assert!(calls[5].contains("F_UNLCK"), "{}", calls[5]);

    let path = dir.path().join("d.lock");
    let (_, calls) = trace(
        dir.path(),
        &path,
        &["try", path.to_str().unwrap(), "--create-new"],
    );
    assert_eq!(
        open_flags(&calls[0]),
        sorted(vec![
            "O_RDWR",
            "O_CREAT",
            "O_EXCL",
            "O_CLOEXEC",
            "O_NOFOLLOW",
            "O_NOCTTY"
        ]),
        "{calls:#?}"
    );
    let names: Vec<&str> = calls.iter().map(|c| name(c)).collect();
    // Release: the path is removed only after checking that it is still the file this
    // process created (fstat of the handle, lstat of the path), then the handle closed.
    let n = names.len();
    assert!(n >= 5, "{calls:#?}");
    assert_eq!(names[1], "pwrite64", "{calls:#?}");
    assert_eq!(names[n - 2..], ["unlinkat", "close"], "{calls:#?}");
    let checks = &calls[2..n - 2];
    assert!(
        checks
            .iter()
            .all(|c| ["fstat", "newfstatat", "statx"].contains(&name(c))),
        "{calls:#?}"
    );
    assert!(
        checks
            .iter()
            .any(|c| c.contains("d.lock") && c.contains("AT_SYMLINK_NOFOLLOW")),
        "the path is checked before it is removed: {calls:#?}"
    );
    assert!(!path.exists(), "a dot-lock is removed on release");
}

#[test]
fn status_takes_no_lock_and_writes_nothing() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.lock");
    let mut holder = Helper::spawn(HOLDER, ["hold", path.to_str().unwrap()]);
    holder.expect("locked");
    let (out, calls) = trace(dir.path(), &path, &["status", path.to_str().unwrap()]);
    let log = std::fs::read_to_string(dir.path().join("strace.log")).unwrap();
    assert!(
        log.contains("\"/proc/locks\""),
        "status reads /proc/locks:\n{log}"
    );
    assert_eq!(out.trim(), "status locked");
    let names: Vec<&str> = calls.iter().map(|c| name(c)).collect();
    for forbidden in ["flock", "fcntl", "pwrite64", "write", "ftruncate"] {
        assert!(
            !names.contains(&forbidden),
            "{forbidden} in status: {calls:#?}"
        );
    }
    assert!(open_flags(&calls[0]).contains(&"O_RDONLY"), "{}", calls[0]);
    holder.send("");
    holder.expect("released");
    assert!(holder.finish().0.success());
}

#[test]
fn shared_and_unstamped_locks_write_nothing() {
    if !strace_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (flag, lock) in [
        ("--shared", "LOCK_SH|LOCK_NB"),
        ("--no-stamp", "LOCK_EX|LOCK_NB"),
    ] {
        let path = dir.path().join(format!("{flag}.lock"));
        std::fs::write(&path, b" 1;earlier\n").unwrap();
        let (out, calls) = trace(dir.path(), &path, &["try", path.to_str().unwrap(), flag]);
        assert_eq!(out.trim(), "locked");
        let names: Vec<&str> = calls.iter().map(|c| name(c)).collect();
        assert_eq!(
            names[2..],
            ["flock", "flock", "close"],
            "{flag}: {calls:#?}"
        );
        assert!(calls[2].contains(lock), "{flag}: {}", calls[2]);
        assert!(calls[3].contains("LOCK_UN"), "{flag}: {}", calls[3]);
        assert_eq!(std::fs::read(&path).unwrap(), b" 1;earlier\n");
    }
}
