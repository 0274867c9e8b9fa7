//! Permission errors, seen by an unprivileged user. Test runners are often root, who may
//! write anywhere, so the helper is run as `nobody` through util-linux `setpriv` when the
//! tests run as root (and directly otherwise).
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

/// `holder ARGS` as an unprivileged user; `None` when that cannot be arranged here.
fn unprivileged(args: &[&str]) -> Option<(i32, String)> {
    // SAFETY: geteuid cannot fail and touches no memory.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", HOLDER]);
        c
    } else {
        Command::new(HOLDER)
    };
    let out = cmd.args(args).output().ok()?;
    let code = out.status.code()?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let answered = ["locked", "busy ", "error "]
        .iter()
        .any(|p| stdout.starts_with(p));
    if root && !answered {
        // setpriv missing or the helper not reachable by nobody.
        eprintln!(
            "SKIPPED: cannot run the helper unprivileged: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    Some((code, stdout))
}

#[test]
fn an_unwritable_directory_or_file_is_permission_denied_not_contention() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let in_ro = ro.join("x.lock");
    let Some((code, out)) = unprivileged(&["try", in_ro.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(code, 2, "{out}");
    assert_eq!(
        out.trim(),
        format!("error Couldn't open {in_ro:?}: permission denied")
    );
    assert!(!in_ro.exists());

    // A lock file someone else owns, private to them: refused, and left as it was.
    let theirs = dir.path().join("theirs.lock");
    std::fs::write(&theirs, b" 1\n").unwrap();
    std::fs::set_permissions(&theirs, std::fs::Permissions::from_mode(0o600)).unwrap();
    if let Some((code, out)) = unprivileged(&["try", theirs.to_str().unwrap()]) {
        // Root-run tests see the refusal; a non-root runner owns the file and locks it.
        if code == 2 {
            assert!(out.trim().ends_with(": permission denied"), "{out}");
            assert_eq!(std::fs::read(&theirs).unwrap(), b" 1\n");
        }
    }
}
