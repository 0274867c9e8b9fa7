//! `Wait::For(d)` against another process, for every primitive: it gives up no earlier than
//! `d` and not much later when the holder never lets go, and it returns long before `d`
//! when the holder lets go. Timings are printed; the only bounds asserted are generous
//! (a shared, noisy machine): never before `d`, never after `d + 2 s`, and a handover well
//! within a 60 s wait.
#![cfg(unix)]

use std::time::{Duration, Instant};

use lockstamp::{ErrorKind, Options, Primitive, Wait};
use lockstamp_tests::Helper;

const HOLDER: &str = env!("CARGO_BIN_EXE_holder");

/// Each primitive with the helper's flag for it.
const PRIMITIVES: [(Primitive, &[&str]); 3] = [
    (Primitive::Flock, &[]),
    (Primitive::Fcntl, &["--fcntl"]),
    (Primitive::CreateNew, &["--create-new"]),
];

fn hold(path: &std::path::Path, opts: &[&str]) -> Helper {
    Helper::hold(HOLDER, path, opts)
}

fn release(h: Helper) {
    h.release();
}

#[test]
fn a_timed_wait_gives_up_after_its_duration_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let wait = Duration::from_millis(300);
    for (primitive, flag) in PRIMITIVES {
        let path = dir.path().join(format!("{primitive:?}.lock"));
        let h = hold(&path, flag);
        let start = Instant::now();
        let err = Options::new()
            .primitive(primitive)
            .wait(Wait::For(wait))
            .lock(&path)
            .unwrap_err();
        let took = start.elapsed();
        eprintln!("{primitive:?}: Wait::For({wait:?}) gave up after {took:?}");
        assert!(err.is_locked(), "{err}");
        assert_eq!(err.kind(), ErrorKind::TimedOut, "{err}");
        assert_eq!(err.holder().and_then(|i| i.pid()), Some(h.pid()), "{err}");
        assert!(took >= wait, "{primitive:?}: gave up early, after {took:?}");
        assert!(
            took < wait + Duration::from_secs(2),
            "{primitive:?}: {took:?}"
        );
        release(h);
    }
}

#[test]
fn a_timed_wait_returns_soon_after_the_holder_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    for (primitive, flag) in PRIMITIVES {
        let path = dir.path().join(format!("{primitive:?}.lock"));
        let mut h = hold(&path, flag);
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || {
                tx.send(()).unwrap();
                let r = Options::new()
                    .primitive(primitive)
                    .wait(Wait::For(Duration::from_secs(60)))
                    .lock(&path);
                (r, Instant::now())
            }
        });
        rx.recv().unwrap();
        h.send("");
        h.expect("released");
        let released = Instant::now();
        let (lock, got) = waiter.join().unwrap();
        lock.expect("the lock after the holder let go")
            .close()
            .unwrap();
        let handover = got.saturating_duration_since(released);
        eprintln!("{primitive:?}: handed over {handover:?} after the holder said released");
        assert!(
            handover < Duration::from_secs(10),
            "{primitive:?}: {handover:?}"
        );
        assert!(h.finish().0.success());
    }
}
