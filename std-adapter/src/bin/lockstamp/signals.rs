//! Runs COMMAND and passes INT, TERM and HUP on to it.
//!
//! - While lockstamp waits for the lock, no handler is installed: a signal does what it
//!   always does (ends lockstamp), and the kernel drops the lock request with it.
//! - [`Forwarder::install`] is called once the lock is held, before COMMAND starts. From
//!   then on `signal-hook`'s handler (no code of ours runs in a signal handler) sets a flag
//!   for INT, TERM or HUP and writes a byte into a pipe, for those and for `SIGCHLD`. A
//!   signal that arrives before COMMAND exists is kept and passed on as soon as it does.
//! - [`Forwarder::wait`] sleeps reading that pipe, so it wakes both for a signal to pass on
//!   and for COMMAND's exit; there is no polling and no thread (signal-hook's iterator and
//!   a thread cost the static binary 16 KB).
//!   A signal is sent only after `try_wait` said COMMAND is still running, and only this
//!   thread reaps it, so a pid the system has reused is never signalled.
//!
//! A Ctrl-C in a terminal reaches COMMAND twice (from the terminal, which signals the whole
//! foreground process group, and from us); programs treat that as one interrupt.

use std::io;
use std::process::{Child, Command, ExitStatus};

#[cfg(unix)]
pub use unix::Forwarder;

#[cfg(not(unix))]
pub use other::Forwarder;

#[cfg(unix)]
mod unix {
    use super::*;
    use rustix::process::{kill_process, Pid, Signal};
    use signal_hook::consts::{SIGCHLD, SIGHUP, SIGINT, SIGTERM};
    use signal_hook::low_level::{pipe, unregister};
    use signal_hook::SigId;
    use std::io::{PipeReader, Read};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// The signals passed on to COMMAND.
    const FORWARDED: [(i32, Signal); 3] = [
        (SIGINT, Signal::INT),
        (SIGTERM, Signal::TERM),
        (SIGHUP, Signal::HUP),
    ];

    /// Catches INT, TERM and HUP (and `SIGCHLD`, to wake up) until COMMAND has exited.
    pub struct Forwarder {
        /// One flag per entry of [`FORWARDED`], set by `signal-hook`'s handler.
        caught: [Arc<AtomicBool>; 3],
        /// Every signal above, and `SIGCHLD`, writes a byte here.
        wake: PipeReader,
        /// What to unregister when done (each registration owns and closes its own
        /// duplicate of the pipe's write end).
        registered: Vec<SigId>,
    }

    impl Forwarder {
        /// Installs the handlers; signals from now on are kept for COMMAND.
        pub fn install() -> io::Result<Forwarder> {
            let (wake, wake_writer) = std::io::pipe()?;
            // Registered so far; unregistered by `Drop` if a later step fails.
            let mut forwarder = Forwarder {
                caught: Default::default(),
                wake,
                registered: Vec::new(),
            };
            // The flag first: handlers run in registration order, so a wake-up always
            // finds its flag set.
            for ((signal, _), flag) in FORWARDED.iter().zip(&forwarder.caught) {
                let id = signal_hook::flag::register(*signal, Arc::clone(flag))?;
                forwarder.registered.push(id);
            }
            for signal in [SIGINT, SIGTERM, SIGHUP, SIGCHLD] {
                let id = pipe::register(signal, wake_writer.try_clone()?)?;
                forwarder.registered.push(id);
            }
            Ok(forwarder)
        }

        /// Starts `command`.
        pub fn spawn(&mut self, command: &mut Command) -> io::Result<Child> {
            command.spawn()
        }

        /// Waits for `child` to exit, passing INT, TERM and HUP on to it until then.
        pub fn wait(&mut self, child: &mut Child) -> io::Result<ExitStatus> {
            let pid = Pid::from_child(child);
            let mut bytes = [0u8; 16];
            loop {
                // Not reaped yet: the pid is still our child's.
                if let Some(status) = child.try_wait()? {
                    return Ok(status);
                }
                for ((_, signal), flag) in FORWARDED.iter().zip(&self.caught) {
                    if flag.swap(false, Ordering::SeqCst) {
                        // Cannot fail for our own unreaped child; nothing to do if it did.
                        let _ = kill_process(pid, *signal);
                    }
                }
                // Sleeps until the next signal, SIGCHLD included.
                match self.wake.read(&mut bytes) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                    Ok(_) => {}
                }
            }
        }
    }

    impl Drop for Forwarder {
        fn drop(&mut self) {
            for id in self.registered.drain(..) {
                unregister(id);
            }
        }
    }
}

#[cfg(not(unix))]
mod other {
    use super::*;

    /// Runs COMMAND; this platform has no signals to forward.
    pub struct Forwarder;

    impl Forwarder {
        /// Nothing to install here.
        pub fn install() -> io::Result<Forwarder> {
            Ok(Forwarder)
        }

        /// Starts `command`.
        pub fn spawn(&mut self, command: &mut Command) -> io::Result<Child> {
            command.spawn()
        }

        /// Waits for `child` to exit.
        pub fn wait(&mut self, child: &mut Child) -> io::Result<ExitStatus> {
            child.wait()
        }
    }
}
