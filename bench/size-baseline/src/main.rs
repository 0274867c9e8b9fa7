//! `size-baseline FILE COMMAND [ARGS...]`: the smallest honest std version of what the
//! `lockstamp` CLI does — open FILE, `try_lock` it, write our pid into it, run COMMAND,
//! exit with its code. Only its stripped size matters (compared in `.ci/run`).

use std::fs::{OpenOptions, TryLockError};
use std::io::{Seek, Write};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(path), Some(program)) = (args.next(), args.next()) else {
        eprintln!("usage: size-baseline FILE COMMAND [ARGS...]");
        return ExitCode::from(64);
    };
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path);
    let mut file = match opened {
        Ok(file) => file,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::from(66);
        }
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            eprintln!("{}: locked", path.to_string_lossy());
            return ExitCode::from(1);
        }
        Err(TryLockError::Error(e)) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::from(74);
        }
    }
    let stamp = format!(" {}\n", std::process::id());
    let written = file
        .rewind()
        .and_then(|()| file.write_all(stamp.as_bytes()))
        .and_then(|()| file.set_len(stamp.len() as u64));
    if let Err(e) = written {
        eprintln!("{}: {e}", path.to_string_lossy());
        return ExitCode::from(74);
    }
    match Command::new(&program).args(args).status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(128) as u8),
        Err(e) => {
            eprintln!("{}: {e}", program.to_string_lossy());
            ExitCode::from(127)
        }
    }
}
