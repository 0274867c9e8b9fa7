//! Windows backend: `LockFileEx` on byte 0, as zc.lockfile does with `msvcrt.locking`.
//!
//! The holder writes its stamp from offset 0 (the leading space lands on the locked byte);
//! everyone else reads from offset 1, since a locked byte cannot be read by others.
//! `fcntl` locks do not exist here ([`Primitive::Fcntl`] is `Unsupported`); dot-locks work.
//!
//! The only unsafe code of the crate is here: the `windows-sys` calls, each with a `SAFETY`
//! comment.
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io;
use std::os::windows::fs::{FileExt, OpenOptionsExt};
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use lockstamp_core::machine::{ErrorKind, FileId, FileKind, Mode, OpKind, OpenHow, Primitive};
use windows_sys::Win32::Foundation::{ERROR_LOCK_VIOLATION, HANDLE};
use windows_sys::Win32::Storage::FileSystem::{
    GetFileInformationByHandle, LockFileEx, UnlockFileEx, BY_HANDLE_FILE_INFORMATION,
    FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, LOCKFILE_EXCLUSIVE_LOCK,
    LOCKFILE_FAIL_IMMEDIATELY,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::RefusedSymlink;

/// Whether locks are stamped `{pid}` by default (process ids exist).
pub(crate) const STAMP_BY_DEFAULT: bool = true;

/// The primitive used when the caller does not choose one.
pub(crate) const DEFAULT_PRIMITIVE: Primitive = Primitive::Flock;

/// Byte 0 is locked, so others read the stamp from offset 1.
pub(crate) const HOLDER_OFFSET: u64 = 1;

pub(crate) use super::no_fcntl::{claim, unclaim, Claim, Waiter};

/// `CloseHandle`, through `File`'s drop.
///
/// # References
///  - [CloseHandle](https://learn.microsoft.com/en-us/windows/win32/api/handleapi/nf-handleapi-closehandle)
pub(crate) fn close(file: File, _claim: Option<Claim>) -> io::Result<()> {
    drop(file);
    Ok(())
}

fn refuse_reparse_point(file: &File, follow_symlinks: bool) -> io::Result<()> {
    if !follow_symlinks && file.metadata()?.file_type().is_symlink() {
        return Err(RefusedSymlink::error());
    }
    Ok(())
}

/// `CreateFileW(path, GENERIC_READ | GENERIC_WRITE, share all, OPEN_ALWAYS | CREATE_NEW)`,
/// with `FILE_FLAG_OPEN_REPARSE_POINT` unless following symlinks.
///
/// # References
///  - [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)
pub(crate) fn open(
    path: &Path,
    how: OpenHow,
    follow_symlinks: bool,
    _mode: u32,
) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true);
    match how {
        OpenHow::CreateNew => opts.create_new(true),
        OpenHow::OpenOrCreate => opts.create(true),
    };
    if !follow_symlinks {
        opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    }
    let file = opts.open(path)?;
    refuse_reparse_point(&file, follow_symlinks)?;
    Ok(file)
}

/// `CreateFileW(path, GENERIC_READ, share all, OPEN_EXISTING)`.
///
/// # References
///  - [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)
pub(crate) fn open_readonly(path: &Path, follow_symlinks: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    if !follow_symlinks {
        opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    }
    let file = opts.open(path)?;
    refuse_reparse_point(&file, follow_symlinks)?;
    Ok(file)
}

/// Directory watching is not implemented on Windows.
pub(crate) fn open_parent(_path: &Path) -> io::Result<File> {
    Err(io::ErrorKind::Unsupported.into())
}

/// `GetFileInformationByHandle`—volume serial number, file index and link count.
///
/// # References
///  - [GetFileInformationByHandle](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfileinformationbyhandle)
pub(crate) fn file_stat(file: &File) -> io::Result<(FileKind, FileId)> {
    let ft = file.metadata()?.file_type();
    let kind = if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_dir() {
        FileKind::Directory
    } else if ft.is_file() {
        FileKind::Regular
    } else {
        FileKind::Other
    };
    let mut info: BY_HANDLE_FILE_INFORMATION = BY_HANDLE_FILE_INFORMATION::default();
    // SAFETY: the handle is valid for the lifetime of `file`, and `info` is a properly
    // sized, writable out-parameter.
    let ok = unsafe { GetFileInformationByHandle(file.as_raw_handle() as HANDLE, &mut info) };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let id = FileId {
        dev: u64::from(info.dwVolumeSerialNumber),
        ino: (u64::from(info.nFileIndexHigh) << 32) | u64::from(info.nFileIndexLow),
        nlink: u64::from(info.nNumberOfLinks),
    };
    Ok((kind, id))
}

/// The identity of whatever is at `path`, opened with no access rights
/// (`CreateFileW` with no access, then `GetFileInformationByHandle`).
///
/// # References
///  - [CreateFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-createfilew)
///  - [GetFileInformationByHandle](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-getfileinformationbyhandle)
pub(crate) fn path_stat(path: &Path, follow_symlinks: bool) -> io::Result<Option<FileId>> {
    let mut opts = OpenOptions::new();
    opts.access_mode(0);
    let mut flags = FILE_FLAG_BACKUP_SEMANTICS;
    if !follow_symlinks {
        flags |= FILE_FLAG_OPEN_REPARSE_POINT;
    }
    opts.custom_flags(flags);
    match opts.open(path) {
        Ok(file) => Ok(Some(file_stat(&file)?.1)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `DeleteFileW(path)`.
///
/// # References
///  - [DeleteFileW](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-deletefilew)
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    std::fs::remove_file(path)
}

/// `LockFileEx(handle, flags, 0, 1, 0, {offset 0})`—locks byte 0.
///
/// # References
///  - [LockFileEx](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-lockfileex)
pub(crate) fn lock(
    file: &File,
    primitive: Primitive,
    mode: Mode,
    blocking: bool,
) -> io::Result<()> {
    match primitive {
        Primitive::CreateNew => return Ok(()),
        Primitive::Fcntl => return Err(io::ErrorKind::Unsupported.into()),
        _ => {}
    }
    let mut flags = 0;
    if mode == Mode::Exclusive {
        flags |= LOCKFILE_EXCLUSIVE_LOCK;
    }
    if !blocking {
        flags |= LOCKFILE_FAIL_IMMEDIATELY;
    }
    let mut overlapped = OVERLAPPED::default();
    // SAFETY: valid handle for the lifetime of `file`; `overlapped` is zeroed (offset 0)
    // and outlives the call, which is synchronous on a handle not opened for overlapped I/O.
    let ok = unsafe {
        LockFileEx(
            file.as_raw_handle() as HANDLE,
            flags,
            0,
            1,
            0,
            &mut overlapped,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `UnlockFileEx(handle, 0, 1, 0, {offset 0})`.
///
/// # References
///  - [UnlockFileEx](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-unlockfileex)
pub(crate) fn unlock(file: &File, primitive: Primitive, _claim: Option<&Claim>) -> io::Result<()> {
    if primitive != Primitive::Flock {
        return Ok(());
    }
    let mut overlapped = OVERLAPPED::default();
    // SAFETY: as in `lock`.
    let ok = unsafe { UnlockFileEx(file.as_raw_handle() as HANDLE, 0, 1, 0, &mut overlapped) };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `ReadFile` at `offset`.
///
/// # References
///  - [ReadFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-readfile)
pub(crate) fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    file.seek_read(buf, offset)
}

/// `WriteFile` at `offset` until every byte is written.
///
/// # References
///  - [WriteFile](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-writefile)
pub(crate) fn write_all_at(file: &File, mut bytes: &[u8], mut offset: u64) -> io::Result<()> {
    while !bytes.is_empty() {
        match file.seek_write(bytes, offset) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => {
                bytes = &bytes[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A shared, fail-immediately `LockFileEx` on byte 0, released at once: sees exclusive
/// holders only.
///
/// # References
///  - [LockFileEx](https://learn.microsoft.com/en-us/windows/win32/api/fileapi/nf-fileapi-lockfileex)
pub(crate) fn is_locked(file: &File, _id: FileId) -> io::Result<bool> {
    match lock(file, Primitive::Flock, Mode::Shared, false) {
        Ok(()) => {
            unlock(file, Primitive::Flock, None)?;
            Ok(false)
        }
        Err(e) if e.raw_os_error() == Some(ERROR_LOCK_VIOLATION as i32) => Ok(true),
        Err(e) => Err(e),
    }
}

/// Maps Windows errors: a lock violation is contention, the rest by `io::ErrorKind`.
pub(crate) fn map_error(_op: OpKind, err: &io::Error) -> ErrorKind {
    if err.raw_os_error() == Some(ERROR_LOCK_VIOLATION as i32) {
        return ErrorKind::WouldBlock;
    }
    super::map_io_kind(err)
}

/// `GetCurrentProcessId()`.
///
/// # References
///  - [GetCurrentProcessId](https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-getcurrentprocessid)
pub(crate) fn pid() -> Option<u32> {
    Some(std::process::id())
}

/// `%COMPUTERNAME%`.
pub(crate) fn hostname() -> Option<String> {
    std::env::var("COMPUTERNAME").ok()
}

/// No numeric user ids on Windows.
pub(crate) fn uid() -> Option<u32> {
    None
}
