//! The `--help` and `--version` texts, and the usage-error line.

/// The `--help` text.
pub const HELP: &str = "\
Usage: lockstamp [OPTIONS] FILE COMMAND [ARGS...]
       lockstamp [OPTIONS] FILE -c SHELL-COMMAND
       lockstamp --status FILE

Take a lock on FILE, stamp it with who holds it, run COMMAND while holding it,
release it, and exit with COMMAND's exit code (128+N if a signal N killed it).
COMMAND does not inherit the lock: if lockstamp itself is killed, the lock is
released at once. INT, TERM and HUP sent to lockstamp are passed on to COMMAND.

Options (before FILE; everything after FILE belongs to COMMAND):
  -n, --nonblock              fail at once if the lock is held (default: wait)
  -w, --wait SECS             wait at most SECS seconds (fractions allowed)
  -s, --shared                take a shared lock instead of an exclusive one
  -t, --template TEMPLATE     stamp template, e.g. '{pid};{hostname}' (default '{pid}')
  -E, --conflict-exit-code N  exit code when the lock is held (default 1)
      --fcntl                 use POSIX fcntl record locks (NFS, lockf peers)
      --create-new            use a dot-lock created with O_EXCL, removed on release
      --remove                remove FILE on release
      --no-stamp              lock without writing anything into FILE
  -v, --verbose               say who holds the lock while waiting for it
      --status                print FILE's holder and whether it is locked
  -h, --help                  print this help
  -V, --version               print the version

Template fields: {pid} {hostname} {uid} {program} {time}.

Exit codes: COMMAND's own; 1 (or -E N) when the lock is held; 64 bad usage;
66 FILE cannot be opened; 71 out of system resources; 73 FILE cannot be
created (read-only or full filesystem); 74 other I/O error on FILE;
126 COMMAND cannot be executed; 127 COMMAND not found.
--status: 0 free, 1 locked, 66 no such file.
";

/// Prints `lockstamp: <problem>` and the hint to `--help` on stderr.
pub fn print_usage_error(problem: &str) {
    eprintln!("lockstamp: {problem}\nTry 'lockstamp --help' for more information.");
}

/// The `--version` line.
pub fn version() -> String {
    format!("lockstamp {}", env!("CARGO_PKG_VERSION"))
}
