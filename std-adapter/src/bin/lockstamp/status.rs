//! `lockstamp --status FILE`: who holds the lock, and whether it is locked right now.

use std::io::{self, Write};

use lockstamp::{Options, Primitive};

use crate::args::{PrimitiveArg, StatusArgs};
use crate::exit;
use crate::holder::message;

/// Prints FILE's state on stdout; returns 0 when free, 1 when locked, 66 when missing.
pub fn report(args: &StatusArgs) -> u8 {
    let name = &args.file;
    // The library calls a missing file free; a script asking about it wants to know.
    if let Err(e) = std::fs::symlink_metadata(&args.file) {
        if e.kind() == io::ErrorKind::NotFound {
            warn!("{name:?}: no such file");
            return exit::NO_INPUT;
        }
    }
    let mut options = Options::new().primitive(match args.primitive {
        PrimitiveArg::Flock => Primitive::Flock,
        PrimitiveArg::Fcntl => Primitive::Fcntl,
        PrimitiveArg::CreateNew => Primitive::CreateNew,
    });
    if let Some(template) = &args.template {
        options = options.template(template);
    }
    let status = match options.status(&args.file) {
        Ok(status) => status,
        Err(e) => {
            warn!("{}", message(&e));
            return exit::for_lock_error(&e);
        }
    };
    let holder = status.holder.filter(|h| !h.is_empty());
    let line = match (status.locked, holder) {
        (true, Some(holder)) => format!("{name:?}: locked, held by {holder}\n"),
        (true, None) => format!("{name:?}: locked (holder unknown)\n"),
        (false, Some(holder)) => format!("{name:?}: free (last holder: {holder})\n"),
        (false, None) => format!("{name:?}: free\n"),
    };
    if io::stdout().write_all(line.as_bytes()).is_err() {
        return exit::IO_ERROR;
    }
    u8::from(status.locked)
}
