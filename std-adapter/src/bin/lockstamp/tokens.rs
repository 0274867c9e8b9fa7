//! Splits the command line into options, FILE, and the rest, as `getopt_long` does for
//! `flock(1)` (options stop at the first operand).
//!
//! Short options cluster (`-nv`, `-E42`, `-w0.5`), long options take `--wait=5` or
//! `--wait 5`, `--` ends the options. Only options must be UTF-8; FILE and everything after
//! it are kept as `OsString`.
//!
//! Hand-written rather than lexopt on purpose: measured in the static musl build, lexopt
//! costs about 12 KB (three pages), which takes the CLI from 1.18x to 1.21x the size of a
//! plain std program that does the same job (issue 5's target is 1.2x; see BENCHMARKS.md).
//! The tokenizer is small, has no state beyond a short-option cluster, and is covered by
//! the unit tests in `args_tests.rs`.

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
    argv: std::vec::IntoIter<OsString>,
    /// The rest of a cluster of short options (`-nv` after `-n`).
    cluster: String,
}

impl Tokens {
    /// Starts at the first argument after the program name.
    pub fn new(argv: Vec<OsString>) -> Tokens {
        Tokens {
            argv: argv.into_iter(),
            cluster: String::new(),
        }
    }

    /// The next option or FILE; `None` when the arguments end first.
    pub fn next(&mut self) -> Result<Option<Token>, UsageError> {
        if let Some(letter) = self.next_in_cluster() {
            return self.short(letter).map(Some);
        }
        let Some(arg) = self.argv.next() else {
            return Ok(None);
        };
        if arg == "--" {
            return Ok(self.argv.next().map(Token::File));
        }
        let Some(text) = arg.to_str() else {
            if arg.as_encoded_bytes().starts_with(b"-") {
                let arg = arg.to_string_lossy();
                return Err(UsageError(format!("invalid option '{arg}'")));
            }
            return Ok(Some(Token::File(arg)));
        };
        if let Some(long) = text.strip_prefix("--") {
            return self.long(long).map(Some);
        }
        match text.strip_prefix('-') {
            Some(cluster) if !cluster.is_empty() => {
                // Read back letter by letter, starting now.
                self.cluster = cluster.to_string();
                self.next()
            }
            _ => Ok(Some(Token::File(arg))),
        }
    }

    /// Takes the next letter of a cluster of short options.
    fn next_in_cluster(&mut self) -> Option<char> {
        let mut letters = self.cluster.chars();
        let letter = letters.next()?;
        self.cluster = letters.as_str().to_string();
        Some(letter)
    }

    /// Everything after FILE, untouched.
    pub fn rest(self) -> std::vec::IntoIter<OsString> {
        self.argv
    }

    fn long(&mut self, long: &str) -> Result<Token, UsageError> {
        let (name, inline) = match long.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (long, None),
        };
        let Some(kind) = long_option(name) else {
            return Err(UsageError(format!("invalid option '--{name}'")));
        };
        match (kind, inline) {
            (Kind::Valued(opt), Some(value)) => Ok(Token::Value(opt, value)),
            (Kind::Valued(opt), None) => Ok(Token::Value(opt, self.value(&format!("--{name}"))?)),
            (Kind::Flag(_), Some(_)) => {
                Err(UsageError(format!("option '--{name}' takes no value")))
            }
            (Kind::Flag(flag), None) => Ok(Token::Flag(flag)),
        }
    }

    fn short(&mut self, letter: char) -> Result<Token, UsageError> {
        let Some(kind) = short_option(letter) else {
            return Err(UsageError(format!("invalid option '-{letter}'")));
        };
        let opt = match kind {
            Kind::Flag(flag) => return Ok(Token::Flag(flag)),
            Kind::Valued(opt) => opt,
        };
        let value = match std::mem::take(&mut self.cluster) {
            rest if rest.is_empty() => self.value(&format!("-{letter}"))?,
            rest => rest,
        };
        Ok(Token::Value(opt, value))
    }

    /// The next argument, as the value of `option`.
    fn value(&mut self, option: &str) -> Result<String, UsageError> {
        match self.argv.next() {
            None => Err(UsageError(format!(
                "missing argument for option '{option}'"
            ))),
            Some(value) => value.into_string().map_err(|value| {
                let value = value.to_string_lossy();
                UsageError(format!("argument of '{option}' is not UTF-8: '{value}'"))
            }),
        }
    }
}
