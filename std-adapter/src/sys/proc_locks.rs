//! Reading `/proc/locks` to tell whether a file is locked without touching the lock.
//!
//! Each line is `ID: CLASS MODE TYPE PID MAJ:MIN:INODE START END`, for example
//! `1: FLOCK  ADVISORY  WRITE 1234 08:01:393220 0 EOF`; blocked waiters carry `->` after the
//! id and are not holders. Devices are printed in hex, the inode in decimal.

use lockstamp_core::machine::FileId;

/// `Some(true)` when a holder of the file is listed, `Some(false)` when the table was read
/// and the answer cannot be confused, `None` when the answer is unknown (unreadable table,
/// or the inode listed under another device while ours is an anonymous device, as on
/// overlay or btrfs filesystems, where `st_dev` may differ from the device `/proc/locks`
/// prints).
///
/// # References
///  - [proc_locks(5)](https://man7.org/linux/man-pages/man5/proc_locks.5.html)
pub(crate) fn is_locked(id: FileId) -> Option<bool> {
    let table = read_table()?;
    decide(std::str::from_utf8(&table).ok()?, id)
}

/// The whole of `/proc/locks`, read with as few `read(2)` calls as possible.
///
/// `/proc/locks` is a seq_file: each `read` walks the kernel's list of locks from where
/// the last one stopped, so when locks come and go between two small reads, lines shift
/// and one can be skipped — our own lock among them. One large read is produced in one
/// walk. (`read_to_string` starts with a 32-byte probe read, which made `status` miss a
/// held lock now and then under concurrent locking.)
fn read_table() -> Option<Vec<u8>> {
    use std::io::Read;
    let mut file = std::fs::File::open("/proc/locks").ok()?;
    let mut table = vec![0; 64 * 1024];
    let mut len = 0;
    loop {
        let free = table.get_mut(len..)?;
        match file.read(free) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                if len == table.len() {
                    table.resize(len * 2, 0);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    table.truncate(len);
    Some(table)
}

/// The answer for `id` from the text of `/proc/locks`.
fn decide(table: &str, id: FileId) -> Option<bool> {
    let major = rustix::fs::major(id.dev as _);
    let minor = rustix::fs::minor(id.dev as _);
    let mut inode_elsewhere = false;
    for line in table.lines() {
        let Some(entry) = parse_line(line) else {
            continue;
        };
        if entry.ino != id.ino {
            continue;
        }
        if entry.major == major && entry.minor == minor {
            return Some(true);
        }
        inode_elsewhere = true;
    }
    // A file on a real block device (major != 0) is listed under its own device: the same
    // inode number under another device is another file. Only anonymous devices
    // (major 0: overlay, btrfs subvolumes, FUSE...) can be listed under a different one.
    if inode_elsewhere && major == 0 {
        None
    } else {
        Some(false)
    }
}

#[derive(Debug, PartialEq, Eq)]
struct Entry {
    major: u32,
    minor: u32,
    ino: u64,
}

/// Parses one holder line; `None` for waiters (`->`) and anything unexpected.
fn parse_line(line: &str) -> Option<Entry> {
    let mut words = line.split_ascii_whitespace();
    let _id = words.next()?;
    let class = words.next()?;
    if class == "->" || !matches!(class, "FLOCK" | "POSIX" | "OFDLCK") {
        return None;
    }
    let _mode = words.next()?;
    let _kind = words.next()?;
    let _pid = words.next()?;
    let mut dev = words.next()?.split(':');
    let major = u32::from_str_radix(dev.next()?, 16).ok()?;
    let minor = u32::from_str_radix(dev.next()?, 16).ok()?;
    let ino = dev.next()?.parse().ok()?;
    Some(Entry { major, minor, ino })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_holders_and_skips_waiters() {
        let holder = parse_line("1: FLOCK  ADVISORY  WRITE 1234 08:1f:393220 0 EOF");
        assert_eq!(
            holder,
            Some(Entry {
                major: 8,
                minor: 0x1f,
                ino: 393220
            })
        );
        assert_eq!(
            parse_line("1: -> FLOCK  ADVISORY  WRITE 99 08:01:393220 0 EOF"),
            None
        );
        assert_eq!(parse_line("garbage"), None);
    }

    fn id(major: u32, minor: u32, ino: u64) -> FileId {
        let dev = rustix::fs::makedev(major, minor);
        FileId {
            dev: dev as u64,
            ino,
            nlink: 1,
        }
    }

    #[test]
    fn the_same_inode_on_another_device_is_another_file_unless_ours_is_anonymous() {
        let table = "1: FLOCK  ADVISORY  WRITE 1234 00:2f:42 0 EOF\n\
                     2: POSIX  ADVISORY  WRITE 99 fe:00:7 0 EOF\n";
        assert_eq!(decide(table, id(0xfe, 0, 7)), Some(true));
        assert_eq!(decide(table, id(0xfe, 0, 8)), Some(false));
        // Inode 42 is locked on 00:2f, not on our fe:00.
        assert_eq!(decide(table, id(0xfe, 0, 42)), Some(false));
        // Ours is anonymous (00:30): 00:2f may be the same filesystem seen another way.
        assert_eq!(decide(table, id(0, 0x30, 42)), None);
        assert_eq!(decide(table, id(0, 0x2f, 42)), Some(true));
    }
}

#[cfg(test)]
mod live {
    use super::*;
    use rustix::fs::{flock, FlockOperation};

    #[test]
    fn sees_a_flock_held_in_this_process() {
        let dir = tempfile::tempdir().unwrap();
        let file = std::fs::File::create(dir.path().join("p.lock")).unwrap();
        let st = rustix::fs::fstat(&file).unwrap();
        let id = FileId {
            dev: st.st_dev as u64,
            ino: st.st_ino as u64,
            nlink: 1,
        };
        assert_eq!(is_locked(id), Some(false));
        flock(&file, FlockOperation::NonBlockingLockExclusive).unwrap();
        assert_eq!(is_locked(id), Some(true));
        flock(&file, FlockOperation::Unlock).unwrap();
        assert_eq!(is_locked(id), Some(false));
    }
}
