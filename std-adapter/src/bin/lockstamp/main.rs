//! `lockstamp`: run a command while holding a lock file, `flock(1)`-style, and say who
//! holds the lock when it is taken.
//!
//! ```text
//! lockstamp [OPTIONS] FILE COMMAND [ARGS...]
//! lockstamp --status FILE
//! ```
//!
//! Built only with the `cli` feature, so library users pay nothing for it. See `--help`
//! and `docs/cli.md` for options and exit codes.

use std::io::Write;
use std::process::ExitCode;

/// Prints `lockstamp: <message>` on stderr; a closed or broken stderr is ignored.
macro_rules! warn {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), "lockstamp: {}", format_args!($($arg)*));
    }};
}

mod args;
mod exit;
mod holder;
mod lock;
mod run;
mod signals;
mod status;
mod tokens;
mod usage;

fn main() -> ExitCode {
    let code = match args::parse(std::env::args_os().skip(1)) {
        Ok(args::Invocation::Run(run)) => run::run(&run),
        Ok(args::Invocation::Status(file)) => status::report(&file),
        Ok(args::Invocation::Help) => print(usage::HELP),
        Ok(args::Invocation::Version) => print(usage::VERSION),
        Err(args::UsageError(problem)) => {
            usage::print_usage_error(&problem);
            exit::USAGE
        }
    };
    ExitCode::from(code)
}

/// Writes `text` on stdout: exit code 0, or 74 if stdout cannot be written.
fn print(text: &str) -> u8 {
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(_) => exit::IO_ERROR,
    }
}
