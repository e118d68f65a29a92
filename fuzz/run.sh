#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer, on the stable toolchain: the targets are built with
# LLVM's SanitizerCoverage instrumentation (the flags cargo-fuzz passes, without a sanitizer, so
# no nightly is needed), then each is run in turn. Usage:
#   fuzz/run.sh [SECONDS] [TARGET...]      (default 60 s each; every target when none is named)
# Targets: model_syscalls (the model's system calls), trace_reader (traces: parse, run on the
# model, write, normalize), recorded_answers (a scenario and a recorded answer: parse, replay
# against the model, explain). Extra libFuzzer options: FUZZ_ARGS="-jobs=2 ...".
# Corpus in fuzz/corpus/TARGET/, seeded for the text targets from the bundled scenarios and
# recordings (seed/ is regenerated each run). Exit 0: no input panicked within the time. A
# crash leaves its input in fuzz/artifacts/TARGET/ (replay:
# fuzz/target/<host triple>/release/TARGET fuzz/artifacts/TARGET/<file>).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
secs="${1:-60}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    targets=(model_syscalls trace_reader recorded_answers)
fi
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation out of build scripts (they run on the host).
triple="$(rustc -vV | sed -n 's/^host: //p')"
bins=()
for t in "${targets[@]}"; do bins+=(--bin "$t"); done
cargo build --release --manifest-path "$here/Cargo.toml" "${bins[@]}" --target "$triple"

# Seeds for the text targets: every bundled scenario, and each scenario with this machine's
# recorded answer to it (the `---` separated pair recorded_answers reads).
seed_text() {
    local t="$1" dir="$here/seed/$1"
    rm -rf "$dir" && mkdir -p "$dir"
    local rec="$root/conformance/expected/reference-6.18.44"
    for s in "$root"/conformance/scenarios/*.jsonl; do
        local name
        name="$(basename "$s" .jsonl)"
        case "$t" in
        trace_reader) cp "$s" "$dir/$name" ;;
        recorded_answers)
            if [ -f "$rec/$name.jsonl" ]; then
                { cat "$s"; printf -- '---\n'; cat "$rec/$name.jsonl"; } >"$dir/$name"
            fi
            ;;
        esac
    done
}

status=0
for t in "${targets[@]}"; do
    mkdir -p "$here/corpus/$t" "$here/artifacts/$t"
    dirs=("$here/corpus/$t")
    if [ "$t" != model_syscalls ]; then
        seed_text "$t"
        dirs+=("$here/seed/$t")
    fi
    echo "== $t: ${secs} s" >&2
    # shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
    "$here/target/$triple/release/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$here/artifacts/$t/" -print_final_stats=1 ${FUZZ_ARGS:-} "${dirs[@]}" ||
        status=$?
done
exit "$status"
