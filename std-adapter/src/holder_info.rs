//! [`HolderInfo`]: who holds a lock, owned.

use std::fmt;

use lockstamp_core::{Holder, Template};

/// The templates tried, after the caller's own, when reading someone else's stamp:
/// zc.lockfile's two common shapes.
const KNOWN_TEMPLATES: [&str; 2] = ["{pid};{hostname}", "{pid}"];

/// Who holds a lock, as recovered from the lock file's content.
///
/// The content is diagnostic only: anyone who can write the file can write anything in it,
/// and a pid that looks dead is never a reason to break a kernel lock (the kernel releases
/// the locks of dead processes itself). Shared holders and unstamped locks do not write,
/// so while they hold a lock the file still names whoever stamped it last.
///
/// ```
/// # fn main() -> Result<(), lockstamp::LockError> {
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("demo.lock");
/// let _held = lockstamp::LockFile::options().template("{pid};{hostname}").lock(&path)?;
/// let status = lockstamp::status(&path)?;
/// let holder = status.holder.expect("stamped");
/// assert_eq!(holder.pid(), Some(std::process::id()));
/// assert!(holder.hostname().is_some());
/// # Ok(()) }
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct HolderInfo {
    pid: Option<u32>,
    hostname: Option<String>,
    uid: Option<u32>,
    program: Option<String>,
    time: Option<u64>,
    content: Vec<u8>,
}

impl HolderInfo {
    /// Parses raw lock-file bytes (framing included), trying `template` first and then
    /// zc.lockfile's `{pid};{hostname}` and `{pid}`. Bytes that match none still give a
    /// holder with the content and no fields.
    pub fn parse(raw: &[u8], template: Option<&str>) -> HolderInfo {
        let mut content = None;
        for src in template.into_iter().chain(KNOWN_TEMPLATES) {
            let Ok(t) = Template::parse(src) else {
                continue;
            };
            let holder = Holder::parse(raw, &t);
            let info = HolderInfo::from_holder(&holder);
            if info.has_fields() {
                return info;
            }
            content.get_or_insert(info.content);
        }
        HolderInfo {
            content: content.unwrap_or_else(|| raw.to_vec()),
            ..HolderInfo::default()
        }
    }

    /// An owned copy of a parsed [`Holder`].
    pub fn from_holder(holder: &Holder<'_>) -> HolderInfo {
        HolderInfo {
            pid: holder.pid(),
            hostname: holder.hostname().map(str::to_owned),
            uid: holder.uid(),
            program: holder.program().map(str::to_owned),
            time: holder.time(),
            content: holder.content().to_vec(),
        }
    }

    fn has_fields(&self) -> bool {
        self.pid.is_some()
            || self.hostname.is_some()
            || self.uid.is_some()
            || self.program.is_some()
            || self.time.is_some()
    }

    /// The holder's process id (`{pid}`), if the content names one.
    pub fn pid(&self) -> Option<u32> {
        self.pid
    }

    /// The holder's host name (`{hostname}`), if the content names one.
    pub fn hostname(&self) -> Option<&str> {
        self.hostname.as_deref()
    }

    /// The holder's user id (`{uid}`), if the content names one.
    pub fn uid(&self) -> Option<u32> {
        self.uid
    }

    /// The holder's program name (`{program}`), if the content names one.
    pub fn program(&self) -> Option<&str> {
        self.program.as_deref()
    }

    /// When the holder took the lock, in Unix seconds (`{time}`), if the content says.
    pub fn time(&self) -> Option<u64> {
        self.time
    }

    /// The content without the stamp framing (`" "` and `"\n"`), exactly as read.
    pub fn content(&self) -> &[u8] {
        &self.content
    }

    /// Whether there is nothing to say (empty content).
    pub fn is_empty(&self) -> bool {
        self.content.is_empty() && !self.has_fields()
    }
}

/// How many characters of escaped text a message shows of a host name or of content that
/// names no pid: a lock file can hold anything, and an error message must stay readable.
const SHOWN: usize = 80;

/// `pid 123 on vm`, `pid 123`, or the content, quoted and escaped, when it names no pid.
/// Anything read from the file is escaped (control characters, invalid UTF-8 as `\xNN`)
/// and cut after 80 characters (`…`), with the byte count when content is cut.
impl fmt::Display for HolderInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.pid, &self.hostname) {
            (Some(pid), Some(host)) => write!(f, "pid {pid} on {}", Escaped(host.as_bytes())),
            (Some(pid), None) => write!(f, "pid {pid}"),
            (None, Some(host)) => write!(f, "a process on {}", Escaped(host.as_bytes())),
            (None, None) => {
                let (text, cut) = escape(&self.content);
                write!(f, "\"{text}\"")?;
                if cut {
                    write!(f, " ({} bytes)", self.content.len())?;
                }
                Ok(())
            }
        }
    }
}

/// Compact: text fields escaped and cut as in `Display`, never the raw bytes.
impl fmt::Debug for HolderInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |s: &Option<String>| s.as_ref().map(|s| Escaped(s.as_bytes()).to_string());
        f.debug_struct("HolderInfo")
            .field("pid", &self.pid)
            .field("hostname", &text(&self.hostname))
            .field("uid", &self.uid)
            .field("program", &text(&self.program))
            .field("time", &self.time)
            .field("content", &Escaped(&self.content).to_string())
            .finish()
    }
}

/// Bytes shown escaped (as `char::escape_debug`, except single quotes; invalid UTF-8 as
/// `\\xNN`) and cut after [`SHOWN`] characters of output, followed by `…` when cut.
struct Escaped<'a>(&'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0).0)
    }
}

/// The escaped text (ending in `…` when cut) and whether it was cut.
pub(crate) fn escape(bytes: &[u8]) -> (String, bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::new();
    let mut shown = 0;
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            // Shown inside double quotes: a single quote needs no escape.
            let escaped = c.escape_debug();
            let width = if c == '\'' { 1 } else { escaped.len() };
            shown += width;
            if shown > SHOWN {
                out.push('…');
                return (out, true);
            }
            if c == '\'' {
                out.push(c);
            } else {
                out.extend(escaped);
            }
        }
        for &b in chunk.invalid() {
            shown += 4;
            if shown > SHOWN {
                out.push('…');
                return (out, true);
            }
            out.push_str("\\x");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(raw: &[u8]) -> String {
        HolderInfo::parse(raw, None).to_string()
    }

    #[test]
    fn hostile_content_is_escaped_and_cut() {
        assert_eq!(shown(b" 123;vm\n"), "pid 123 on vm");
        assert_eq!(shown(b" build\tbot\n"), "\"build\\tbot\"");
        assert_eq!(shown(b" it's \"me\"\n"), "\"it's \\\"me\\\"\"");
        assert_eq!(shown(b" \xff\xfeok\n"), "\"\\xff\\xfeok\"");
        assert_eq!(shown(b" \x1b[31m\n"), "\"\\u{1b}[31m\"");
        let digits = shown(&[b'7'; 512]);
        assert!(digits.len() < 120, "{digits}");
        assert!(digits.ends_with("…\" (512 bytes)"), "{digits}");
        let nuls = shown(&[0; 512]);
        assert!(nuls.len() < 120 && nuls.starts_with("\"\\0\\0"), "{nuls}");
        // A loser reads at most 512 bytes of a 604-byte stamp.
        let host = shown(&format!(" 5;{}\n", "h".repeat(600)).as_bytes()[..512]);
        assert!(
            host.starts_with("pid 5 on hhh") && host.len() < 120,
            "{host}"
        );
        // Whatever the parser makes of it, no raw control character reaches a terminal.
        let bell = shown(b" 5;evil\x1b]0;title\x07host\n");
        assert!(!bell.chars().any(char::is_control), "{bell:?}");
    }

    #[test]
    fn debug_is_compact() {
        let info = HolderInfo::parse(&[1; 512], None);
        let debug = format!("{info:?}");
        assert!(debug.len() < 250, "{debug}");
    }
}
