//! Unix backend: every system call lockstamp makes, through rustix.
//!
//! Each function is a thin forward to one call (or a fixed pair) and names its man page.
//! Errors stay `io::Error` here; [`map_error`] turns them into core's kinds exactly once.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::Path;

use lockstamp_core::machine::{ErrorKind, FileId, FileKind, Mode, OpKind, OpenHow, Primitive};
use rustix::fs::{FlockOperation, OFlags};
use rustix::io::Errno;

pub(crate) use super::fcntl_table::{claim, close, unclaim, Claim};
pub(crate) use super::waiter::Waiter;

/// Whether locks are stamped `{pid}` by default (process ids exist).
pub(crate) const STAMP_BY_DEFAULT: bool = true;

/// The primitive used when the caller does not choose one.
pub(crate) const DEFAULT_PRIMITIVE: Primitive = Primitive::Flock;

/// Offset the holder's stamp is read from (Windows locks byte 0; Unix reads everything).
pub(crate) const HOLDER_OFFSET: u64 = 0;

/// `openat(AT_FDCWD, path, O_RDWR | O_CREAT [| O_EXCL] | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY,
/// mode)`—opens or creates the lock file, never truncating it, never appending.
///
/// The call goes through `std` (and so libc's `open`) rather than rustix: rustix's raw
/// Linux backend issues `open` (not `openat`) with `O_LARGEFILE` added, while the contract
/// (DESIGN §2) and every peer (zc.lockfile, `flock(1)`) make exactly the call above, which
/// is what people compare with `strace`.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
#[doc(alias = "openat")]
pub(crate) fn open(
    path: &Path,
    how: OpenHow,
    follow_symlinks: bool,
    mode: u32,
) -> io::Result<File> {
    let mut options = OpenOptions::new();
    // std always adds O_CLOEXEC.
    options.read(true).write(true).mode(mode);
    if how == OpenHow::CreateNew {
        options.create_new(true);
    } else {
        options.create(true);
    }
    options.custom_flags(extra_flags(follow_symlinks, false));
    options.open(path)
}

/// `O_NOCTTY`, plus `O_NOFOLLOW` unless following symlinks, plus `O_NONBLOCK` if asked.
fn extra_flags(follow_symlinks: bool, nonblock: bool) -> i32 {
    let mut flags = OFlags::NOCTTY;
    if !follow_symlinks {
        flags |= OFlags::NOFOLLOW;
    }
    if nonblock {
        flags |= OFlags::NONBLOCK;
    }
    // The flag values are small positive `int`s on every Unix.
    flags.bits() as i32
}

/// `openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK)`—opens an
/// existing lock file for reading only, never creating it (`O_NONBLOCK` so a FIFO cannot
/// hang us).
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/open.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
pub(crate) fn open_readonly(path: &Path, follow_symlinks: bool) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(extra_flags(follow_symlinks, true))
        .open(path)
}

/// `openat(AT_FDCWD, dirname(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)`—the directory
/// holding `path`, used only to watch for the removal of a dot-lock.
///
/// # References
///  - [Linux](https://man7.org/linux/man-pages/man2/open.2.html)
pub(crate) fn open_parent(path: &Path) -> io::Result<File> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    OpenOptions::new()
        .read(true)
        .custom_flags(OFlags::DIRECTORY.bits() as i32)
        .open(parent)
}

// `stat` field types differ between Unixes (u64 on Linux, i32/u16 on macOS).
#[allow(clippy::unnecessary_cast)]
fn id_of(st: &rustix::fs::Stat) -> (FileKind, FileId) {
    let kind = match rustix::fs::FileType::from_raw_mode(st.st_mode as _) {
        rustix::fs::FileType::RegularFile => FileKind::Regular,
        rustix::fs::FileType::Directory => FileKind::Directory,
        rustix::fs::FileType::Symlink => FileKind::Symlink,
        _ => FileKind::Other,
    };
    let id = FileId {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        nlink: st.st_nlink as u64,
    };
    (kind, id)
}

/// `fstat(fd)`—the type and identity of an open file.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fstat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/fstat.2.html)
pub(crate) fn file_stat(file: &File) -> io::Result<(FileKind, FileId)> {
    Ok(id_of(&rustix::fs::fstat(file)?))
}

/// `lstat(path)` (or `stat(path)` when following symlinks)—the identity of whatever is at
/// `path` now; `None` when nothing is.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/lstat.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/lstat.2.html)
pub(crate) fn path_stat(path: &Path, follow_symlinks: bool) -> io::Result<Option<FileId>> {
    let st = if follow_symlinks {
        rustix::fs::stat(path)
    } else {
        rustix::fs::lstat(path)
    };
    match st {
        Ok(st) => Ok(Some(id_of(&st).1)),
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// `unlink(path)`—removes the lock path.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/unlink.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/unlink.2.html)
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    Ok(rustix::fs::unlink(path)?)
}

fn operation(mode: Mode, blocking: bool) -> FlockOperation {
    match (mode, blocking) {
        (Mode::Exclusive, false) => FlockOperation::NonBlockingLockExclusive,
        (Mode::Shared, false) => FlockOperation::NonBlockingLockShared,
        (Mode::Exclusive, true) => FlockOperation::LockExclusive,
        (Mode::Shared, true) => FlockOperation::LockShared,
    }
}

/// `flock(fd, LOCK_EX | LOCK_NB)` and friends, or `fcntl(fd, F_SETLK[W], {F_WRLCK, 0, 0})` for
/// [`Primitive::Fcntl`]; a dot-lock needs no call (the file's existence is the lock).
///
/// `flock` locks belong to the open file description; `fcntl` locks belong to the process
/// and are all dropped when *any* descriptor of the file is closed in this process, which
/// is why [`close`] defers closes while a claim is held.
///
/// # References
///  - [flock(2)](https://man7.org/linux/man-pages/man2/flock.2.html)
///  - [fcntl(2) POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/fcntl.html)
///  - [fcntl(2) Linux](https://man7.org/linux/man-pages/man2/fcntl.2.html)
#[doc(alias = "flock")]
pub(crate) fn lock(
    file: &File,
    primitive: Primitive,
    mode: Mode,
    blocking: bool,
) -> io::Result<()> {
    let op = operation(mode, blocking);
    match primitive {
        Primitive::Fcntl => Ok(rustix::fs::fcntl_lock(file, op)?),
        Primitive::CreateNew => Ok(()),
        _ => Ok(rustix::fs::flock(file, op)?),
    }
}

/// `flock(fd, LOCK_UN)` or `fcntl(fd, F_SETLK, {F_UNLCK, 0, 0})`—releases the lock explicitly before
/// close (a forked child may share the open file description). For `fcntl`, the unlock is
/// skipped while another handle in this process still holds a claim on the same file, since
/// the process has only one lock to give back.
///
/// # References
///  - [flock(2)](https://man7.org/linux/man-pages/man2/flock.2.html)
///  - [fcntl(2)](https://man7.org/linux/man-pages/man2/fcntl.2.html)
pub(crate) fn unlock(file: &File, primitive: Primitive, claim: Option<&Claim>) -> io::Result<()> {
    match primitive {
        Primitive::Fcntl => {
            if super::fcntl_table::others_hold(file, claim)? {
                return Ok(());
            }
            // `F_SETLK` (not `F_SETLKW`): an unlock never waits, and says so in `strace`.
            Ok(rustix::fs::fcntl_lock(
                file,
                FlockOperation::NonBlockingUnlock,
            )?)
        }
        Primitive::CreateNew => Ok(()),
        _ => Ok(rustix::fs::flock(file, FlockOperation::Unlock)?),
    }
}

/// `pread(fd, buf, offset)`.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pread.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/pread.2.html)
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    file.read_at(buf, offset)
}

/// `pwrite(fd, bytes, offset)` until every byte is written (never `O_APPEND`).
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/pwrite.html)
///  - [Linux](https://man7.org/linux/man-pages/man2/pwrite.2.html)
pub(crate) fn write_all_at(file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    file.write_all_at(bytes, offset)
}

/// Whether anyone holds a kernel lock on `file` right now, without taking it from anyone.
///
/// Linux reads `/proc/locks` (flock, POSIX and OFD locks by device and inode). Elsewhere,
/// or when `/proc/locks` cannot be read or is ambiguous, a non-blocking `LOCK_SH` is
/// attempted and released at once: it sees exclusive `flock` holders only, and for that
/// instant it can make a concurrent non-blocking exclusive attempt fail.
///
/// # References
///  - [proc_locks(5)](https://man7.org/linux/man-pages/man5/proc_locks.5.html)
///  - [flock(2)](https://man7.org/linux/man-pages/man2/flock.2.html)
pub(crate) fn is_locked(file: &File, id: FileId) -> io::Result<bool> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(answer) = super::proc_locks::is_locked(id) {
        return Ok(answer);
    }
    let _ = id;
    match rustix::fs::flock(file, FlockOperation::NonBlockingLockShared) {
        Ok(()) => {
            rustix::fs::flock(file, FlockOperation::Unlock)?;
            Ok(false)
        }
        Err(Errno::WOULDBLOCK) => Ok(true),
        Err(e) => Err(e.into()),
    }
}

/// Maps an OS error from op `op` to core's error kind, by named errno constants.
pub(crate) fn map_error(op: OpKind, err: &io::Error) -> ErrorKind {
    let Some(errno) = Errno::from_io_error(err) else {
        return super::map_io_kind(err);
    };
    let locking = matches!(op, OpKind::TryLock | OpKind::Lock);
    match errno {
        Errno::WOULDBLOCK => ErrorKind::WouldBlock,
        #[allow(unreachable_patterns)] // EAGAIN == EWOULDBLOCK on most targets
        Errno::AGAIN => ErrorKind::WouldBlock,
        Errno::ACCESS if locking => ErrorKind::WouldBlock,
        Errno::ACCESS | Errno::PERM => ErrorKind::PermissionDenied,
        Errno::EXIST => ErrorKind::AlreadyExists,
        Errno::NOENT => ErrorKind::NotFound,
        Errno::LOOP => ErrorKind::Symlink,
        Errno::ISDIR => ErrorKind::IsDirectory,
        // A socket, or a FIFO or device with nobody at the other end.
        Errno::NXIO | Errno::NODEV => ErrorKind::NotRegular,
        Errno::INTR => ErrorKind::Interrupted,
        Errno::DEADLK => ErrorKind::Deadlock,
        Errno::NOLCK | Errno::NOTSUP | Errno::NOSYS => ErrorKind::Unsupported,
        #[allow(unreachable_patterns)] // EOPNOTSUPP == ENOTSUP on Linux
        Errno::OPNOTSUPP => ErrorKind::Unsupported,
        Errno::NOSPC | Errno::DQUOT | Errno::ROFS => ErrorKind::Storage,
        Errno::INVAL => ErrorKind::InvalidInput,
        _ => ErrorKind::Other,
    }
}

/// `getpid()`.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getpid.html)
pub(crate) fn pid() -> Option<u32> {
    Some(rustix::process::getpid().as_raw_nonzero().get() as u32)
}

/// `uname().nodename`, as Python's `socket.gethostname()` returns it.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/uname.html)
pub(crate) fn hostname() -> Option<String> {
    let uts = rustix::system::uname();
    Some(uts.nodename().to_string_lossy().into_owned())
}

/// `getuid()`.
///
/// # References
///  - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/getuid.html)
pub(crate) fn uid() -> Option<u32> {
    Some(rustix::process::getuid().as_raw())
}
