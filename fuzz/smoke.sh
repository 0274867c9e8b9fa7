#!/usr/bin/env bash
# Fuzz smoke test (issue 6): builds every cargo-fuzz target once, then runs each one for a
# short fixed time from its committed seeds. Any crash, panic, leak or timeout fails.
#
#   bash fuzz/smoke.sh            # 30 s per target
#   FUZZ_SECONDS=5 bash fuzz/smoke.sh
#
# cargo-fuzz needs a nightly compiler. When no nightly toolchain is installed and none can
# be fetched (machines whose only toolchain is stable), the same build runs on stable with
# RUSTC_BOOTSTRAP=1, which unlocks the -Z flags cargo-fuzz passes (sanitizer, coverage).
set -euo pipefail
cd "$(dirname "$0")"

seconds="${FUZZ_SECONDS:-30}"
# name[:mode]; mode "separators" runs roundtrip with FUZZ_ROUNDTRIP_SEPARATORS=1 (text facts
# keep the template's separators) and replays regressions/roundtrip-separators/.
targets=(template holder roundtrip roundtrip:separators machine)

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

toolchain=(+nightly)
if ! rustup toolchain list | grep -q '^nightly'; then
    if ! rustup toolchain install nightly --profile minimal; then
        echo "fuzz: no nightly toolchain to be had; using stable with RUSTC_BOOTSTRAP=1"
        toolchain=(+stable)
        export RUSTC_BOOTSTRAP=1
    fi
fi
cargo "${toolchain[@]}" --version

start=$(date +%s)
cargo "${toolchain[@]}" fuzz build
echo "fuzz: build took $(($(date +%s) - start)) s"

dict_for() {
    case "$1" in
        template) echo "$PWD/dict/template.dict" ;;
        holder | roundtrip) echo "$PWD/dict/holder.dict" ;;
        *) echo "" ;;
    esac
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for entry in "${targets[@]}"; do
    t=${entry%%:*}
    mode=${entry#"$t"}
    mode=${mode#:}
    name=$t${mode:+-$mode}
    # New inputs go to a scratch directory; the committed seeds are only read.
    mkdir -p "$scratch/$name"
    # The extra separators run of roundtrip gets half the time (the section stays < 4 min).
    run_seconds=$seconds
    if [ -n "$mode" ]; then
        run_seconds=$(((seconds + 1) / 2))
    fi
    args=(-max_total_time="$run_seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
    dict=$(dict_for "$t")
    if [ -n "$dict" ]; then
        args+=(-dict="$dict")
    fi
    log="$scratch/$name.log"
    t0=$(date +%s)
    # Seeds and past crash inputs (regressions/) are read first, then fuzzing goes on.
    dirs=("$scratch/$name" "corpus/$t")
    if [ -d "regressions/$name" ]; then
        dirs+=("regressions/$name")
    fi
    env=()
    if [ "$mode" = separators ]; then
        env=(FUZZ_ROUNDTRIP_SEPARATORS=1)
    fi
    if ! env "${env[@]}" cargo "${toolchain[@]}" fuzz run "$t" "${dirs[@]}" -- "${args[@]}" \
        >"$log" 2>&1; then
        tail -n 80 "$log"
        echo "fuzz: target '$name' FAILED; the input is in fuzz/artifacts/$t/:"
        ls -l "artifacts/$t" 2>/dev/null || true
        exit 1
    fi
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)
    echo "fuzz: $name ok in $(($(date +%s) - t0)) s: $done_line"
done
echo "fuzz: smoke test passed in $(($(date +%s) - start)) s"
