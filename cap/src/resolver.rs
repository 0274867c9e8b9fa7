//! [`DirResolver`]: lockstamp's path operations, performed inside a `cap_std::fs::Dir`.

use std::fs::File;
use std::io;
use std::path::Path;

use cap_fs_ext::{FollowSymlinks, OpenOptionsFollowExt};
use cap_std::fs::{Dir, OpenOptions};
use lockstamp::{FileId, OpenHow, Resolver};

/// A [`Resolver`] that resolves every lock path relative to a capability directory.
///
/// Each operation corresponds to the ambient one of the std adapter, but only accesses
/// paths inside `dir`: `..` that climbs out, absolute paths, and symlinks that lead
/// outside are refused by cap-std with `PermissionDenied`, and nothing outside the
/// directory is ever opened, created or removed. Files are opened with `O_CLOEXEC` (cap-std
/// always sets it) and `O_NOCTTY`, never truncated.
#[derive(Debug)]
pub struct DirResolver {
    dir: Dir,
}

impl DirResolver {
    /// Resolves paths inside `dir`.
    pub fn new(dir: Dir) -> Self {
        DirResolver { dir }
    }

    /// The capability directory.
    pub fn dir(&self) -> &Dir {
        &self.dir
    }

    /// Gives the directory back.
    pub fn into_dir(self) -> Dir {
        self.dir
    }
}

fn follow(follow_symlinks: bool) -> FollowSymlinks {
    if follow_symlinks {
        FollowSymlinks::Yes
    } else {
        FollowSymlinks::No
    }
}

/// Adds the Unix-only open flags: the file's permission bits and `O_NOCTTY`
/// (plus `extra`, e.g. `O_NONBLOCK` so that opening a FIFO never blocks).
#[cfg(unix)]
fn unix_flags(opts: &mut OpenOptions, mode: Option<u32>, extra: rustix::fs::OFlags) {
    use cap_std::fs::OpenOptionsExt;
    if let Some(mode) = mode {
        opts.mode(mode);
    }
    // The flag bits are small positive constants; the cast cannot lose information.
    let flags = (rustix::fs::OFlags::NOCTTY | extra).bits() as i32;
    opts.custom_flags(flags);
}

impl Resolver for DirResolver {
    /// `openat(dir, path, O_RDWR | O_CREAT [| O_EXCL] | O_CLOEXEC | O_NOCTTY [| O_NOFOLLOW],
    /// mode)` through cap-std's sandboxed path resolution.
    fn open(
        &self,
        path: &Path,
        how: OpenHow,
        follow_symlinks: bool,
        mode: u32,
    ) -> io::Result<File> {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true);
        match how {
            OpenHow::OpenOrCreate => opts.create(true),
            OpenHow::CreateNew => opts.create_new(true),
        };
        opts.follow(follow(follow_symlinks));
        #[cfg(unix)]
        unix_flags(&mut opts, Some(mode), rustix::fs::OFlags::empty());
        #[cfg(not(unix))]
        let _ = mode;
        Ok(self.dir.open_with(path, &opts)?.into_std())
    }

    /// `openat(dir, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY [| O_NOFOLLOW])`.
    fn open_readonly(&self, path: &Path, follow_symlinks: bool) -> io::Result<File> {
        let mut opts = OpenOptions::new();
        opts.read(true);
        opts.follow(follow(follow_symlinks));
        #[cfg(unix)]
        unix_flags(&mut opts, None, rustix::fs::OFlags::NONBLOCK);
        Ok(self.dir.open_with(path, &opts)?.into_std())
    }

    /// `fstatat(dir, path)` (`AT_SYMLINK_NOFOLLOW` unless following); `None` when nothing
    /// is at the path.
    fn identify(&self, path: &Path, follow_symlinks: bool) -> io::Result<Option<FileId>> {
        let meta = if follow_symlinks {
            self.dir.metadata(path)
        } else {
            self.dir.symlink_metadata(path)
        };
        match meta {
            Ok(meta) => Ok(Some(file_id(&meta)?)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `unlinkat(dir, path, 0)`.
    fn remove(&self, path: &Path) -> io::Result<()> {
        self.dir.remove_file(path)
    }

    /// Opens the directory holding `path`, inside the capability (the capability itself
    /// for a bare file name).
    fn open_parent(&self, path: &Path) -> io::Result<File> {
        match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => {
                Ok(self.dir.open_dir(parent)?.into_std_file())
            }
            _ => Ok(self.dir.try_clone()?.into_std_file()),
        }
    }

    fn try_clone_box(&self) -> io::Result<Box<dyn Resolver>> {
        Ok(Box::new(DirResolver {
            dir: self.dir.try_clone()?,
        }))
    }
}

#[cfg(unix)]
fn file_id(meta: &cap_std::fs::Metadata) -> io::Result<FileId> {
    use cap_std::fs::MetadataExt;
    Ok(FileId {
        dev: meta.dev(),
        ino: meta.ino(),
        nlink: meta.nlink(),
    })
}

#[cfg(not(unix))]
fn file_id(_meta: &cap_std::fs::Metadata) -> io::Result<FileId> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "file identity inside a capability directory is only available on Unix",
    ))
}
