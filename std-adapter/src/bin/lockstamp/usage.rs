//! The `--help` and `--version` texts, and the usage-error line.

use std::io::Write;

/// The `--help` text.
pub const HELP: &str = "\
Usage: lockstamp [OPTIONS] FILE COMMAND [ARGS...]
       lockstamp [OPTIONS] FILE -c SHELL-COMMAND
       lockstamp --status FILE

Lock FILE, stamp it, run COMMAND, release; exit with COMMAND's code.

 -n, --nonblock       fail if the lock is held (default: wait)
 -w, --wait SECS      give up after SECS seconds (e.g. 0.5)
 -s, --shared         shared lock
 -t, --template T     stamp: {pid} (default) {hostname} {uid} {program} {time}
 -E, --conflict-exit-code N  exit code if held (default 1)
     --fcntl          fcntl record lock
     --create-new     O_EXCL dot-lock, removed on release
     --remove         remove FILE on release
     --no-stamp       do not write FILE
 -v, --verbose        say who holds the lock while waiting
     --status         print FILE's holder; exit 0 free, 1 locked, 66 missing
 -h, --help / -V, --version

Exit: 64 usage, 66-74 FILE or OS error, 126/127 COMMAND error.
";

/// Prints `lockstamp: <problem>` and the hint to `--help` on stderr.
pub fn print_usage_error(problem: &str) {
    warn!("{problem}\nTry 'lockstamp --help' for more information.");
}

/// The `--version` line.
pub const VERSION: &str = concat!("lockstamp ", env!("CARGO_PKG_VERSION"), "\n");
