//! The values a template can refer to.

/// The facts a template is rendered with: who is taking the lock.
///
/// Every field is optional; a template that names a field whose fact is `None`
/// fails to render with [`TemplateErrorKind::Unavailable`](crate::TemplateErrorKind::Unavailable)
/// (for example `{pid}` on WASI, which has no process ids).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The process id (`{pid}`), as `os.getpid()` in zc.lockfile.
    pub pid: Option<u32>,
    /// The host name (`{hostname}`), as `socket.gethostname()` in zc.lockfile.
    pub hostname: Option<&'a str>,
    /// The real user id (`{uid}`).
    pub uid: Option<u32>,
    /// The file name of the running executable (`{program}`).
    pub program: Option<&'a str>,
    /// Unix time in seconds when the lock was taken (`{time}`).
    pub time: Option<u64>,
}

/// A field name a template can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// `{pid}`: the process id, an integer.
    Pid,
    /// `{hostname}`: the host name, a string.
    Hostname,
    /// `{uid}`: the real user id, an integer.
    Uid,
    /// `{program}`: the executable's file name, a string.
    Program,
    /// `{time}`: Unix seconds when the lock was taken, an integer.
    Time,
}

impl Field {
    /// Every field, in declaration order.
    pub const ALL: [Field; 5] = [
        Field::Pid,
        Field::Hostname,
        Field::Uid,
        Field::Program,
        Field::Time,
    ];

    /// The name used in templates (`"pid"`, `"hostname"`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            Field::Pid => "pid",
            Field::Hostname => "hostname",
            Field::Uid => "uid",
            Field::Program => "program",
            Field::Time => "time",
        }
    }

    /// Looks a field up by its template name; `None` for unknown names.
    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the field renders as a string (`hostname`, `program`) rather than an integer.
    pub const fn is_text(self) -> bool {
        matches!(self, Field::Hostname | Field::Program)
    }
}
