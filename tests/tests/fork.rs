//! DESIGN §2: release unlocks explicitly (`LOCK_UN`) before closing, because a forked
//! child may share the open file description, and an `flock` lock belongs to the
//! description: without the explicit unlock, the child's copy would keep the lock held.
#![cfg(unix)]

use lockstamp::{LockFile, Options};
use lockstamp_tests::run;

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

/// Forks a child that keeps every descriptor of this process (the lock file's among them)
/// until the returned pipe end is closed; returns (child pid, write end of the pipe).
fn fork_sleeping_child() -> (libc::pid_t, libc::c_int) {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) };
    assert_eq!(r, 0, "pipe2");
    // SAFETY: the child calls only async-signal-safe functions (close, read, _exit), as
    // required after fork in a multi-threaded process.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        let mut byte = 0u8;
        // SAFETY: valid descriptors from pipe2 and a one-byte buffer on the stack.
        unsafe {
            libc::close(fds[1]);
            libc::read(fds[0], (&mut byte as *mut u8).cast(), 1);
            libc::_exit(0);
        }
    }
    assert!(pid > 0, "fork");
    // SAFETY: our copy of the read end is no longer needed.
    unsafe { libc::close(fds[0]) };
    (pid, fds[1])
}

fn reap(pid: libc::pid_t, pipe: libc::c_int) {
    let mut status = 0;
    // SAFETY: closing our pipe end lets the child's read return; then we reap it.
    unsafe {
        libc::close(pipe);
        assert_eq!(libc::waitpid(pid, &mut status, 0), pid);
    }
}

#[test]
fn a_forked_child_sharing_the_descriptor_does_not_keep_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    for (name, opts) in [
        ("exclusive", Options::new()),
        ("shared", Options::new().shared()),
    ] {
        let path = dir.path().join(format!("{name}.lock"));
        let lock = opts.lock(&path).unwrap();
        let (child, pipe) = fork_sleeping_child();
        // The child still has the lock file's descriptor, sharing our description...
        lock.close().unwrap();
        // ...yet once we released, another process gets the lock at once.
        let (status, out) = run(HOLDER, ["try", path.to_str().unwrap()]);
        assert!(
            status.success(),
            "{name}: the forked child kept the lock: {out}"
        );
        assert_eq!(out.trim(), "locked");
        // And so do we, in this process.
        LockFile::lock(&path).unwrap().close().unwrap();
        reap(child, pipe);
    }
}
