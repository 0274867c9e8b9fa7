//! Runs COMMAND and passes INT, TERM and HUP on to it.
//!
//! - While lockstamp waits for the lock, no handler is installed: a signal does what it
//!   always does (ends lockstamp), and the kernel drops the lock request with it.
//! - [`Forwarder::install`] is called once the lock is held, before COMMAND starts. From
//!   then on INT, TERM and HUP are caught by `signal-hook` (its self-pipe: no code of ours
//!   runs in a signal handler). One that arrives before COMMAND exists is kept and passed on
//!   as soon as it does.
//! - [`Forwarder::wait`] sleeps on that pipe, with `SIGCHLD` registered too, so it wakes
//!   both for a signal to pass on and for COMMAND's exit; there is no polling and no thread.
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
    use signal_hook::iterator::Signals;

    /// Catches INT, TERM and HUP (and `SIGCHLD`, to wake up) until COMMAND has exited.
    pub struct Forwarder {
        signals: Signals,
    }

    impl Forwarder {
        /// Installs the handlers; signals from now on are kept for COMMAND.
        pub fn install() -> io::Result<Forwarder> {
            let signals = Signals::new([SIGINT, SIGTERM, SIGHUP, SIGCHLD])?;
            Ok(Forwarder { signals })
        }

        /// Starts `command`.
        pub fn spawn(&mut self, command: &mut Command) -> io::Result<Child> {
            command.spawn()
        }

        /// Waits for `child` to exit, passing INT, TERM and HUP on to it until then.
        pub fn wait(&mut self, child: &mut Child) -> io::Result<ExitStatus> {
            let pid = Pid::from_child(child);
            let mut caught = self.signals.pending().collect::<Vec<_>>();
            loop {
                // Not reaped yet: the pid is still our child's.
                if let Some(status) = child.try_wait()? {
                    return Ok(status);
                }
                for signal in caught.drain(..) {
                    if let Some(signal) = forwarded(signal) {
                        // Cannot fail for our own unreaped child; nothing to do if it did.
                        let _ = kill_process(pid, signal);
                    }
                }
                // Wakes for the next signal, SIGCHLD included.
                caught.extend(self.signals.wait());
            }
        }
    }

    /// The signal to pass on for one that lockstamp caught (`None` for `SIGCHLD`).
    fn forwarded(signal: i32) -> Option<Signal> {
        match signal {
            SIGINT => Some(Signal::INT),
            SIGTERM => Some(Signal::TERM),
            SIGHUP => Some(Signal::HUP),
            _ => None,
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
