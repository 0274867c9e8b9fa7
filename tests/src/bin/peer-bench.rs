//! The peer benchmark: lockstamp next to std's `File::try_lock`, fs4, fd-lock, fslock and
//! Python's zc.lockfile, measured side by side in one run on one machine.
//!
//! The machines this runs on are shared and noisy, so the figures that matter are the
//! ratios between rows of one run, not the absolute times. Three measurements:
//!
//! 1. **cycle**: open (create) the lock file, take an exclusive non-blocking lock, stamp
//!    the pid where the peer can, release, close — what a cron job or a service start does.
//! 2. **contended**: a failed non-blocking attempt on a file another handle holds.
//! 3. **handover**: how long a waiter takes to get the lock after the holder releases it
//!    (lockstamp's timed wait wakes on the holder's close through inotify; the kernel's own
//!    blocking `flock`; a 50 ms polling loop, as Python's `filelock` and others do).
//!
//! Usage: `peer-bench [--quick] [DIR]` (results as a Markdown table on stdout).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use lockstamp::{LockFile, Options, Wait};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

struct Config {
    cycles: u32,
    handovers: u32,
    dir: PathBuf,
}

fn main() -> BenchResult<()> {
    let mut quick = false;
    let mut dir = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--quick" => quick = true,
            "-h" | "--help" => {
                println!("usage: peer-bench [--quick] [DIR]");
                return Ok(());
            }
            other => dir = Some(PathBuf::from(other)),
        }
    }
    let tmp = tempfile::tempdir()?;
    let config = Config {
        cycles: if quick { 200 } else { 5_000 },
        handovers: if quick { 5 } else { 40 },
        dir: dir.unwrap_or_else(|| tmp.path().to_path_buf()),
    };
    println!(
        "# peer benchmark ({} cycles, {} handovers)\n",
        config.cycles, config.handovers
    );
    cycles(&config)?;
    contended(&config)?;
    handovers(&config)?;
    Ok(())
}

/// Times `n` runs of `op` and returns the mean in microseconds.
fn mean_us(n: u32, mut op: impl FnMut() -> BenchResult<()>) -> BenchResult<f64> {
    // One warm-up run, so that file creation is not counted in the loop.
    op()?;
    let start = Instant::now();
    for _ in 0..n {
        op()?;
    }
    Ok(start.elapsed().as_secs_f64() * 1e6 / f64::from(n))
}

fn open_rw(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

fn stamp_pid(file: &File) -> std::io::Result<()> {
    let stamp = format!(" {}\n", std::process::id());
    file.write_all_at(stamp.as_bytes(), 0)?;
    file.set_len(stamp.len() as u64)
}

fn row(name: &str, us: f64, baseline: f64) {
    println!("| {name} | {us:.2} | {:.2} |", us / baseline);
}

/// One implementation measured in the cycle table.
struct Case<'a> {
    name: &'static str,
    /// Runs `1 / slowdown` as many cycles (for peers that take milliseconds per cycle).
    slowdown: u32,
    op: Box<dyn FnMut() -> BenchResult<()> + 'a>,
}

/// Runs the cases in interleaved rounds (a different one first each round, so that a noisy
/// moment on a shared machine hits them all alike) and returns each case's median round
/// mean, in microseconds.
fn interleaved(rounds: u32, cycles: u32, cases: &mut [Case<'_>]) -> BenchResult<Vec<f64>> {
    let mut samples = vec![Vec::new(); cases.len()];
    for case in cases.iter_mut() {
        // Warm-up: the file is created here, not in the measured loop.
        (case.op)()?;
    }
    for round in 0..rounds as usize {
        for k in 0..cases.len() {
            let i = (round + k) % cases.len();
            let case = &mut cases[i];
            let per_round = (cycles / rounds / case.slowdown).max(1);
            let start = Instant::now();
            for _ in 0..per_round {
                (case.op)()?;
            }
            samples[i].push(start.elapsed().as_secs_f64() * 1e6 / f64::from(per_round));
        }
    }
    Ok(samples
        .into_iter()
        .map(|mut s| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        })
        .collect())
}

fn cycles(config: &Config) -> BenchResult<()> {
    let path = |name: &str| config.dir.join(name);
    let (std_path, ls_path, host_path, bare_path) = (
        path("std.lock"),
        path("lockstamp.lock"),
        path("lockstamp-host.lock"),
        path("lockstamp-nostamp.lock"),
    );
    let (fs4_path, fdlock_path, fslock_path) =
        (path("fs4.lock"), path("fd-lock.lock"), path("fslock.lock"));
    let host = Options::new().template("{pid};{hostname}");
    let bare = Options::new().no_stamp();
    let mut cases = vec![
        Case {
            name: "std `File::try_lock` + pid (baseline)",
            slowdown: 1,
            op: Box::new(|| {
                let file = open_rw(&std_path)?;
                file.try_lock()?;
                stamp_pid(&file)?;
                file.unlock()?;
                Ok(())
            }),
        },
        Case {
            name: "lockstamp `LockFile::lock` (`{pid}`)",
            slowdown: 1,
            op: Box::new(|| Ok(LockFile::lock(&ls_path)?.close()?)),
        },
        Case {
            name: "lockstamp `{pid};{hostname}`",
            slowdown: 1,
            op: Box::new(|| Ok(host.lock(&host_path)?.close()?)),
        },
        Case {
            name: "lockstamp `no_stamp()`",
            slowdown: 1,
            op: Box::new(|| Ok(bare.lock(&bare_path)?.close()?)),
        },
        Case {
            name: "fs4 `try_lock` + pid",
            slowdown: 1,
            op: Box::new(|| {
                let file = open_rw(&fs4_path)?;
                fs4::FileExt::try_lock(&file).map_err(|e| format!("fs4: {e:?}"))?;
                stamp_pid(&file)?;
                fs4::FileExt::unlock(&file)?;
                Ok(())
            }),
        },
        Case {
            name: "fd-lock `try_write` + pid",
            slowdown: 1,
            op: Box::new(|| {
                let mut lock = fd_lock::RwLock::new(open_rw(&fdlock_path)?);
                let guard = lock.try_write()?;
                stamp_pid(&guard)?;
                drop(guard);
                Ok(())
            }),
        },
        Case {
            name: "fslock `try_lock_with_pid`",
            slowdown: 50,
            op: Box::new(|| {
                let mut lock = fslock::LockFile::open(&fslock_path)?;
                if !lock.try_lock_with_pid()? {
                    return Err("fslock: unexpectedly contended".into());
                }
                lock.unlock()?;
                Ok(())
            }),
        },
    ];
    let rounds = 10;
    let medians = interleaved(rounds, config.cycles, &mut cases)?;
    let baseline = medians[0];
    println!(
        "## cycle: open, lock, stamp pid, unlock, close (µs per cycle, median of {rounds} interleaved rounds)\n"
    );
    println!("| implementation | µs | × std |");
    println!("|---|---|---|");
    for (case, us) in cases.iter().zip(&medians) {
        row(case.name, *us, baseline);
    }
    match zc_lockfile_cycle_us(&path("zc.lock"), config.cycles) {
        Some(us) => row(
            "zc.lockfile `LockFile(path).close()` (CPython, timed by itself)",
            us,
            baseline,
        ),
        None => println!("| zc.lockfile | not installed (`pip install zc.lockfile`) | |"),
    }
    println!();
    Ok(())
}

/// Runs zc.lockfile's cycle in CPython, timed by Python itself; `None` when unavailable.
fn zc_lockfile_cycle_us(path: &Path, n: u32) -> Option<f64> {
    let script = "import sys, time, zc.lockfile\n\
                  p, n = sys.argv[1], int(sys.argv[2])\n\
                  zc.lockfile.LockFile(p).close()\n\
                  t = time.perf_counter()\n\
                  for _ in range(n): zc.lockfile.LockFile(p).close()\n\
                  print((time.perf_counter() - t) * 1e6 / n)\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .arg(n.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn contended(config: &Config) -> BenchResult<()> {
    let n = config.cycles;
    let p = config.dir.join("contended.lock");
    let holder = LockFile::lock(&p)?;
    println!("## contended: a failed non-blocking attempt (µs per attempt, mean)\n");
    println!("| implementation | µs | × std |");
    println!("|---|---|---|");
    let baseline = mean_us(n, || {
        let file = open_rw(&p)?;
        match file.try_lock() {
            Err(std::fs::TryLockError::WouldBlock) => Ok(()),
            other => Err(format!("std: expected WouldBlock, got {other:?}").into()),
        }
    })?;
    row("std `File::try_lock` → WouldBlock", baseline, baseline);
    let us = mean_us(n, || match LockFile::lock(&p) {
        Err(e) if e.is_locked() && e.holder().is_some() => Ok(()),
        Err(e) => Err(e.into()),
        Ok(_) => Err("lockstamp: expected contention".into()),
    })?;
    row("lockstamp → `is_locked()`, holder named", us, baseline);
    holder.close()?;
    println!();
    Ok(())
}

/// How a waiter waits for the lock in the handover measurement.
#[derive(Clone, Copy)]
enum Waiter {
    LockstampTimed,
    LockstampForever,
    Poll50ms,
}

impl Waiter {
    fn name(self) -> &'static str {
        match self {
            Waiter::LockstampTimed => "lockstamp `Wait::For(10 s)` (inotify wake-up)",
            Waiter::LockstampForever => "lockstamp `Wait::Forever` (kernel blocking flock)",
            Waiter::Poll50ms => "poll `try_lock` every 50 ms (filelock-style peers)",
        }
    }

    /// Takes the lock at `path` and returns when it was obtained.
    fn acquire(self, path: &Path) -> BenchResult<Instant> {
        match self {
            Waiter::LockstampTimed | Waiter::LockstampForever => {
                let wait = match self {
                    Waiter::LockstampTimed => Wait::For(Duration::from_secs(10)),
                    _ => Wait::Forever,
                };
                let lock = Options::new().wait(wait).lock(path)?;
                let got = Instant::now();
                lock.close()?;
                Ok(got)
            }
            Waiter::Poll50ms => {
                let file = open_rw(path)?;
                let deadline = Instant::now() + Duration::from_secs(10);
                loop {
                    match file.try_lock() {
                        Ok(()) => {
                            let got = Instant::now();
                            file.unlock()?;
                            return Ok(got);
                        }
                        Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                            thread::sleep(Duration::from_millis(50));
                        }
                        Err(e) => return Err(format!("poll: {e:?}").into()),
                    }
                }
            }
        }
    }
}

fn handovers(config: &Config) -> BenchResult<()> {
    println!("## handover: holder releases → waiter holds (µs, median and max)\n");
    println!("| waiter | median µs | max µs |");
    println!("|---|---|---|");
    for waiter in [
        Waiter::LockstampForever,
        Waiter::LockstampTimed,
        Waiter::Poll50ms,
    ] {
        let path = config.dir.join("handover.lock");
        let mut samples = Vec::new();
        for i in 0..config.handovers {
            let holder = LockFile::lock(&path)?;
            let (tx, rx) = mpsc::channel();
            let waiter_path = path.clone();
            let handle = thread::spawn(move || {
                let _ = tx.send(());
                waiter.acquire(&waiter_path).map_err(|e| e.to_string())
            });
            rx.recv()?;
            // Give the waiter time to start waiting; the pause varies so that a polling
            // waiter is caught at every phase of its interval.
            thread::sleep(Duration::from_millis(5 + u64::from(i % 10) * 7));
            let released = Instant::now();
            holder.close()?;
            let got = handle.join().map_err(|_| "waiter panicked")??;
            samples.push(got.saturating_duration_since(released).as_secs_f64() * 1e6);
        }
        samples.sort_by(f64::total_cmp);
        let median = samples[samples.len() / 2];
        let max = samples[samples.len() - 1];
        println!("| {} | {median:.0} | {max:.0} |", waiter.name());
    }
    println!();
    let _ = std::io::stdout().flush();
    Ok(())
}
