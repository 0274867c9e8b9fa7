//! Portable backend (WASI and any target without `flock`): `std::fs` only.
//!
//! The only primitive is the dot-lock ([`Primitive::CreateNew`], the default here): the
//! file is created with `create_new` and removed on release. `flock` and `fcntl` are
//! `Unsupported`. Symlinks are refused by checking the path before opening, which leaves a
//! window in which the path can be swapped; `{pid}` is unavailable (WASI has no process
//! ids), so stamped locks need a template without it.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

use lockstamp_core::machine::{ErrorKind, FileId, FileKind, Mode, OpKind, OpenHow, Primitive};

use super::RefusedSymlink;

/// Whether locks are stamped `{pid}` by default (no process ids, so the default `{pid}` stamp cannot be rendered).
pub(crate) const STAMP_BY_DEFAULT: bool = false;

/// The primitive used when the caller does not choose one.
pub(crate) const DEFAULT_PRIMITIVE: Primitive = Primitive::CreateNew;

/// The stamp is read from the start.
pub(crate) const HOLDER_OFFSET: u64 = 0;

pub(crate) use super::no_fcntl::{claim, unclaim, Claim, Waiter};

/// `fd_close`, through `File`'s drop.
///
/// # References
///  - [`fd_close`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_close)
pub(crate) fn close(file: File, _claim: Option<Claim>) -> io::Result<()> {
    drop(file);
    Ok(())
}

fn refuse_symlink(path: &Path, follow_symlinks: bool) -> io::Result<()> {
    if follow_symlinks {
        return Ok(());
    }
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(RefusedSymlink::error()),
        _ => Ok(()),
    }
}

/// `path_open(path, O_CREAT [| O_EXCL], rights read+write)` through `std::fs`.
///
/// # References
///  - [`path_open`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-path_open)
pub(crate) fn open(
    path: &Path,
    how: OpenHow,
    follow_symlinks: bool,
    _mode: u32,
) -> io::Result<File> {
    refuse_symlink(path, follow_symlinks)?;
    let mut opts = OpenOptions::new();
    opts.read(true).write(true);
    match how {
        OpenHow::CreateNew => opts.create_new(true),
        OpenHow::OpenOrCreate => opts.create(true),
    };
    opts.open(path)
}

/// `path_open(path, rights read)` through `std::fs`.
///
/// # References
///  - [`path_open`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-path_open)
pub(crate) fn open_readonly(path: &Path, follow_symlinks: bool) -> io::Result<File> {
    refuse_symlink(path, follow_symlinks)?;
    File::open(path)
}

/// Not available.
pub(crate) fn open_parent(_path: &Path) -> io::Result<File> {
    Err(io::ErrorKind::Unsupported.into())
}

fn kind_of(ft: std::fs::FileType) -> FileKind {
    if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_dir() {
        FileKind::Directory
    } else if ft.is_file() {
        FileKind::Regular
    } else {
        FileKind::Other
    }
}

/// `fd_filestat_get`: the type; the identity is not exposed by stable `std` here, so every
/// file reports the same one (remove-on-release identity checks cannot tell files apart).
///
/// # References
///  - [`fd_filestat_get`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_filestat_get)
pub(crate) fn file_stat(file: &File) -> io::Result<(FileKind, FileId)> {
    let kind = kind_of(file.metadata()?.file_type());
    Ok((
        kind,
        FileId {
            dev: 0,
            ino: 0,
            nlink: 1,
        },
    ))
}

/// `path_filestat_get`.
///
/// # References
///  - [`path_filestat_get`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-path_filestat_get)
pub(crate) fn path_stat(path: &Path, follow_symlinks: bool) -> io::Result<Option<FileId>> {
    let meta = if follow_symlinks {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    };
    match meta {
        Ok(_) => Ok(Some(FileId {
            dev: 0,
            ino: 0,
            nlink: 1,
        })),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// `path_unlink_file`.
///
/// # References
///  - [`path_unlink_file`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-path_unlink_file)
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    std::fs::remove_file(path)
}

/// Dot-locks need no call; `flock` and `fcntl` do not exist here.
pub(crate) fn lock(
    _file: &File,
    primitive: Primitive,
    _mode: Mode,
    _blocking: bool,
) -> io::Result<()> {
    match primitive {
        Primitive::CreateNew => Ok(()),
        _ => Err(io::ErrorKind::Unsupported.into()),
    }
}

/// Nothing to unlock for a dot-lock.
pub(crate) fn unlock(
    _file: &File,
    _primitive: Primitive,
    _claim: Option<&Claim>,
) -> io::Result<()> {
    Ok(())
}

/// `fd_seek`, then `fd_read`.
///
/// # References
///  - [`fd_seek`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_seek)
///  - [`fd_read`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_read)
pub(crate) fn read_at(mut file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    file.seek(SeekFrom::Start(offset))?;
    file.read(buf)
}

/// `fd_seek`, then `fd_write` until everything is written.
///
/// # References
///  - [`fd_seek`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_seek)
///  - [`fd_write`](https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-fd_write)
pub(crate) fn write_all_at(mut file: &File, bytes: &[u8], offset: u64) -> io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.write_all(bytes)
}

/// Kernel locks cannot be inspected here.
pub(crate) fn is_locked(_file: &File, _id: FileId) -> io::Result<bool> {
    Err(io::ErrorKind::Unsupported.into())
}

/// By `io::ErrorKind` (no errno names in `std` here).
pub(crate) fn map_error(_op: OpKind, err: &io::Error) -> ErrorKind {
    super::map_io_kind(err)
}

/// WASI has no process ids.
pub(crate) fn pid() -> Option<u32> {
    None
}

/// WASI has no host name call.
pub(crate) fn hostname() -> Option<String> {
    None
}

/// WASI has no user ids.
pub(crate) fn uid() -> Option<u32> {
    None
}
