//! Differential test against the real thing: random templates from a loose grammar go to
//! `python3` in one batch; every template we accept must render exactly as Python's
//! `str.format` does, and every template Python rejects must be rejected here too.
//!
//! Skips (passes with a note) when `python3` 3.10 or later is not installed; the literal
//! table in `python_table.rs` covers the same ground without Python.

use std::io::Write;
use std::process::{Command, Stdio};
use std::string::String;
use std::vec::Vec;
use std::{eprintln, format};

use super::python_table::FACTS;
use super::Template;
use crate::facts::Facts;

/// How many random templates one run checks.
const CASES: usize = 4000;

/// Python side: reads hex-encoded templates, prints the hex of each rendering per facts
/// set, or `ERR`.
const SCRIPT: &str = r#"
import sys
if sys.version_info < (3, 10):
    print("OLD"); sys.exit(0)
facts = [dict(pid=p, hostname=h, uid=u, program=g, time=t) for p, h, u, g, t in FACTS]
for line in sys.stdin:
    t = bytes.fromhex(line.strip()).decode()
    out = []
    for f in facts:
        try:
            out.append(t.format(**f).encode().hex())
        except Exception:
            out.append("ERR")
    print(" ".join(out))
"#;

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const LITERALS: &[&str] = &["a", ";", " ", "é", "{{", "}}", "-", "{", "}", "😀"];
const NAMES: &[&str] = &[
    "pid", "hostname", "uid", "program", "time", "pid", "hostname", "uid", "program", "time", "",
    "0", "user", "pid.real", "pid!r",
];
const SPEC: &[&str] = &[
    "<", ">", "^", "=", "0", "0", "1", "5", "9", "x", "é", " ", ":", "!", "}", "{", "+", ",", ".2",
    "d", "s", "#", "_", "00", "12",
];

const FILLS: &[&str] = &["x", "é", "0", " ", ":", "!", "<", "=", "😀", "\t"];
const ALIGNS: &[&str] = &["<", ">", "^", "="];
const ZERO: &[&str] = &["0"];
const WIDTHS: &[&str] = &["0", "1", "7", "12", "040", "999", "1000"];

fn template(rng: &mut Rng) -> String {
    let mut t = String::new();
    for _ in 0..rng.below(4) + 1 {
        if rng.below(3) == 0 {
            t.push_str(rng.pick(LITERALS));
            continue;
        }
        t.push('{');
        t.push_str(rng.pick(NAMES));
        if rng.below(4) != 0 {
            t.push(':');
            // Mostly well-formed specs, some from the loose alphabet.
            if rng.below(2) == 0 {
                for _ in 0..rng.below(5) {
                    t.push_str(rng.pick(SPEC));
                }
            } else {
                if rng.below(2) == 0 {
                    t.push_str(rng.pick(FILLS));
                }
                for part in [ALIGNS, ZERO, WIDTHS] {
                    if rng.below(2) == 0 {
                        t.push_str(rng.pick(part));
                    }
                }
            }
        }
        if rng.below(12) != 0 {
            t.push('}');
        }
    }
    t
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
#[cfg_attr(miri, ignore = "spawns python3")]
fn random_templates_render_as_python_renders() {
    let facts_list = FACTS
        .iter()
        .map(|(p, h, u, g, t)| format!("({p}, {h:?}, {u}, {g:?}, {t})"))
        .collect::<Vec<_>>()
        .join(", ");
    let script = format!("FACTS = [{facts_list}]\n{SCRIPT}");
    let child = Command::new("python3")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("python3 not found: skipping the differential test");
        return;
    };
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let templates: Vec<String> = (0..CASES).map(|_| template(&mut rng)).collect();
    // Write from another thread: python3 answers while we are still writing, and a full
    // pipe in both directions would deadlock.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let input: String = templates.iter().map(|t| hex(t.as_bytes()) + "\n").collect();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("python3 runs");
    writer
        .join()
        .expect("writer thread")
        .expect("write to python3");
    let stdout = String::from_utf8(output.stdout).expect("python3 prints ASCII");
    if stdout.starts_with("OLD") {
        eprintln!("python3 is older than 3.10: skipping the differential test");
        return;
    }
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), templates.len(), "one answer per template");

    let mut accepted = 0;
    for (src, line) in templates.iter().zip(lines) {
        let python: Vec<&str> = line.split(' ').collect();
        let Ok(template) = Template::parse(src) else {
            continue; // we may reject more than Python does
        };
        accepted += 1;
        for (i, want) in python.iter().enumerate() {
            let (pid, hostname, uid, program, time) = FACTS[i];
            let facts = Facts {
                pid: Some(pid),
                hostname: Some(hostname),
                uid: Some(uid),
                program: Some(program),
                time: Some(time),
            };
            assert_ne!(*want, "ERR", "we accept {src:?}, Python rejects it");
            let got = template.render_to::<8192>(&facts).expect("fits");
            assert_eq!(hex(got.as_bytes()), *want, "template {src:?}, facts {i}");
        }
    }
    // Keep the generator honest: a good share must be valid templates.
    assert!(accepted > CASES / 5, "only {accepted} of {CASES} accepted");
    eprintln!("{accepted} of {CASES} random templates accepted and equal to Python's");
}
