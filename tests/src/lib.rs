//! Shared helpers for lockstamp's cross-process tests and benchmarks.
//!
//! Cross-process tests run the `holder` helper binary (`src/bin/holder.rs`) and synchronise
//! on the lines it prints, never on sleeps. Integration tests find it with
//! `env!("CARGO_BIN_EXE_holder")` and pass that path to [`Helper::spawn`].
#![deny(missing_docs)]

use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};

/// A running helper process, read line by line.
#[derive(Debug)]
pub struct Helper {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Helper {
    /// Starts `exe` with `args`, stdin and stdout piped, stderr inherited.
    pub fn spawn<I, S>(exe: &str, args: I) -> Helper
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut child = Command::new(exe)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {exe}: {e}"));
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Helper {
            child,
            stdin,
            stdout,
        }
    }

    /// The helper's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next line the helper prints, without its newline; panics at end of output.
    pub fn line(&mut self) -> String {
        let mut line = String::new();
        let n = self
            .stdout
            .read_line(&mut line)
            .expect("read helper output");
        assert!(n > 0, "helper {} ended without output", self.child.id());
        line.trim_end_matches('\n').to_owned()
    }

    /// Reads the next line and asserts that it starts with `prefix`; returns the rest.
    pub fn expect(&mut self, prefix: &str) -> String {
        let line = self.line();
        match line.strip_prefix(prefix) {
            Some(rest) => rest.trim_start().to_owned(),
            None => panic!("expected a line starting with {prefix:?}, got {line:?}"),
        }
    }

    /// Sends one line to the helper's stdin (the usual "go on" signal).
    pub fn send(&mut self, line: &str) {
        if let Some(stdin) = &mut self.stdin {
            writeln!(stdin, "{line}").expect("write to helper");
            stdin.flush().expect("flush helper stdin");
        }
    }

    /// Closes stdin, waits for the helper to exit and returns its status and the rest of
    /// its output.
    pub fn finish(mut self) -> (ExitStatus, String) {
        drop(self.stdin.take());
        let mut rest = String::new();
        for line in (&mut self.stdout).lines() {
            rest.push_str(&line.expect("read helper output"));
            rest.push('\n');
        }
        let status = self.child.wait().expect("wait for helper");
        (status, rest)
    }
}

impl Helper {
    /// Starts the `holder` helper binary (`exe`) holding the lock at `path` with extra
    /// `opts` (`--fcntl`, `--template T`, ...) and waits until it says "locked".
    pub fn hold(exe: &str, path: &std::path::Path, opts: &[&str]) -> Helper {
        let mut args = vec!["hold".to_owned(), path.display().to_string()];
        args.extend(opts.iter().map(|s| s.to_string()));
        let mut h = Helper::spawn(exe, args);
        h.expect("locked");
        h
    }

    /// Tells a [`hold`](Helper::hold)ing helper to let go, and checks that it released
    /// cleanly and exited with success.
    pub fn release(mut self) {
        self.send("");
        self.expect("released");
        assert!(self.finish().0.success());
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        // Only reached when a test failed half-way: do not leave helpers behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `exe args...` to completion and returns (exit status, stdout).
pub fn run<I, S>(exe: &str, args: I) -> (ExitStatus, String)
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {exe}: {e}"));
    (
        out.status,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}
