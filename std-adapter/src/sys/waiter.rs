//! Waiting for a holder to let go, for [`Op::WaitForRelease`](lockstamp_core::machine::Op).
//!
//! The machine decides how long to wait and when to retry; this only sleeps, and wakes early
//! when it can tell that something happened to the lock file. On Linux that is inotify: a
//! watch on the lock file (any close, deletion or attribute change) or, for dot-locks, on
//! its directory (a name deleted or moved away). Watches are set up *before* the first lock
//! attempt, so a release between the attempt and the wait is already queued and the wait
//! returns at once: handing a lock over costs no polling interval. Anywhere else, and
//! whenever inotify is unavailable, the wait is a plain sleep.

use std::fs::File;
use std::time::Duration;

#[cfg(any(target_os = "linux", target_os = "android"))]
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

/// Sleeps until a deadline or a hint that the lock was released.
#[derive(Debug, Default)]
pub(crate) struct Waiter {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    inotify: Option<OwnedFd>,
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
            let created = inotify::CreateFlags::CLOEXEC | inotify::CreateFlags::NONBLOCK;
            self.inotify = inotify::init(created).ok();
        }
        let Some(ino) = &self.inotify else { return };
        let path = format!("/proc/self/fd/{}", file.as_raw_fd());
        if inotify::add_watch(ino, path.as_str(), flags).is_err() {
            self.inotify = None;
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
