//! Feature `log`: contention and waiting reach the `log` facade at debug level only.
#![cfg(all(unix, feature = "log"))]

use std::sync::Mutex;
use std::time::Duration;

use lockstamp::{LockFile, Options, Wait};

struct Capture(Mutex<Vec<(log::Level, String)>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }
    fn log(&self, record: &log::Record<'_>) {
        if record.target().starts_with("lockstamp") {
            let mut seen = self.0.lock().unwrap_or_else(|e| e.into_inner());
            seen.push((record.level(), record.args().to_string()));
        }
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn contention_and_waiting_are_logged_at_debug_level() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Trace);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.lock");
    let lock = LockFile::lock(&path).unwrap();
    assert!(Options::new()
        .wait(Wait::For(Duration::from_millis(20)))
        .lock(&path)
        .unwrap_err()
        .is_locked());
    drop(lock);
    let seen = CAPTURE.0.lock().unwrap();
    assert!(
        seen.iter().all(|(level, _)| *level == log::Level::Debug),
        "{seen:?}"
    );
    assert!(seen.iter().any(|(_, m)| m.contains("waiting")), "{seen:?}");
    assert!(
        seen.iter()
            .any(|(_, m)| m.contains("locked by someone else")),
        "{seen:?}"
    );
}
