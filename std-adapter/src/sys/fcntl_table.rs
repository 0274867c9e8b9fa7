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

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::sync::{Mutex, MutexGuard, PoisonError};

use lockstamp_core::machine::{FileId, Mode};

type Key = (u64, u64);

#[derive(Debug, Default)]
struct Entry {
    exclusive: bool,
    claims: usize,
    deferred: Vec<File>,
}

static TABLE: Mutex<Option<HashMap<Key, Entry>>> = Mutex::new(None);

fn table() -> MutexGuard<'static, Option<HashMap<Key, Entry>>> {
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
    let entry = guard
        .get_or_insert_with(HashMap::new)
        .entry(key)
        .or_default();
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
    if let Some(map) = guard.as_mut() {
        if let Some(entry) = map.get_mut(&claim.key) {
            entry.claims = entry.claims.saturating_sub(1);
            if entry.claims == 0 && entry.deferred.is_empty() {
                map.remove(&claim.key);
            }
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
    let guard = table();
    let claims = guard
        .as_ref()
        .and_then(|m| m.get(&key))
        .map_or(0, |e| e.claims);
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
            if table().as_ref().is_none_or(HashMap::is_empty) {
                drop(file);
                return Ok(());
            }
            let (_, id) = super::platform::file_stat(&file)?;
            (id.dev, id.ino)
        }
    };
    let mut guard = table();
    let Some(entry) = guard.as_mut().and_then(|m| m.get_mut(&key)) else {
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
    let parked = std::mem::take(&mut entry.deferred);
    if let Some(map) = guard.as_mut() {
        map.remove(&key);
    }
    drop(guard);
    drop(file);
    drop(parked);
    Ok(())
}
