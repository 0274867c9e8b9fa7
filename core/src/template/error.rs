//! [`TemplateError`]: what is wrong with a template, and where.

use core::fmt;

/// How many bytes of a field name an error keeps for its message.
const NAME_CAPACITY: usize = 23;

/// Why a template was rejected or could not be rendered.
///
/// Every error carries the byte offset in the template text where the problem is, so a
/// caller can point at it:
///
/// ```
/// use lockstamp_core::{Template, TemplateErrorKind};
///
/// let err = Template::parse("{pid}{user}").unwrap_err();
/// assert_eq!(err.kind(), TemplateErrorKind::UnknownField);
/// assert_eq!(err.offset(), 5);
/// assert_eq!(err.name(), Some("user"));
/// ```
///
/// Its [`Display`](fmt::Display) reads `unknown field "user" at byte 5`. Displaying an
/// error is the only place this crate uses `core::fmt`; rendering never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateError {
    offset: usize,
    kind: TemplateErrorKind,
    name: [u8; NAME_CAPACITY],
    name_len: u8,
    name_cut: bool,
}

impl TemplateError {
    /// An error without a field name.
    pub(crate) const fn new(kind: TemplateErrorKind, offset: usize) -> Self {
        TemplateError {
            offset,
            kind,
            name: [0; NAME_CAPACITY],
            name_len: 0,
            name_cut: false,
        }
    }

    /// An error about the field called `name` (kept up to 23 bytes, cut at a char boundary).
    pub(crate) fn with_name(kind: TemplateErrorKind, offset: usize, name: &str) -> Self {
        let mut err = Self::new(kind, offset);
        let mut len = 0;
        for (at, c) in name.char_indices() {
            let end = at + c.len_utf8();
            if end > NAME_CAPACITY {
                err.name_cut = true;
                break;
            }
            len = end;
        }
        for (d, b) in err.name.iter_mut().zip(name.bytes().take(len)) {
            *d = b;
        }
        err.name_len = len as u8;
        err
    }

    /// Byte offset in the template where the problem is.
    ///
    /// For field-level problems ([`EmptyField`](TemplateErrorKind::EmptyField),
    /// [`PositionalField`](TemplateErrorKind::PositionalField),
    /// [`UnknownField`](TemplateErrorKind::UnknownField),
    /// [`Unavailable`](TemplateErrorKind::Unavailable),
    /// [`UnclosedBrace`](TemplateErrorKind::UnclosedBrace)) it is the field's `{`; for
    /// [`Conversion`](TemplateErrorKind::Conversion) and
    /// [`UnsupportedSpec`](TemplateErrorKind::UnsupportedSpec) the offending character;
    /// for [`TooLong`](TemplateErrorKind::TooLong) the start of the literal text or the `{`
    /// of the field that did not fit (0 when a caller's writer refused the output).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What is wrong.
    pub fn kind(&self) -> TemplateErrorKind {
        self.kind
    }

    /// The field name the error is about, for [`UnknownField`](TemplateErrorKind::UnknownField)
    /// and [`Unavailable`](TemplateErrorKind::Unavailable) (at most 23 bytes of it).
    pub fn name(&self) -> Option<&str> {
        if self.name_len == 0 {
            return None;
        }
        let bytes = self.name.get(..usize::from(self.name_len))?;
        core::str::from_utf8(bytes).ok()
    }
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let offset = self.offset;
        match (self.kind, self.name()) {
            (TemplateErrorKind::UnknownField, Some(name)) => {
                let cut = if self.name_cut { "..." } else { "" };
                write!(f, "unknown field \"{name}{cut}\" at byte {offset}")
            }
            (TemplateErrorKind::Unavailable, Some(name)) => {
                write!(f, "field \"{name}\" at byte {offset} is not available here")
            }
            (kind, _) => write!(f, "{kind} at byte {offset}{}", kind.hint()),
        }
    }
}

impl core::error::Error for TemplateError {}

/// The kinds of [`TemplateError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateErrorKind {
    /// A `{` with no matching `}`.
    UnclosedBrace,
    /// A `}` that is not part of `}}` or a field.
    LoneCloseBrace,
    /// `{}`: an empty (auto-numbered) field.
    EmptyField,
    /// `{0}`: a positional field.
    PositionalField,
    /// A field name that is not one of `pid`, `hostname`, `uid`, `program`, `time`.
    UnknownField,
    /// A conversion such as `!r`.
    Conversion,
    /// A format spec outside `[[fill]align][0][width]`, or one Python rejects for the type.
    UnsupportedSpec,
    /// The template names a fact that is not available (e.g. `{pid}` on WASI).
    Unavailable,
    /// The rendered output does not fit in the buffer.
    TooLong,
}

impl TemplateErrorKind {
    /// A short description of the problem, without the offset.
    const fn message(self) -> &'static str {
        match self {
            TemplateErrorKind::UnclosedBrace => "unclosed \"{\"",
            TemplateErrorKind::LoneCloseBrace => "single \"}\"",
            TemplateErrorKind::EmptyField => "empty field \"{}\"",
            TemplateErrorKind::PositionalField => "positional field",
            TemplateErrorKind::UnknownField => "unknown field",
            TemplateErrorKind::Conversion => "conversion (\"!r\", \"!s\", \"!a\")",
            TemplateErrorKind::UnsupportedSpec => "unsupported format spec",
            TemplateErrorKind::Unavailable => "field not available here",
            TemplateErrorKind::TooLong => "rendered template does not fit",
        }
    }

    /// What to do about it, appended to the message with its offset.
    const fn hint(self) -> &'static str {
        match self {
            TemplateErrorKind::UnclosedBrace => " (write \"{{\" for a literal brace)",
            TemplateErrorKind::LoneCloseBrace => " (write \"}}\" for a literal brace)",
            TemplateErrorKind::EmptyField | TemplateErrorKind::PositionalField => {
                " (name one of pid, hostname, uid, program, time)"
            }
            TemplateErrorKind::UnsupportedSpec => {
                " (supported: [[fill]align][0][width], width up to 3 digits)"
            }
            _ => "",
        }
    }
}

impl fmt::Display for TemplateErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}
