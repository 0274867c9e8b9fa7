//! Shared helpers for the `lockstamp` CLI tests: run the built binary in real processes and
//! synchronise on the lines they print, never on sleeps.

#![allow(dead_code)] // each test file uses a different subset

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Output, Stdio};
use std::sync::Once;
use std::time::Duration;

/// The `lockstamp` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_lockstamp");

/// A shell command run under the lock by holders: says `locked <lockstamp's pid>`, then
/// holds the lock until a line (or EOF) arrives on stdin, then says `done`.
pub const HOLD: &str = "echo locked $PPID; read line; echo done";

/// Ends the test binary if a test hangs (a broken lock would block forever); not a timing
/// assertion: no correct run comes anywhere near it.
pub fn watchdog() {
    static START: Once = Once::new();
    START.call_once(|| {
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_secs(300));
            eprintln!("cli test watchdog: a test hung for 300 s");
            std::process::exit(101);
        });
    });
}

/// A temporary directory with a lock file path in it.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A fresh directory.
    pub fn new() -> Scratch {
        watchdog();
        Scratch {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    /// A path inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

/// Runs `lockstamp ARGS` to completion with no stdin.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run lockstamp")
}

/// `path` as a `&str` for argument lists.
pub fn s(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temp path")
}

/// The exit code of a finished run, failing the test if there is none.
pub fn code(out: &Output) -> i32 {
    out.status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal: {out:?}"))
}

/// Text of a captured stream.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A running `lockstamp` whose stdin, stdout and stderr the test holds; killed on drop.
pub struct Proc {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    pub stdout: BufReader<ChildStdout>,
    pub stderr: BufReader<ChildStderr>,
}

impl Proc {
    /// Starts `lockstamp ARGS` with all three streams piped.
    pub fn start(args: &[&str]) -> Proc {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start lockstamp");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
        Proc {
            child,
            stdin,
            stdout,
            stderr,
        }
    }

    /// Starts `lockstamp OPTIONS FILE sh -c HOLD` and waits until it holds the lock.
    /// Returns it with the pid its command printed (the `lockstamp` process).
    pub fn hold(options: &[&str], file: &Path) -> (Proc, u32) {
        let mut args = options.to_vec();
        args.extend([s(file), "sh", "-c", HOLD]);
        let mut proc = Proc::start(&args);
        let line = proc.line();
        let pid = line
            .strip_prefix("locked ")
            .and_then(|pid| pid.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "expected 'locked PID', got {line:?}: {}",
                    proc.rest_of_stderr()
                )
            });
        (proc, pid)
    }

    /// The next line on stdout, without its newline ("" at EOF).
    pub fn line(&mut self) -> String {
        read_line(&mut self.stdout)
    }

    /// The next line on stderr, without its newline ("" at EOF).
    pub fn err_line(&mut self) -> String {
        read_line(&mut self.stderr)
    }

    /// Everything left on stderr (waits for EOF).
    pub fn rest_of_stderr(&mut self) -> String {
        let mut all = String::new();
        while let Ok(n) = std::io::Read::read_to_string(&mut self.stderr, &mut all) {
            if n == 0 {
                break;
            }
        }
        all
    }

    /// Lets a `HOLD` command finish (sends it a line) and checks it said `done`.
    pub fn release(&mut self) {
        if let Some(stdin) = self.stdin.as_mut() {
            stdin
                .write_all(b"go\n")
                .expect("write to the holder's stdin");
        }
        assert_eq!(self.line(), "done");
    }

    /// Waits for the process and returns its exit code.
    pub fn finish(&mut self) -> i32 {
        self.stdin.take();
        let status = self.child.wait().expect("wait for lockstamp");
        status
            .code()
            .unwrap_or_else(|| panic!("lockstamp killed by a signal: {status:?}"))
    }

    /// Sends `signal` (a name such as `TERM`) to the `lockstamp` process.
    pub fn signal(&self, signal: &str) {
        let sent = Command::new("sh")
            .args(["-c", &format!("kill -{signal} {}", self.child.id())])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -{signal} failed");
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_line(reader: &mut impl BufRead) -> String {
    let mut line = String::new();
    reader.read_line(&mut line).expect("read a line");
    line.trim_end_matches('\n').to_string()
}
