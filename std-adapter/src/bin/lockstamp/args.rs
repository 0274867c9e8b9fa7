//! Command-line parsing: turns `argv` into an [`Invocation`], or a one-line usage error.
//!
//! Options come before FILE, as with `flock(1)`: the first argument that is not an option
//! is FILE, and everything after it belongs to COMMAND untouched (so `lockstamp x.lock ls
//! -l` passes `-l` to `ls`). A `--` right after FILE is skipped, and `FILE -c STRING` runs
//! STRING with `/bin/sh -c`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use crate::tokens::{Flag, Token, Tokens, Valued};

/// The shell used for `FILE -c STRING`.
pub const SHELL: &str = "/bin/sh";

/// What the user asked for.
#[derive(Debug, PartialEq)]
pub enum Invocation {
    /// Take the lock, run a command, release.
    Run(RunArgs),
    /// `--status FILE`: report the holder without taking the lock.
    Status(PathBuf),
    /// `-h`/`--help`.
    Help,
    /// `-V`/`--version`.
    Version,
}

/// How long to wait for the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitArg {
    /// The default, like `flock(1)`: block until the lock is free.
    Forever,
    /// `-n`: fail at once when the lock is held.
    Never,
    /// `-w SECS`: give up after this long.
    For(Duration),
}

/// Which locking primitive to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrimitiveArg {
    /// The default: `flock(2)`.
    Flock,
    /// `--fcntl`: POSIX record locks.
    Fcntl,
    /// `--create-new`: a dot-lock created with `O_EXCL`.
    CreateNew,
}

/// Everything `lockstamp [OPTIONS] FILE COMMAND [ARGS...]` needs.
#[derive(Debug, PartialEq)]
pub struct RunArgs {
    /// The lock file.
    pub file: PathBuf,
    /// The program to run.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// How long to wait.
    pub wait: WaitArg,
    /// `-s`: a shared lock.
    pub shared: bool,
    /// `-t`: the stamp template (already validated).
    pub template: Option<String>,
    /// `-E`: the exit code on conflict.
    pub conflict_code: u8,
    /// `--fcntl` / `--create-new`.
    pub primitive: PrimitiveArg,
    /// `--remove`: remove the file on release.
    pub remove: bool,
    /// `--no-stamp`: leave the file's content alone.
    pub no_stamp: bool,
    /// `-v`: say who holds the lock while waiting.
    pub verbose: bool,
}

/// A usage error: the message for `lockstamp: <message>`.
#[derive(Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

/// Options seen before FILE, before we know whether this is a run or `--status`.
struct Seen {
    wait: Option<(WaitArg, &'static str)>,
    primitive: Option<(PrimitiveArg, &'static str)>,
    shared: bool,
    template: Option<String>,
    conflict_code: Option<u8>,
    remove: bool,
    no_stamp: bool,
    verbose: bool,
    status: bool,
}

impl Seen {
    /// The first run-only option given, if any (they make no sense with `--status`).
    fn run_option(&self) -> Option<&'static str> {
        let flags = [
            (self.wait.is_some(), self.wait.map_or("", |w| w.1)),
            (self.primitive.is_some(), self.primitive.map_or("", |p| p.1)),
            (self.shared, "--shared"),
            (self.template.is_some(), "--template"),
            (self.conflict_code.is_some(), "--conflict-exit-code"),
            (self.remove, "--remove"),
            (self.no_stamp, "--no-stamp"),
            (self.verbose, "--verbose"),
        ];
        flags.iter().find(|f| f.0).map(|f| f.1)
    }
}

/// Parses the arguments after the program name.
pub fn parse<I>(argv: I) -> Result<Invocation, UsageError>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    let mut tokens = Tokens::new(argv.into_iter().map(Into::into).collect());
    let mut seen = Seen {
        wait: None,
        primitive: None,
        shared: false,
        template: None,
        conflict_code: None,
        remove: false,
        no_stamp: false,
        verbose: false,
        status: false,
    };
    let file = loop {
        match tokens.next()? {
            None => return Err(UsageError("missing FILE".into())),
            Some(Token::File(file)) => break PathBuf::from(file),
            Some(Token::Flag(flag)) => match flag {
                Flag::Help => return Ok(Invocation::Help),
                Flag::Version => return Ok(Invocation::Version),
                Flag::Nonblock => set_once(&mut seen.wait, WaitArg::Never, "--nonblock")?,
                Flag::Fcntl => set_once(&mut seen.primitive, PrimitiveArg::Fcntl, "--fcntl")?,
                Flag::CreateNew => {
                    set_once(&mut seen.primitive, PrimitiveArg::CreateNew, "--create-new")?
                }
                Flag::Shared => seen.shared = true,
                Flag::Remove => seen.remove = true,
                Flag::NoStamp => seen.no_stamp = true,
                Flag::Verbose => seen.verbose = true,
                Flag::Status => seen.status = true,
            },
            Some(Token::Value(opt, value)) => match opt {
                Valued::Wait => {
                    let secs = parse_seconds(&value)?;
                    set_once(&mut seen.wait, WaitArg::For(secs), "--wait")?
                }
                Valued::Template => seen.template = Some(parse_template(value)?),
                Valued::ConflictCode => seen.conflict_code = Some(parse_code(&value)?),
            },
        }
    };
    let mut rest = tokens.rest();
    if seen.status {
        if let Some(option) = seen.run_option() {
            return Err(UsageError(format!("{option} cannot be used with --status")));
        }
        if let Some(extra) = rest.next() {
            let extra = extra.to_string_lossy();
            return Err(UsageError(format!(
                "--status takes only FILE, got '{extra}'"
            )));
        }
        return Ok(Invocation::Status(file));
    }
    if seen.shared
        && seen
            .primitive
            .is_some_and(|p| p.0 == PrimitiveArg::CreateNew)
    {
        return Err(UsageError(
            "--shared cannot be used with --create-new".into(),
        ));
    }
    let (program, args) = command(rest, &file)?;
    Ok(Invocation::Run(RunArgs {
        file,
        program,
        args,
        wait: seen.wait.map_or(WaitArg::Forever, |w| w.0),
        shared: seen.shared,
        template: seen.template,
        conflict_code: seen.conflict_code.unwrap_or(1),
        primitive: seen.primitive.map_or(PrimitiveArg::Flock, |p| p.0),
        remove: seen.remove,
        no_stamp: seen.no_stamp,
        verbose: seen.verbose,
    }))
}

/// Splits what follows FILE into program and arguments: a leading `--` is skipped, and
/// `-c STRING` means `sh -c STRING`.
fn command(
    mut rest: std::vec::IntoIter<OsString>,
    file: &std::path::Path,
) -> Result<(OsString, Vec<OsString>), UsageError> {
    let mut first = rest.next();
    if first.as_ref().is_some_and(|arg| arg == "--") {
        first = rest.next();
    }
    let Some(program) = first else {
        return Err(UsageError(format!("missing COMMAND after {file:?}")));
    };
    if program == "-c" || program == "--command" {
        return match (rest.next(), rest.next()) {
            (Some(script), None) => Ok((SHELL.into(), vec!["-c".into(), script])),
            _ => Err(UsageError("-c takes exactly one argument".into())),
        };
    }
    Ok((program, rest.collect()))
}

/// Records an option of a group that allows only one member (`-n`/`-w`, `--fcntl`/`--create-new`).
fn set_once<T: Copy>(
    slot: &mut Option<(T, &'static str)>,
    value: T,
    name: &'static str,
) -> Result<(), UsageError> {
    match slot {
        Some((_, before)) if *before != name => Err(UsageError(format!(
            "{before} and {name} cannot be used together"
        ))),
        _ => {
            *slot = Some((value, name));
            Ok(())
        }
    }
}

/// Parses `-w SECS`: digits with an optional fraction (`10`, `0.5`, `.25`), nanosecond
/// precision. Signs, exponents, `inf` and `NaN` are refused (a float parser would also cost
/// the static binary 13 KB).
fn parse_seconds(text: &str) -> Result<Duration, UsageError> {
    let invalid = || UsageError(format!("invalid timeout '{text}' (seconds, e.g. 0.5)"));
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(invalid());
    }
    let secs = match whole {
        "" => 0,
        whole => whole.parse::<u64>().map_err(|_| invalid())?,
    };
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'));
    Ok(Duration::new(secs, nanos))
}

/// Parses `-E CODE`: an exit code from 0 to 255.
fn parse_code(text: &str) -> Result<u8, UsageError> {
    text.parse()
        .map_err(|_| UsageError(format!("invalid exit code '{text}': expected 0 to 255")))
}

/// Parses `-t TEMPLATE` and checks it now, so that a bad template is a usage error.
fn parse_template(text: String) -> Result<String, UsageError> {
    if let Err(e) = lockstamp::core::Template::parse(&text) {
        return Err(UsageError(format!("invalid template '{text}': {e}")));
    }
    Ok(text)
}

#[cfg(test)]
#[path = "args_tests.rs"]
mod tests;
