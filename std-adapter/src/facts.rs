//! Gathering the facts a template needs, and only those.

use std::time::{SystemTime, UNIX_EPOCH};

use lockstamp_core::{Facts, Field, Template};

use crate::sys;

/// Owned facts for one lock attempt; [`OwnedFacts::facts`] lends them to core.
#[derive(Debug, Default)]
pub(crate) struct OwnedFacts {
    pid: Option<u32>,
    hostname: Option<String>,
    uid: Option<u32>,
    program: Option<String>,
    time: Option<u64>,
}

impl OwnedFacts {
    /// Gathers the fields `template` uses; `uname` is only called for `{hostname}`.
    pub(crate) fn gather(template: &Template<'_>) -> Self {
        let mut facts = OwnedFacts::default();
        if template.uses(Field::Pid) {
            facts.pid = sys::pid();
        }
        if template.uses(Field::Hostname) {
            facts.hostname = sys::hostname();
        }
        if template.uses(Field::Uid) {
            facts.uid = sys::uid();
        }
        if template.uses(Field::Program) {
            facts.program = program();
        }
        if template.uses(Field::Time) {
            facts.time = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .map(|d| d.as_secs());
        }
        facts
    }

    /// Borrowed view for rendering.
    pub(crate) fn facts(&self) -> Facts<'_> {
        Facts {
            pid: self.pid,
            hostname: self.hostname.as_deref(),
            uid: self.uid,
            program: self.program.as_deref(),
            time: self.time,
        }
    }
}

/// The running executable's file name, as `{program}` renders it: from
/// `std::env::current_exe`, or from `argv[0]` where that is unavailable (WASI).
fn program() -> Option<String> {
    let exe = std::env::current_exe()
        .ok()
        .or_else(|| std::env::args_os().next().map(std::path::PathBuf::from))?;
    Some(exe.file_name()?.to_string_lossy().into_owned())
}
