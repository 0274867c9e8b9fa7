//! Tens of thousands of lock/close cycles, losing attempts, timed waits and status calls
//! leave exactly the descriptors that were open before (Linux: `/proc/self/fd`).
//! Waiters park emptied inotify instances in a bounded process-wide pool (at most 4):
//! those are counted separately, and their number must not grow with the cycles.
//! One test in its own process, so that no other test opens descriptors meanwhile.
#![cfg(target_os = "linux")]

use std::time::Duration;

use lockstamp::{LockFile, Options, Primitive, Wait};

/// `"N -> target"` for every open descriptor but the pooled inotify instances.
fn open_fds() -> Vec<String> {
    let mut fds: Vec<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let target = std::fs::read_link(e.path()).ok()?;
            Some(format!(
                "{} -> {}",
                e.file_name().to_string_lossy(),
                target.display()
            ))
        })
        .filter(|line| !line.ends_with("anon_inode:inotify"))
        .collect();
    fds.sort();
    fds
}

/// How many inotify instances are open (only the waiters' idle pool, between locks).
fn inotify_instances() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter(|t| t.as_os_str() == "anon_inode:inotify")
        .count()
}

#[test]
fn no_descriptor_survives_many_cycles_in_any_mode() {
    let dir = tempfile::tempdir().unwrap();
    // read_dir's own descriptor shows up while listing; list once to settle.
    let _ = open_fds();
    let before = open_fds();
    let modes = [
        ("flock", Options::new()),
        ("fcntl", Options::new().primitive(Primitive::Fcntl)),
        ("dot", Options::new().primitive(Primitive::CreateNew)),
        ("remove", Options::new().remove_on_release(true)),
        ("shared", Options::new().shared()),
        ("unstamped", Options::new().no_stamp()),
    ];
    for (name, opts) in &modes {
        let path = dir.path().join(format!("{name}.lock"));
        for _ in 0..10_000 {
            opts.lock(&path).unwrap().close().unwrap();
        }
        // Dropping instead of closing.
        for _ in 0..1_000 {
            drop(opts.lock(&path).unwrap());
        }
        // Losing attempts while held, and status.
        let exclusive = opts.clone().wait(Wait::Never);
        let held = LockFile::options()
            .primitive(if *name == "dot" {
                Primitive::CreateNew
            } else if *name == "fcntl" {
                Primitive::Fcntl
            } else {
                Primitive::Flock
            })
            .lock(&path)
            .unwrap();
        if *name != "shared" {
            for _ in 0..2_000 {
                assert!(exclusive.lock(&path).unwrap_err().is_locked());
                let _ = exclusive.status(&path).unwrap();
            }
            // Timed waits that run out set up (and must drop) their inotify watches.
            let timed = exclusive.clone().wait(Wait::For(Duration::from_millis(2)));
            for _ in 0..50 {
                assert!(timed.lock(&path).unwrap_err().is_locked());
            }
        }
        held.close().unwrap();
        assert_eq!(open_fds(), before, "{name}: descriptors leaked");
        assert!(inotify_instances() <= 4, "{name}: inotify pool grew");
    }
}
