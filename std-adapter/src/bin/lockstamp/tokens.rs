//! Splits the command line into options, FILE, and the rest, as `getopt_long` does for
//! `flock(1)` (options stop at the first operand).
//!
//! The splitting itself is lexopt's: short options cluster (`-nv`, `-E42`, `-w0.5`), long
//! options take `--wait=5` or `--wait 5`, `--` ends the options. Only option values must be
//! UTF-8; FILE and everything after it are kept as `OsString`.

use std::ffi::OsString;

use crate::args::UsageError;

/// An option lockstamp knows that takes no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `-h`, `--help`
    Help,
    /// `-V`, `--version`
    Version,
    /// `-n`, `--nonblock`, `--nb`
    Nonblock,
    /// `-s`, `--shared`
    Shared,
    /// `--fcntl`
    Fcntl,
    /// `--create-new`
    CreateNew,
    /// `--remove`
    Remove,
    /// `--no-stamp`
    NoStamp,
    /// `-v`, `--verbose`
    Verbose,
    /// `--status`
    Status,
}

/// An option lockstamp knows that takes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valued {
    /// `-w`, `--wait`, `--timeout`
    Wait,
    /// `-t`, `--template`
    Template,
    /// `-E`, `--conflict-exit-code`
    ConflictCode,
}

/// What an option spelling means.
#[derive(Clone, Copy)]
enum Kind {
    Flag(Flag),
    Valued(Valued),
}

/// The meaning of `-LETTER`.
fn short_option(letter: char) -> Option<Kind> {
    Some(match letter {
        'h' => Kind::Flag(Flag::Help),
        'V' => Kind::Flag(Flag::Version),
        'n' => Kind::Flag(Flag::Nonblock),
        's' => Kind::Flag(Flag::Shared),
        'v' => Kind::Flag(Flag::Verbose),
        'w' => Kind::Valued(Valued::Wait),
        't' => Kind::Valued(Valued::Template),
        'E' => Kind::Valued(Valued::ConflictCode),
        _ => return None,
    })
}

/// The meaning of `--NAME` (a `match`, not a table: a table of `&str` costs the static
/// PIE binary a relocation per entry).
fn long_option(name: &str) -> Option<Kind> {
    Some(match name {
        "help" => Kind::Flag(Flag::Help),
        "version" => Kind::Flag(Flag::Version),
        "nonblock" | "nb" => Kind::Flag(Flag::Nonblock),
        "shared" => Kind::Flag(Flag::Shared),
        "fcntl" => Kind::Flag(Flag::Fcntl),
        "create-new" => Kind::Flag(Flag::CreateNew),
        "remove" => Kind::Flag(Flag::Remove),
        "no-stamp" => Kind::Flag(Flag::NoStamp),
        "verbose" => Kind::Flag(Flag::Verbose),
        "status" => Kind::Flag(Flag::Status),
        "wait" | "timeout" => Kind::Valued(Valued::Wait),
        "template" => Kind::Valued(Valued::Template),
        "conflict-exit-code" => Kind::Valued(Valued::ConflictCode),
        _ => return None,
    })
}

/// One piece of the command line.
#[derive(Debug, PartialEq, Eq)]
pub enum Token {
    /// An option without a value.
    Flag(Flag),
    /// An option and its value.
    Value(Valued, String),
    /// The first operand: FILE. Everything after it is in [`Tokens::rest`].
    File(OsString),
}

/// Reads options off the front of the arguments.
pub struct Tokens {
    parser: lexopt::Parser,
}

/// A lexopt error as a usage error (its messages name the option: "missing argument for
/// option '-w'", "unexpected argument for option '--nonblock'").
fn usage(err: lexopt::Error) -> UsageError {
    UsageError(err.to_string())
}

impl Tokens {
    /// Starts at the first argument after the program name.
    pub fn new(argv: Vec<OsString>) -> Tokens {
        Tokens {
            parser: lexopt::Parser::from_args(argv),
        }
    }

    /// The next option or FILE; `None` when the arguments end first.
    pub fn next(&mut self) -> Result<Option<Token>, UsageError> {
        let kind = match self.parser.next().map_err(usage)? {
            None => return Ok(None),
            Some(lexopt::Arg::Value(file)) => return Ok(Some(Token::File(file))),
            Some(lexopt::Arg::Short(letter)) => short_option(letter)
                .ok_or_else(|| UsageError(format!("invalid option '-{letter}'")))?,
            Some(lexopt::Arg::Long(name)) => {
                long_option(name).ok_or_else(|| UsageError(format!("invalid option '--{name}'")))?
            }
        };
        match kind {
            Kind::Flag(flag) => Ok(Some(Token::Flag(flag))),
            Kind::Valued(opt) => {
                let value = self.parser.value().map_err(usage)?;
                let value = value.into_string().map_err(|value| {
                    let value = value.to_string_lossy();
                    UsageError(format!("option value is not UTF-8: '{value}'"))
                })?;
                Ok(Some(Token::Value(opt, value)))
            }
        }
    }

    /// Everything after FILE, untouched.
    pub fn rest(mut self) -> std::vec::IntoIter<OsString> {
        let rest: Vec<OsString> = match self.parser.raw_args() {
            Ok(raw) => raw.collect(),
            Err(_) => Vec::new(),
        };
        rest.into_iter()
    }
}
