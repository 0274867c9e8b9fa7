//! Test helper: takes and holds lockstamp locks in a separate process, printing one line
//! per step so that tests can synchronise on its output.
//!
//! ```text
//! holder hold PATH [OPTS]        "locked", waits for a line on stdin, releases, "released"
//! holder try PATH [OPTS]         "locked" (exit 0) | "busy MESSAGE" (exit 1) | "error MESSAGE" (exit 2)
//! holder umask MASK PATH         sets the umask (octal), locks, prints "mode OCTAL"
//! holder wait-signalled PATH     no-op SIGUSR1 handler without SA_RESTART, "waiting",
//!                                blocking lock, "locked SIGNALS"
//! holder fcntl-pair PATH         fcntl lock, a second in-process attempt that must lose,
//!                                closes the loser, "ready", waits for stdin, "released"
//! holder churn PATH N MARKER     N x (remove-on-release lock, create MARKER exclusively,
//!                                remove it, release); "done", or "DOUBLE" (exit 3)
//! holder idle                    "idle", waits for stdin
//! holder status PATH [OPTS]      "status locked" | "status free" (exit 0) | "error MESSAGE"
//! holder hammer PATH N COUNTER [OPTS]
//!                                N x (lock, read-increment-write COUNTER, create and
//!                                remove COUNTER.inside exclusively, release); "done", or
//!                                "DOUBLE" (exit 3) when two holders overlapped
//! OPTS: --fcntl --create-new --shared --no-stamp --remove --template T --wait-forever
//!       --wait-ms MS
//! ```

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use lockstamp::{LockFile, Options, Primitive, Wait};

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn wait_for_stdin() {
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
}

fn options(args: &mut impl Iterator<Item = String>) -> Options {
    let mut opts = Options::new();
    while let Some(arg) = args.next() {
        opts = match arg.as_str() {
            "--fcntl" => opts.primitive(Primitive::Fcntl),
            "--create-new" => opts.primitive(Primitive::CreateNew),
            "--shared" => opts.shared(),
            "--no-stamp" => opts.no_stamp(),
            "--remove" => opts.remove_on_release(true),
            "--wait-forever" => opts.wait(Wait::Forever),
            "--wait-ms" => {
                let ms = args.next().expect("--wait-ms needs a value");
                opts.wait(Wait::For(std::time::Duration::from_millis(
                    ms.parse().expect("milliseconds"),
                )))
            }
            "--template" => opts.template(&args.next().expect("--template needs a value")),
            other => panic!("unknown option {other}"),
        };
    }
    opts
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    match cmd.as_str() {
        "hold" => hold(args),
        "try" => try_once(args),
        "umask" => umask(args),
        "wait-signalled" => wait_signalled(args),
        "fcntl-pair" => fcntl_pair(args),
        "churn" => churn(args),
        "status" => status(args),
        "hammer" => hammer(args),
        "idle" => {
            say("idle");
            wait_for_stdin();
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("holder: unknown command {other:?}");
            ExitCode::from(64)
        }
    }
}

fn path_arg(args: &mut impl Iterator<Item = String>) -> PathBuf {
    PathBuf::from(args.next().expect("PATH"))
}

fn hold(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    let opts = options(&mut args);
    match opts.lock(&path) {
        Ok(lock) => {
            say("locked");
            wait_for_stdin();
            match lock.close() {
                Ok(()) => say("released"),
                Err(e) => say(&format!("error {e}")),
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!(
                "{} {e}",
                if e.is_locked() { "busy" } else { "error" }
            ));
            ExitCode::from(if e.is_locked() { 1 } else { 2 })
        }
    }
}

fn try_once(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    let opts = options(&mut args);
    match opts.lock(&path) {
        Ok(lock) => {
            say("locked");
            drop(lock);
            ExitCode::SUCCESS
        }
        Err(e) if e.is_locked() => {
            say(&format!("busy {e}"));
            ExitCode::from(1)
        }
        Err(e) => {
            say(&format!("error {e}"));
            ExitCode::from(2)
        }
    }
}

fn umask(mut args: impl Iterator<Item = String>) -> ExitCode {
    use std::os::unix::fs::PermissionsExt;
    let mask = u32::from_str_radix(&args.next().expect("MASK"), 8).expect("octal umask");
    let path = path_arg(&mut args);
    // SAFETY: umask(2) cannot fail and touches no memory; this process is single-threaded.
    unsafe {
        libc::umask(mask as libc::mode_t);
    }
    let lock = LockFile::lock(&path).expect("lock");
    let mode = std::fs::metadata(&path).expect("stat").permissions().mode() & 0o7777;
    say(&format!("mode {mode:o}"));
    drop(lock);
    ExitCode::SUCCESS
}

static SIGNALS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

extern "C" fn count_signal(_: libc::c_int) {
    SIGNALS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

fn wait_signalled(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    // SAFETY: `action` is fully initialised (zeroed, then the handler set); the handler only
    // touches an atomic, which is async-signal-safe. sa_flags = 0: no SA_RESTART, so a
    // blocking flock(2) returns EINTR when the signal arrives.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = count_signal as *const () as libc::sighandler_t;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()) != 0 {
            say("error sigaction");
            return ExitCode::from(2);
        }
    }
    say("waiting");
    match Options::new().wait(Wait::Forever).lock(&path) {
        Ok(lock) => {
            let n = SIGNALS.load(std::sync::atomic::Ordering::SeqCst);
            say(&format!("locked {n}"));
            drop(lock);
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error {e}"));
            ExitCode::from(2)
        }
    }
}

fn fcntl_pair(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    let fcntl = Options::new().primitive(Primitive::Fcntl);
    let winner = fcntl.lock(&path).expect("first fcntl lock");
    match fcntl.lock(&path) {
        Ok(_) => {
            say("error second fcntl lock in one process was granted");
            return ExitCode::from(2);
        }
        Err(e) if e.is_locked() => {} // the loser's handle is closed here
        Err(e) => {
            say(&format!("error {e}"));
            return ExitCode::from(2);
        }
    }
    say("ready");
    wait_for_stdin();
    winner.close().expect("release");
    say("released");
    ExitCode::SUCCESS
}

fn churn(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    let rounds: u32 = args.next().expect("N").parse().expect("number");
    let marker = path_arg(&mut args);
    let opts = Options::new().remove_on_release(true).wait(Wait::Forever);
    for _ in 0..rounds {
        // Waiting forever means no error for contention, however often the file changes
        // hands (no `Unstable` either).
        let lock = opts.lock(&path).unwrap_or_else(|e| panic!("lock: {e}"));
        // Two holders at once would both get here: the marker can only be created once.
        if std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&marker)
            .is_err()
        {
            say("DOUBLE");
            return ExitCode::from(3);
        }
        std::fs::remove_file(&marker).expect("remove marker");
        lock.close().expect("release");
    }
    say("done");
    ExitCode::SUCCESS
}

fn status(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    let opts = options(&mut args);
    match opts.status(&path) {
        Ok(s) => {
            say(if s.locked {
                "status locked"
            } else {
                "status free"
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            say(&format!("error {e}"));
            ExitCode::from(2)
        }
    }
}

/// Takes the lock `rounds` times (waiting as the options say, retrying contention and
/// `Unstable`), and inside each hold proves it is alone: it creates `COUNTER.inside` with
/// `O_EXCL` (fails if another holder is inside) and increments the number in `COUNTER`
/// (a lost update shows in the final count).
fn hammer(mut args: impl Iterator<Item = String>) -> ExitCode {
    let path = path_arg(&mut args);
    let rounds: u32 = args.next().expect("N").parse().expect("number");
    let counter = path_arg(&mut args);
    let args: Vec<String> = args.collect();
    // Without waiting, contention and `Unstable` are retried here; a waiting lock must
    // come back with the lock, whatever the churn.
    let waits = args.iter().any(|a| a.starts_with("--wait"));
    let opts = options(&mut args.into_iter());
    let mut inside = counter.clone().into_os_string();
    inside.push(".inside");
    for _ in 0..rounds {
        let lock = loop {
            match opts.lock(&path) {
                Ok(lock) => break lock,
                Err(e)
                    if e.is_locked() || (!waits && e.kind() == lockstamp::ErrorKind::Unstable) =>
                {
                    std::thread::yield_now()
                }
                Err(e) => {
                    say(&format!("error {e}"));
                    return ExitCode::from(2);
                }
            }
        };
        if std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&inside)
            .is_err()
        {
            say("DOUBLE");
            return ExitCode::from(3);
        }
        let n: u64 = std::fs::read_to_string(&counter)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        std::fs::write(&counter, format!("{}\n", n + 1)).expect("write counter");
        std::fs::remove_file(&inside).expect("remove marker");
        if let Err(e) = lock.close() {
            say(&format!("error {e}"));
            return ExitCode::from(2);
        }
    }
    say("done");
    ExitCode::SUCCESS
}
