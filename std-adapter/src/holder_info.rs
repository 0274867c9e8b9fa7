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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
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

/// `pid 123 on vm`, `pid 123`, or the content, quoted and escaped, when it names no pid.
impl fmt::Display for HolderInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.pid, &self.hostname) {
            (Some(pid), Some(host)) => write!(f, "pid {pid} on {host}"),
            (Some(pid), None) => write!(f, "pid {pid}"),
            (None, Some(host)) => write!(f, "a process on {host}"),
            (None, None) => {
                let text = String::from_utf8_lossy(&self.content);
                write!(f, "\"{}\"", text.escape_debug())
            }
        }
    }
}
