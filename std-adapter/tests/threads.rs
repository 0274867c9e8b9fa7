//! Threads of one process: locks exclude each other for every primitive, a held lock can
//! be moved to and dropped in another thread, and the types cross threads.
#![cfg(unix)]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{mpsc, Arc};

use lockstamp::{LockError, LockFile, Options, Primitive, Status, Wait};

#[test]
fn the_public_types_are_send_and_sync() {
    fn both<T: Send + Sync>() {}
    both::<LockFile>();
    both::<LockError>();
    both::<Options>();
    both::<Status>();
}

/// `threads` threads take the lock `rounds` times each; inside, each checks it is alone.
fn hammer(opts: Options, threads: u32, rounds: u32) {
    let dir = tempfile::tempdir().unwrap();
    let path = Arc::new(dir.path().join("t.lock"));
    let inside = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU32::new(0));
    let workers: Vec<_> = (0..threads)
        .map(|_| {
            let (opts, path, inside, count) =
                (opts.clone(), path.clone(), inside.clone(), count.clone());
            std::thread::spawn(move || {
                for _ in 0..rounds {
                    let lock = loop {
                        match opts.lock(&*path) {
                            Ok(lock) => break lock,
                            Err(e) if e.is_locked() => std::thread::yield_now(),
                            Err(e) => panic!("{e}"),
                        }
                    };
                    assert!(!inside.swap(true, Ordering::SeqCst), "two holders at once");
                    count.fetch_add(1, Ordering::SeqCst);
                    inside.store(false, Ordering::SeqCst);
                    lock.close().unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    assert_eq!(count.load(Ordering::SeqCst), threads * rounds);
}

#[test]
fn threads_exclude_each_other_with_every_primitive() {
    for primitive in [Primitive::Flock, Primitive::Fcntl, Primitive::CreateNew] {
        hammer(Options::new().primitive(primitive), 4, 300);
        hammer(
            Options::new().primitive(primitive).wait(Wait::Forever),
            4,
            300,
        );
    }
    hammer(Options::new().remove_on_release(true), 4, 300);
}

#[test]
fn a_lock_dropped_in_another_thread_is_released() {
    let dir = tempfile::tempdir().unwrap();
    for primitive in [Primitive::Flock, Primitive::Fcntl, Primitive::CreateNew] {
        let path = dir.path().join(format!("{primitive:?}.lock"));
        let opts = Options::new().primitive(primitive);
        let lock = opts.lock(&path).unwrap();
        let (tx, rx) = mpsc::channel::<LockFile>();
        let dropper = std::thread::spawn(move || drop(rx.recv().unwrap()));
        assert!(opts.lock(&path).unwrap_err().is_locked());
        tx.send(lock).unwrap();
        dropper.join().unwrap();
        opts.lock(&path)
            .expect("released by the other thread")
            .close()
            .unwrap();
    }
}

#[test]
fn a_blocked_thread_gets_the_lock_when_the_holder_releases() {
    let dir = tempfile::tempdir().unwrap();
    for primitive in [Primitive::Flock, Primitive::Fcntl, Primitive::CreateNew] {
        let path = dir.path().join(format!("{primitive:?}.lock"));
        let held = Options::new().primitive(primitive).lock(&path).unwrap();
        let (tx, rx) = mpsc::channel();
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || {
                tx.send(()).unwrap();
                let opts = Options::new().primitive(primitive).wait(Wait::Forever);
                opts.lock(&path).map(|l| l.close())
            }
        });
        rx.recv().unwrap();
        held.close().unwrap();
        waiter.join().unwrap().unwrap().unwrap();
    }
}
