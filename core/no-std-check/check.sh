#!/usr/bin/env bash
# Proves that lockstamp-core's lock path is no_std, links no `core::fmt`, and is small.
#
# Builds src/main.rs (Template::parse("{pid};{hostname}"), Stamp::render, Holder::parse on
# black-boxed inputs) for thumbv7em-none-eabihf at opt-level "z" with LTO, then reads the
# symbol table:
#   - FAIL if any `core::fmt` symbol is linked (`core::fmt::write`, `Formatter`, the
#     `Display` impls of integers, ...);
#   - FAIL if the positive control (feature `fmt-control`, which formats a u32 with
#     `write!`) does NOT show such symbols: the check must be able to see what it forbids;
#   - report panic machinery (`core::panicking`) if any is linked (warning only);
#   - print the .text size and the biggest functions.
# Needs: rustup (adds the target), and `nm`/`size` from binutils or llvm-nm/llvm-size.
set -euo pipefail
cd "$(dirname "$0")"
TARGET=thumbv7em-none-eabihf
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/../../target}"
BIN="$CARGO_TARGET_DIR/$TARGET/release/lockstamp-no-std-check"

if command -v rustup >/dev/null; then
  rustup target add "$TARGET" >/dev/null 2>&1 || rustup target add "$TARGET"
fi

# A symbol reader that understands ARM ELF: binutils' nm does; so does llvm-nm.
tool() {
  local gnu=$1 llvm=$2
  for t in "$gnu" "$llvm" "$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/$llvm"; do
    if command -v "$t" >/dev/null 2>&1; then echo "$t"; return; fi
  done
  if command -v rustup >/dev/null && rustup component add llvm-tools >&2; then
    echo "$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/$llvm"
    return
  fi
  echo "no $gnu or $llvm found (apt-get install binutils, or rustup component add llvm-tools)" >&2
  exit 1
}
NM=$(tool nm llvm-nm)
SIZE=$(tool size llvm-size)

FMT_PATTERN='core::fmt::|core\.\.fmt\.\.'

build() {
  cargo build --quiet --release --locked --target "$TARGET" "$@"
}

echo "== positive control: a build that does use core::fmt must be caught"
build --features fmt-control
if ! "$NM" -C "$BIN" | grep -Eq "$FMT_PATTERN"; then
  echo "FAIL: the fmt-control build shows no core::fmt symbols; this check cannot see them" >&2
  exit 1
fi
"$NM" -C "$BIN" | grep -E "$FMT_PATTERN" | sed 's/^/  control: /' | head -5

echo "== lock path: Template::parse + Stamp::render + Holder::parse"
build
if "$NM" -C "$BIN" | grep -E "$FMT_PATTERN"; then
  echo "FAIL: core::fmt is linked into the lock path (symbols above)" >&2
  exit 1
fi
echo "OK: no core::fmt symbols"
if "$NM" -C "$BIN" | grep -E 'core::panicking::|core\.\.panicking\.\.'; then
  echo "WARNING: panic machinery is linked (symbols above); the lock path should have no panic paths"
else
  echo "OK: no core::panicking symbols (no panic path is linked)"
fi
TEXT=$("$SIZE" -A "$BIN" | awk '$1 == ".text" { print $2 }')
echo "size: .text = $TEXT bytes ($TARGET, opt-level \"z\", lto, panic=abort)"
echo "largest functions (bytes):"
"$NM" -C -S --size-sort "$BIN" | awk '$3 ~ /[tT]/' | tail -8 |
  while read -r _ size _ name; do printf '  %6d  %s\n' "0x$size" "$name"; done
