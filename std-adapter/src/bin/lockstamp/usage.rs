//! The `--help` and `--version` texts, and the usage-error line.

/// The `--help` text.
pub const HELP: &str = "\
Usage: lockstamp [OPTIONS] FILE COMMAND [ARGS...]
       lockstamp [OPTIONS] FILE -c SHELL-COMMAND
       lockstamp --status FILE

Lock FILE, stamp it, run COMMAND, release; exit with COMMAND's code.

  -n, --nonblock         fail if the lock is held (default: wait)
  -w, --wait SECS        wait at most SECS seconds (e.g. 0.5)
  -s, --shared           shared lock
  -t, --template TMPL    stamp: {pid} (default) {hostname} {uid} {program} {time}
  -E, --conflict-exit-code N  exit code if the lock is held (default 1)
      --fcntl            fcntl record lock
      --create-new       dot-lock (O_EXCL), removed on release
      --remove           remove FILE on release
      --no-stamp         do not write FILE
  -v, --verbose          say who holds the lock while waiting
      --status           print FILE's holder: exit 0 free, 1 locked, 66 missing
  -h, --help, -V, --version

Exit: 64 usage, 66/73/74 FILE errors, 71 OS error, 126/127 COMMAND errors.
";

/// Prints `lockstamp: <problem>` and the hint to `--help` on stderr.
pub fn print_usage_error(problem: &str) {
    eprintln!("lockstamp: {problem}\nTry 'lockstamp --help' for more information.");
}

/// The `--version` line.
pub fn version() -> String {
    format!("lockstamp {}", env!("CARGO_PKG_VERSION"))
}
