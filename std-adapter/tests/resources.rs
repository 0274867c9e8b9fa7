//! A held lock keeps one descriptor, the lock file's, and nothing else (Linux). Waiters
//! park their emptied inotify instances in a small process-wide pool (closing one costs
//! milliseconds); those belong to no lock and are bounded.
//! One test in its own process, so that no other test opens descriptors meanwhile.
#![cfg(target_os = "linux")]

use std::time::Duration;

use lockstamp::{Options, Primitive, Wait};

/// The targets of this process's open descriptors, without idle pooled inotify instances
/// (their number is checked separately).
fn open_fds() -> Vec<String> {
    let mut fds: Vec<String> = all_fds()
        .into_iter()
        .filter(|t| t != "anon_inode:inotify")
        .collect();
    fds.sort();
    fds
}

fn all_fds() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .map(|t| t.display().to_string())
        .collect()
}

/// Idle inotify instances the waiters' pool keeps (at most 4, whatever the number of locks).
fn pooled_inotify() -> usize {
    all_fds()
        .iter()
        .filter(|t| *t == "anon_inode:inotify")
        .count()
}

#[test]
fn held_locks_keep_only_the_lock_file_open_and_release_everything() {
    let dir = tempfile::tempdir().unwrap();
    let before = open_fds();
    for primitive in [Primitive::Flock, Primitive::Fcntl, Primitive::CreateNew] {
        let path = dir.path().join(format!("{primitive:?}.r.lock"));
        let waiting = Options::new()
            .primitive(primitive)
            .wait(Wait::For(Duration::from_secs(5)));
        // Contended first, so that the waiter sets up its watches...
        let first = waiting.lock(&path).unwrap();
        let other = std::thread::spawn({
            let (w, p) = (waiting.clone(), path.clone());
            move || w.lock(&p).map(drop)
        });
        drop(first);
        other.join().unwrap().unwrap();
        // ...then held: the lock file is the only new descriptor; no inotify instance.
        let held = waiting.lock(&path).unwrap();
        let during = open_fds();
        let new: Vec<_> = during.iter().filter(|f| !before.contains(f)).collect();
        assert!(
            new.iter().all(|f| f.ends_with("r.lock")) && new.len() <= 1,
            "{primitive:?}: {new:?}"
        );
        held.close().unwrap();
        assert_eq!(open_fds(), before, "{primitive:?}: everything closed");
        assert!(pooled_inotify() <= 4, "{primitive:?}: inotify pool bounded");
    }
}
