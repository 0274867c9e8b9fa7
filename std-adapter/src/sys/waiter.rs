//! Waiting for a holder to let go, for [`Op::WaitForRelease`](lockstamp_core::machine::Op).
//!
//! The machine decides how long to wait and when to retry; this only sleeps, and wakes early
//! when it can tell that something happened to the lock file. On Linux that is inotify: a
//! watch on the lock file (any close, deletion or attribute change) or, for dot-locks, on
//! its directory (a name deleted or moved away). Watches are set up *before* the first lock
//! attempt, so a release between the attempt and the wait is already queued and the wait
//! returns at once: handing a lock over costs no polling interval. Anywhere else, and
//! whenever inotify is unavailable, the wait is a plain sleep.
//!
//! Closing an inotify instance is slow: the kernel waits for an SRCU grace period
//! (milliseconds), and that close would land between getting a lock and returning it. So
//! a finished waiter removes its watches (cheap) and parks its empty instance in a small
//! process-wide pool for the next waiter; at most [`IDLE_MAX`] idle instances are kept.

use std::fs::File;
use std::time::Duration;

#[cfg(any(target_os = "linux", target_os = "android"))]
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
#[cfg(any(target_os = "linux", target_os = "android"))]
use std::sync::{Mutex, PoisonError};

/// How many idle inotify instances the process keeps for later waiters.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) const IDLE_MAX: usize = 4;

/// Idle inotify instances, with no watches left, ready for the next waiter.
#[cfg(any(target_os = "linux", target_os = "android"))]
static IDLE: Mutex<Vec<OwnedFd>> = Mutex::new(Vec::new());

/// Sleeps until a deadline or a hint that the lock was released.
#[derive(Debug, Default)]
pub(crate) struct Waiter {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    inotify: Option<OwnedFd>,
    /// The watch descriptors this waiter added, removed again when it is dropped.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    watches: Vec<i32>,
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl Drop for Waiter {
    /// `inotify_rm_watch` for each watch, then the empty instance goes back to the pool
    /// (or is closed when the pool is full).
    ///
    /// # References
    ///  - [inotify_rm_watch(2)](https://man7.org/linux/man-pages/man2/inotify_rm_watch.2.html)
    fn drop(&mut self) {
        let Some(ino) = self.inotify.take() else {
            return;
        };
        for wd in self.watches.drain(..) {
            if rustix::fs::inotify::remove_watch(&ino, wd).is_err() {
                // A watch we cannot remove would wake the next waiter for nothing.
                return;
            }
        }
        // The IN_IGNORED events the removals queued.
        drain(ino.as_fd());
        let mut idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_MAX {
            idle.push(ino);
        }
    }
}

impl Waiter {
    /// A waiter with nothing watched yet (it sleeps).
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Watches an open lock file for closes, deletion and attribute changes. Best effort.
    ///
    /// # References
    ///  - [inotify(7)](https://man7.org/linux/man-pages/man7/inotify.7.html)
    pub(crate) fn watch_file(&mut self, file: &File) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::inotify::WatchFlags;
            let flags = WatchFlags::CLOSE_WRITE
                | WatchFlags::CLOSE_NOWRITE
                | WatchFlags::DELETE_SELF
                | WatchFlags::ATTRIB;
            self.add_watch(file, flags);
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = file;
    }

    /// Watches a directory for names being deleted or moved away (dot-locks). Best effort.
    ///
    /// # References
    ///  - [inotify(7)](https://man7.org/linux/man-pages/man7/inotify.7.html)
    pub(crate) fn watch_dir(&mut self, dir: &File) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use rustix::fs::inotify::WatchFlags;
            self.add_watch(dir, WatchFlags::DELETE | WatchFlags::MOVED_FROM);
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        let _ = dir;
    }

    /// `inotify_add_watch("/proc/self/fd/N", flags)`: watching through the descriptor means
    /// no path is resolved again (the capability adapter relies on that).
    #[cfg(any(target_os = "linux", target_os = "android"))]
    fn add_watch(&mut self, file: &File, flags: rustix::fs::inotify::WatchFlags) {
        use rustix::fs::inotify;
        if self.inotify.is_none() {
            let pooled = IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let created = inotify::CreateFlags::CLOEXEC | inotify::CreateFlags::NONBLOCK;
            self.inotify = pooled.or_else(|| inotify::init(created).ok());
        }
        let Some(ino) = &self.inotify else { return };
        let path = format!("/proc/self/fd/{}", file.as_raw_fd());
        match inotify::add_watch(ino, path.as_str(), flags) {
            Ok(wd) => self.watches.push(wd),
            // Waits fall back to sleeping; the instance (and any watch) is dropped.
            Err(_) => {
                self.watches.clear();
                self.inotify = None;
            }
        }
    }

    /// Waits up to `max`, returning early on any watched event.
    ///
    /// # References
    ///  - [poll(2)](https://man7.org/linux/man-pages/man2/poll.2.html)
    pub(crate) fn wait(&mut self, max: Duration) {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if let Some(ino) = &self.inotify {
            if wait_inotify(ino.as_fd(), max) {
                return;
            }
        }
        std::thread::sleep(max);
    }
}

/// Drains queued events or polls for new ones; `false` when inotify failed (caller sleeps).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn wait_inotify(ino: std::os::fd::BorrowedFd<'_>, max: Duration) -> bool {
    use rustix::event::{poll, PollFd, PollFlags};
    if drain(ino) {
        return true;
    }
    let Ok(timeout) = rustix::time::Timespec::try_from(max) else {
        return false;
    };
    let mut fds = [PollFd::from_borrowed_fd(ino, PollFlags::IN)];
    match poll(&mut fds, Some(&timeout)) {
        Ok(_) => {
            drain(ino);
            true
        }
        Err(rustix::io::Errno::INTR) => true,
        Err(_) => false,
    }
}

/// Reads every queued event; whether there was any.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn drain(ino: std::os::fd::BorrowedFd<'_>) -> bool {
    let mut buf = [0u8; 1024];
    let mut any = false;
    while let Ok(n) = rustix::io::read(ino, &mut buf) {
        if n == 0 {
            break;
        }
        any = true;
    }
    any
}

#[cfg(all(test, any(target_os = "linux", target_os = "android")))]
mod tests {
    use super::*;

    #[test]
    fn a_close_of_the_watched_file_is_queued_before_the_wait() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.lock");
        let ours = File::create(&path).unwrap();
        let mut waiter = Waiter::new();
        waiter.watch_file(&ours);
        let ino = waiter.inotify.as_ref().expect("inotify available");
        assert!(!drain(ino.as_fd()), "nothing happened yet");
        // The holder closing its descriptor is what a waiter must not miss.
        drop(File::options().write(true).open(&path).unwrap());
        let ino = waiter.inotify.as_ref().unwrap();
        assert!(drain(ino.as_fd()), "the close was queued");
        assert!(!drain(ino.as_fd()), "and drained");
    }

    #[test]
    fn a_dropped_waiter_parks_a_clean_instance_for_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pool.lock");
        let ours = File::create(&path).unwrap();
        let mut first = Waiter::new();
        first.watch_file(&ours);
        let fd = first
            .inotify
            .as_ref()
            .expect("inotify available")
            .as_raw_fd();
        drop(first);
        // Events for the old watch must not reach the next waiter.
        drop(File::options().write(true).open(&path).unwrap());
        let mut next = Waiter::new();
        next.watch_file(&ours);
        let ino = next.inotify.as_ref().expect("inotify available");
        // Another test may have parked or taken an instance meanwhile; when ours came
        // back, it carries nothing stale.
        if ino.as_raw_fd() == fd {
            assert!(!drain(ino.as_fd()), "no event from the removed watch");
        }
        drop(File::options().write(true).open(&path).unwrap());
        let ino = next.inotify.as_ref().unwrap();
        assert!(drain(ino.as_fd()), "the new watch works");
    }

    #[test]
    fn removing_a_name_in_a_watched_directory_is_queued() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dot.lock");
        std::fs::write(&path, b" 1\n").unwrap();
        let mut waiter = Waiter::new();
        waiter.watch_dir(&File::open(dir.path()).unwrap());
        std::fs::remove_file(&path).unwrap();
        let ino = waiter.inotify.as_ref().expect("inotify available");
        assert!(drain(ino.as_fd()));
    }
}
