//! Exercises lockstamp-core's lock path on a bare-metal target: parse the template,
//! render the stamp, parse it back as a holder. Inputs go through `black_box` so nothing
//! is constant-folded away.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use lockstamp_core::{Facts, Holder, Stamp, Template};

/// Never formats the panic message: a panic here must not pull in `core::fmt` by itself.
#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// The entry point the linker starts at.
#[no_mangle]
pub extern "C" fn _start() -> ! {
    let src: &str = black_box("{pid};{hostname}");
    let facts = Facts {
        pid: Some(black_box(11170)),
        hostname: Some(black_box("vm")),
        ..Facts::default()
    };
    match Template::parse(src) {
        Ok(template) => match Stamp::render(&template, &facts) {
            Ok(stamp) => {
                let holder = Holder::parse(black_box(stamp.as_bytes()), &template);
                black_box((holder.pid(), holder.hostname(), holder.content()));
            }
            Err(err) => {
                black_box((err.kind(), err.offset()));
            }
        },
        Err(err) => {
            black_box((err.kind(), err.offset()));
        }
    }
    #[cfg(feature = "fmt-control")]
    control::format_pid(black_box(11170));
    loop {
        core::hint::spin_loop();
    }
}

#[cfg(feature = "fmt-control")]
mod control {
    use core::fmt::Write;

    /// What the check must catch: rendering through `core::fmt`.
    pub fn format_pid(pid: u32) {
        let mut out = Buf([0; 16], 0);
        let _ = write!(out, "{pid}");
        core::hint::black_box(&out.0);
    }

    struct Buf([u8; 16], usize);

    impl Write for Buf {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            let end = self.1 + s.len();
            let dst = self.0.get_mut(self.1..end).ok_or(core::fmt::Error)?;
            dst.copy_from_slice(s.as_bytes());
            self.1 = end;
            Ok(())
        }
    }
}
