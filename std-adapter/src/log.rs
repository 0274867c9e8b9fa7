//! Debug-level messages through the `log` facade (feature `log`); nothing otherwise.

/// `log::debug!` with feature `log`; otherwise the arguments are type-checked and dropped.
macro_rules! debug {
    ($($arg:tt)*) => {{
        #[cfg(feature = "log")]
        ::log::debug!($($arg)*);
        #[cfg(not(feature = "log"))]
        if false {
            let _ = format_args!($($arg)*);
        }
    }};
}

pub(crate) use debug;
