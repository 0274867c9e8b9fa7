//! `lockstamp FILE COMMAND...`: lock, run, wait, release.

use std::io::Write;
use std::process::Command;

use crate::args::RunArgs;
use crate::exit;
use crate::holder::message;
use crate::lock;
use crate::signals::Forwarder;

/// Runs COMMAND under the lock and returns lockstamp's exit code.
pub fn run(args: &RunArgs) -> u8 {
    // No handlers yet: a signal while we wait for the lock ends lockstamp as usual.
    let lock = match lock::acquire(args) {
        Ok(lock) => lock,
        Err(code) => return code,
    };
    let code = match Forwarder::install() {
        Ok(mut forwarder) => run_command(&mut forwarder, args),
        Err(e) => {
            warn!("cannot set up signal forwarding: {e}");
            exit::OS_ERROR
        }
    };
    match lock.close() {
        Ok(()) => code,
        // COMMAND's own failure stays the exit code; a release failure shows when it succeeded.
        Err(e) if code == 0 => lock::failed(e, args),
        Err(e) => {
            warn!("{}", message(&e));
            code
        }
    }
}

/// Starts COMMAND, waits for it, and returns its exit code (or 126/127 if it cannot start).
fn run_command(forwarder: &mut Forwarder, args: &RunArgs) -> u8 {
    let mut command = Command::new(&args.program);
    command.args(&args.args);
    match forwarder.spawn(&mut command) {
        Ok(mut child) => match forwarder.wait(&mut child) {
            Ok(status) => exit::of_status(status),
            Err(e) => {
                warn!("cannot wait for {:?}: {e}", args.program);
                exit::OS_ERROR
            }
        },
        Err(e) => {
            warn!("cannot run {:?}: {e}", args.program);
            exit::for_spawn_error(&e)
        }
    }
}
