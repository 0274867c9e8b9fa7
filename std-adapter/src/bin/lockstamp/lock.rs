//! Taking the lock as the command line asks, with `-v`'s waiting line.

use std::io::Write;
use std::time::Instant;

use lockstamp::{LockError, LockFile, Options, Primitive, Wait};

use crate::args::{PrimitiveArg, RunArgs, WaitArg};
use crate::exit;
use crate::holder::{held_by, message};

/// Takes the lock on `args.file`; on failure prints one line and returns the exit code
/// (`-E`'s code for contention).
pub fn acquire(args: &RunArgs) -> Result<LockFile, u8> {
    let start = Instant::now();
    if args.verbose && args.wait != WaitArg::Never {
        // Try once without waiting, so that we can say who we are waiting for.
        match options(args, Wait::Never).lock(&args.file) {
            Ok(lock) => return Ok(lock),
            Err(e) if e.is_locked() => {
                let file = &args.file;
                warn!("waiting for {file:?} ({})", held_by(e.holder()));
            }
            Err(e) => return Err(failed(e, args)),
        }
    }
    let wait = match args.wait {
        WaitArg::Forever => Wait::Forever,
        WaitArg::Never => Wait::Never,
        WaitArg::For(limit) => Wait::For(limit.saturating_sub(start.elapsed())),
    };
    options(args, wait)
        .lock(&args.file)
        .map_err(|e| failed(e, args))
}

/// The library options for `args`, waiting as `wait` says.
fn options(args: &RunArgs, wait: Wait) -> Options {
    let mut options = Options::new()
        .wait(wait)
        .remove_on_release(args.remove)
        .primitive(primitive(args.primitive));
    if args.shared {
        options = options.shared();
    }
    if args.no_stamp {
        options = options.no_stamp();
    }
    if let Some(template) = &args.template {
        options = options.template(template);
    }
    options
}

/// The library's primitive for `--fcntl`, `--create-new` or neither.
fn primitive(arg: PrimitiveArg) -> Primitive {
    match arg {
        PrimitiveArg::Flock => Primitive::Flock,
        PrimitiveArg::Fcntl => Primitive::Fcntl,
        PrimitiveArg::CreateNew => Primitive::CreateNew,
    }
}

/// Reports a failed lock and picks the exit code.
pub fn failed(e: LockError, args: &RunArgs) -> u8 {
    warn!("{}", message(&e));
    if e.is_locked() {
        args.conflict_code
    } else {
        exit::for_lock_error(&e)
    }
}
