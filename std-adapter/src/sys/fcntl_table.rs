//! The in-process table that makes `fcntl` record locks behave like `flock` inside one process.
//!
//! POSIX record locks belong to the *process*: a second `F_SETLK` on the same file from the
//! same process is silently granted, and closing *any* descriptor of the file drops *all* of
//! the process's locks on it. So, as SQLite does, lockstamp keeps a table keyed by
//! `(device, inode)`:
//!
//! - [`claim`] records which handle holds the lock; a conflicting second claim in this
//!   process is contention (`WouldBlock`), exactly what another process would see;
//! - [`close`] of a descriptor whose file is claimed by *another* handle is deferred: the
//!   `File` is parked in the table and really closed when the last claim goes away, so a
//!   loser (or `status`) closing its descriptor never drops the winner's lock.
//!
//! Every descriptor lockstamp closes on Unix goes through [`close`].

use std::fs::File;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};

use lockstamp_core::machine::{FileId, Mode};

type Key = (u64, u64);

#[derive(Debug)]
struct Entry {
    key: Key,
    exclusive: bool,
    claims: usize,
    deferred: Vec<File>,
}

/// The files this process holds `fcntl` claims on. A process holds few lock files at once,
/// so a vector searched linearly is the right size (and keeps hashing out of the binary).
struct Table(Vec<Entry>);

impl Table {
    fn position(&self, key: Key) -> Option<usize> {
        self.0.iter().position(|e| e.key == key)
    }

    fn get_mut(&mut self, key: Key) -> Option<&mut Entry> {
        self.0.iter_mut().find(|e| e.key == key)
    }

    fn remove(&mut self, key: Key) -> Option<Entry> {
        self.position(key).map(|i| self.0.swap_remove(i))
    }
}

static TABLE: Mutex<Table> = Mutex::new(Table(Vec::new()));

fn table() -> MutexGuard<'static, Table> {
    // A panic while holding the guard cannot leave an entry half-updated in a way that
    // matters more than losing the table, so poisoning is ignored.
    TABLE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One handle's claim on a file in the table; give it back with [`unclaim`] or [`close`].
#[derive(Debug)]
pub(crate) struct Claim {
    key: Key,
}

/// Claims `id` for `mode`. A second exclusive claim, or any claim against an exclusive one,
/// fails with `WouldBlock`; shared claims coexist.
pub(crate) fn claim(id: FileId, mode: Mode) -> io::Result<Claim> {
    let key = (id.dev, id.ino);
    let mut guard = table();
    let index = match guard.position(key) {
        Some(index) => index,
        None => {
            guard.0.push(Entry {
                key,
                exclusive: false,
                claims: 0,
                deferred: Vec::new(),
            });
            guard.0.len() - 1
        }
    };
    let entry = &mut guard.0[index];
    let conflict = entry.claims > 0 && (entry.exclusive || mode == Mode::Exclusive);
    if conflict {
        return Err(io::ErrorKind::WouldBlock.into());
    }
    entry.claims += 1;
    entry.exclusive = mode == Mode::Exclusive;
    Ok(Claim { key })
}

/// Gives a claim back. Parked descriptors stay parked until the next [`close`] of the file.
pub(crate) fn unclaim(claim: Claim) {
    let mut guard = table();
    if let Some(entry) = guard.get_mut(claim.key) {
        entry.claims = entry.claims.saturating_sub(1);
        if entry.claims == 0 && entry.deferred.is_empty() {
            guard.remove(claim.key);
        }
    }
}

/// Whether a handle other than `mine` holds a claim on `file` (so the process lock must stay).
pub(crate) fn others_hold(file: &File, mine: Option<&Claim>) -> io::Result<bool> {
    let key = match mine {
        Some(c) => c.key,
        None => {
            let (_, id) = super::platform::file_stat(file)?;
            (id.dev, id.ino)
        }
    };
    let mut guard = table();
    let claims = guard.get_mut(key).map_or(0, |e| e.claims);
    Ok(claims > usize::from(mine.is_some()))
}

/// `close(fd)`, deferred while another handle in this process holds an `fcntl` claim on the
/// same file; consumes `claim` if this handle still had one.
///
/// # References
///  - [close(2)](https://man7.org/linux/man-pages/man2/close.2.html) (NOTES: "all of the
///    record locks held by the process on that file are removed")
pub(crate) fn close(file: File, claim: Option<Claim>) -> io::Result<()> {
    let key = match &claim {
        Some(c) => c.key,
        None => {
            if table().0.is_empty() {
                drop(file);
                return Ok(());
            }
            let (_, id) = super::platform::file_stat(&file)?;
            (id.dev, id.ino)
        }
    };
    let mut guard = table();
    let Some(entry) = guard.get_mut(key) else {
        drop(guard);
        drop(file);
        return Ok(());
    };
    if claim.is_some() {
        entry.claims = entry.claims.saturating_sub(1);
    }
    if entry.claims > 0 {
        entry.deferred.push(file);
        return Ok(());
    }
    let parked = guard.remove(key);
    drop(guard);
    drop(file);
    drop(parked);
    Ok(())
}
