//! The lock protocol as a sans-IO state machine (DESIGN §4).
//!
//! Every decision about a lock's life is made here; an adapter only performs the
//! [`Op`]s the machine asks for and reports each result as an [`Outcome`]. The machine
//! never touches I/O and never reads a clock: time comes in through
//! [`Outcome::Clock`], and waiting is an op ([`Op::WaitForRelease`]) the adapter may end
//! early. That is what lets the same protocol run on Linux, WASI, an embedded
//! filesystem or an async runtime, and what makes it testable without any I/O.
//!
//! # Driving it
//!
//! [`Acquire::step`] returns a [`Step`]: [`Step::Do`] an op and pass its outcome to the
//! next call, until [`Step::Held`] or [`Step::Failed`]. A held lock is given back by a
//! [`Release`] driven the same way until [`Step::Released`] (or `Failed`). A tiny fake
//! backend with one free lock file:
//!
//! ```
//! use lockstamp_core::machine::{
//!     Acquire, FileId, FileKind, Mode, Op, Outcome, Plan, Primitive, Release, Step, Wait,
//! };
//!
//! /// A pretend filesystem holding one lock file nobody else uses.
//! #[derive(Default)]
//! struct Fake {
//!     content: Vec<u8>,
//!     ops: Vec<&'static str>,
//! }
//!
//! impl Fake {
//!     fn perform(&mut self, op: Op<'_>) -> Outcome<'_> {
//!         self.ops.push(op.kind().as_str());
//!         match op {
//!             Op::Check => Outcome::Stat {
//!                 kind: FileKind::Regular,
//!                 id: FileId { dev: 1, ino: 2, nlink: 1 },
//!             },
//!             Op::Write(bytes) => {
//!                 self.content.splice(..bytes.len().min(self.content.len()), bytes.iter().copied());
//!                 Outcome::Done
//!             }
//!             Op::Truncate(len) => {
//!                 self.content.truncate(len as usize);
//!                 Outcome::Done
//!             }
//!             Op::ReadHolder => Outcome::Holder(&self.content),
//!             // Open, TryLock, Unlock, Close ... all succeed.
//!             _ => Outcome::Done,
//!         }
//!     }
//! }
//!
//! let plan = Plan {
//!     primitive: Primitive::Flock,
//!     mode: Mode::Exclusive,
//!     wait: Wait::Never,
//!     stamp: Some(b" 11170;vm\n"),
//!     sync: false,
//!     remove_on_release: false,
//!     follow_symlinks: false,
//! };
//! let mut fake = Fake { content: b" 999;old-host-name\n".to_vec(), ..Fake::default() };
//!
//! let mut acquire = Acquire::new(&plan);
//! let mut outcome = Outcome::Start;
//! let held = loop {
//!     match acquire.step(outcome) {
//!         Step::Do(op) => outcome = fake.perform(op),
//!         Step::Held => break Ok(()),
//!         Step::Failed(error) => break Err(error),
//!         _ => unreachable!("acquire ends in Held or Failed"),
//!     }
//! };
//! assert_eq!(held, Ok(()));
//! assert_eq!(fake.content, b" 11170;vm\n"); // zc.lockfile's bytes, old content gone
//!
//! let mut release = Release::new(&plan);
//! let mut outcome = Outcome::Start;
//! let released = loop {
//!     match release.step(outcome) {
//!         Step::Do(op) => outcome = fake.perform(op),
//!         Step::Released => break Ok(()),
//!         Step::Failed(error) => break Err(error),
//!         _ => unreachable!("release ends in Released or Failed"),
//!     }
//! };
//! assert_eq!(released, Ok(()));
//! assert_eq!(fake.ops, ["open", "check", "try-lock", "write", "truncate", "unlock", "close"]);
//! ```
//!
//! # Acquire flows
//!
//! Brackets mark ops that depend on the plan. `Forever` sends [`Op::Lock`] (blocking)
//! where the others send [`Op::TryLock`].
//!
//! - **Flock / Fcntl**: `[ReadClock]` (only [`Wait::For`], fixes the deadline) →
//!   `Open{OpenOrCreate}` → `Check` (not a regular file: `Failed(Check, NotRegular)`,
//!   nothing written) → `[Claim]` (fcntl: the adapter's in-process table) →
//!   `TryLock`/`Lock` → `[Identify]` (remove-on-release) → `[Write(stamp) → Truncate(len)
//!   → [Sync]]` (exclusive with a stamp) → `Held`.
//! - **CreateNew**: `[ReadClock]` → `Open{CreateNew}` → `[Write(stamp) → [Sync]]` →
//!   `Held`. No `Check` (the file was just created) and no `Truncate` (it was empty). A
//!   shared plan fails with `Failed(Open, Unsupported)` before any op.
//! - **Contention** (`WouldBlock` from `TryLock`/`Lock`/`Claim`, `AlreadyExists` from
//!   `Open{CreateNew}`): `ReadHolder` (best effort, a `Failed` reply is ignored; the bytes
//!   are kept, see [`Acquire::holder`]) → then by policy:
//!   - `Never`: `[Unclaim] → [Close]` → `Failed(op, WouldBlock | AlreadyExists)`;
//!   - `Forever`: `[Unclaim] → WaitForRelease(backoff)` → try again;
//!   - `For(d)`: `ReadClock` → past the deadline: `[Unclaim] → [Close]` →
//!     `Failed(op, TimedOut)` (the last holder is kept); else `[Unclaim] →
//!     WaitForRelease(min(backoff, time left))` → try again.
//!
//!   "Try again" keeps the handle open and goes back to `[Claim] → TryLock`/`Lock`, or to
//!   `Open{CreateNew}`. Waits start at [`BACKOFF_START`] and double up to [`BACKOFF_CAP`];
//!   a timed wait never ends past the deadline. Contention never writes, truncates or
//!   removes anything.
//! - **Identity** (remove-on-release, not CreateNew): after the lock, `Identify`; when the
//!   path is gone or is another file, or the open file has no links left:
//!   `Unlock → [Unclaim] → Close` and start over at `Open`. How often depends on the
//!   wait policy:
//!   - `Never`: at most [`MAX_IDENTITY_RESTARTS`] times, then `Failed(Identify, Unstable)`;
//!   - `For(d)`: `ReadClock` before each restart; past the deadline the attempt ends with
//!     `Failed(Identify, TimedOut)` (everything is already given back; the last holder
//!     read, if any, is kept), else it opens again;
//!   - `Forever`: without bound. Each restart follows a real hand-over (another process
//!     locked the file and removed it since we opened it), so a caller who asked to wait
//!     forever keeps waiting rather than failing under churn.
//! - **Failures**: any failed op (or a reply that does not answer it:
//!   [`ErrorKind::Protocol`]) gives back what is held, in the order `[Remove]` (a file
//!   CreateNew created) → `[Unlock]` → `[Unclaim]` → `[Close]`, and ends with
//!   `Failed(that op, its kind)`. Failures of this cleanup are ignored: the caller sees
//!   the original failure. `Interrupted` from `TryLock`/`Lock` retries the lock and
//!   from `WaitForRelease` counts as an early wake-up.
//!
//! # Release flows
//!
//! - **Flock**: `[Identify → [Remove]]` (exclusive remove-on-release) → `Unlock` → `Close`.
//! - **Fcntl**: `[Identify → [Remove]]` → `Unlock` → `Unclaim` → `Close`.
//! - **CreateNew**: `Identify → [Remove]` → `Close`.
//!
//! `Remove` is asked for only when `Identify` shows the path still names the open file
//! (same device and inode). A path that is gone or names another file means someone broke
//! the lock while it was held (and another process may hold a new lock there): it is left
//! alone, and that is not a failure ([`Release::path_replaced`] tells). Every other op
//! runs even when an earlier one failed (the handle is always closed, exactly once); the
//! release then ends in `Failed` with the first failure.

mod acquire;
mod cleanup;
mod error;
mod op;
mod outcome;
mod plan;
mod release;
mod step;
mod wait;

#[cfg(test)]
mod tests;

pub use acquire::{Acquire, MAX_IDENTITY_RESTARTS};
pub use error::{Error, ErrorKind};
pub use op::{FileId, FileKind, Op, OpKind, OpenHow, HOLDER_CAPACITY};
pub use outcome::Outcome;
pub use plan::{Mode, Plan, Primitive, Wait};
pub use release::Release;
pub use step::Step;
pub use wait::{BACKOFF_CAP, BACKOFF_START};
