//! Arbitrary plans and outcomes for the `machine` target.

use core::time::Duration;

use arbitrary::Arbitrary;
use lockstamp_core::machine::{
    ErrorKind, FileId, FileKind, Mode, OpKind, Outcome, Plan, Primitive, Wait,
};

/// A plan as the fuzzer generates it.
#[derive(Debug, Clone, Arbitrary)]
pub struct ArbPlan {
    /// Which primitive: 0 flock, 1 fcntl, 2 create-new.
    pub primitive: ArbPrimitive,
    /// Shared instead of exclusive.
    pub shared: bool,
    /// The wait policy.
    pub wait: ArbWait,
    /// The framed stamp, or none.
    pub stamp: Option<Vec<u8>>,
    /// `fsync` after stamping.
    pub sync: bool,
    /// Remove on release.
    pub remove_on_release: bool,
    /// Follow symlinks.
    pub follow_symlinks: bool,
}

/// [`Primitive`] for `arbitrary`.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum ArbPrimitive {
    /// [`Primitive::Flock`]
    Flock,
    /// [`Primitive::Fcntl`]
    Fcntl,
    /// [`Primitive::CreateNew`]
    CreateNew,
}

/// [`Wait`] for `arbitrary`.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum ArbWait {
    /// [`Wait::Never`]
    Never,
    /// [`Wait::Forever`]
    Forever,
    /// [`Wait::For`] a few milliseconds to a minute.
    ForMillis(u16),
    /// [`Wait::For`] any duration (overflow of deadline arithmetic).
    ForRaw(u64, u32),
}

impl ArbPlan {
    /// The core plan, borrowing the stamp.
    pub fn plan(&self) -> Plan<'_> {
        Plan {
            primitive: match self.primitive {
                ArbPrimitive::Flock => Primitive::Flock,
                ArbPrimitive::Fcntl => Primitive::Fcntl,
                ArbPrimitive::CreateNew => Primitive::CreateNew,
            },
            mode: if self.shared {
                Mode::Shared
            } else {
                Mode::Exclusive
            },
            wait: match self.wait {
                ArbWait::Never => Wait::Never,
                ArbWait::Forever => Wait::Forever,
                ArbWait::ForMillis(ms) => Wait::For(Duration::from_millis(u64::from(ms))),
                ArbWait::ForRaw(s, n) => Wait::For(Duration::new(s, n % 1_000_000_000)),
            },
            stamp: self.stamp.as_deref(),
            sync: self.sync,
            remove_on_release: self.remove_on_release,
            follow_symlinks: self.follow_symlinks,
        }
    }
}

/// A small file identity, so that equal identities are common.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct ArbId {
    dev: u8,
    ino: u8,
    nlink: u8,
}

impl ArbId {
    fn id(self) -> FileId {
        FileId {
            dev: u64::from(self.dev % 2),
            ino: u64::from(self.ino % 4),
            nlink: u64::from(self.nlink % 3),
        }
    }
}

/// A clock advance: most are small, some are anything.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum ArbClock {
    /// Advance by this many milliseconds.
    Millis(u16),
    /// Advance by any duration (saturating).
    Raw(u64, u32),
}

impl ArbClock {
    /// The advance.
    pub fn duration(self) -> Duration {
        match self {
            ArbClock::Millis(ms) => Duration::from_millis(u64::from(ms)),
            ArbClock::Raw(s, n) => Duration::new(s, n % 1_000_000_000),
        }
    }
}

/// One scripted reply.
#[derive(Debug, Clone, Arbitrary)]
pub enum ArbOutcome {
    /// [`Outcome::Done`]
    Done,
    /// [`Outcome::Failed`]
    Failed(ArbKind),
    /// [`Outcome::Stat`]
    Stat(ArbFileKind, ArbId),
    /// [`Outcome::Identity`]
    Identity(ArbId, Option<ArbId>),
    /// [`Outcome::Holder`]
    Holder(Vec<u8>),
    /// [`Outcome::Clock`]: for `ReadClock`, the simulated clock advances by this much and
    /// its reading is the reply; for any other op the raw duration is the reply.
    Clock(ArbClock),
    /// [`Outcome::Start`] again (a driver bug).
    Start,
}

impl ArbOutcome {
    /// The reply to pass, given the simulated clock's reading for `ReadClock`.
    pub fn outcome(&self, clock: Option<Duration>) -> Outcome<'_> {
        match self {
            ArbOutcome::Done => Outcome::Done,
            ArbOutcome::Failed(k) => Outcome::Failed(k.kind()),
            ArbOutcome::Stat(kind, id) => Outcome::Stat {
                kind: kind.kind(),
                id: id.id(),
            },
            ArbOutcome::Identity(open, path) => Outcome::Identity {
                open: open.id(),
                path: path.map(ArbId::id),
            },
            ArbOutcome::Holder(b) => Outcome::Holder(b),
            ArbOutcome::Clock(c) => Outcome::Clock(clock.unwrap_or(c.duration())),
            ArbOutcome::Start => Outcome::Start,
        }
    }
}

/// [`FileKind`] for `arbitrary`.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum ArbFileKind {
    /// [`FileKind::Regular`]
    Regular,
    /// [`FileKind::Directory`]
    Directory,
    /// [`FileKind::Symlink`]
    Symlink,
    /// [`FileKind::Other`]
    Other,
}

impl ArbFileKind {
    fn kind(self) -> FileKind {
        match self {
            ArbFileKind::Regular => FileKind::Regular,
            ArbFileKind::Directory => FileKind::Directory,
            ArbFileKind::Symlink => FileKind::Symlink,
            ArbFileKind::Other => FileKind::Other,
        }
    }
}

/// [`ErrorKind`] for `arbitrary`: every kind, those the machine produces included.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct ArbKind(u8);

impl ArbKind {
    /// The kind. Contention and interruption come up more often than the rest.
    pub fn kind(self) -> ErrorKind {
        match self.0 % 24 {
            16..=19 => ErrorKind::WouldBlock,
            20 => ErrorKind::AlreadyExists,
            21..=22 => ErrorKind::Interrupted,
            23 => ErrorKind::Other,
            i => ErrorKind::ALL[usize::from(i)],
        }
    }
}

/// Whether `reply` is the documented success reply for `op` (`Failed` is judged apart).
pub fn is_success_reply(op: OpKind, reply: &Outcome<'_>) -> bool {
    match op {
        OpKind::Check => matches!(reply, Outcome::Stat { .. }),
        OpKind::Identify => matches!(reply, Outcome::Identity { .. }),
        OpKind::ReadHolder => matches!(reply, Outcome::Holder(_)),
        OpKind::ReadClock => matches!(reply, Outcome::Clock(_)),
        _ => matches!(reply, Outcome::Done),
    }
}
