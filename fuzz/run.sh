#!/usr/bin/env bash
# Coverage-guided fuzzing of the model with libFuzzer, on the stable toolchain: the target is
# built with LLVM's SanitizerCoverage instrumentation (the flags cargo-fuzz passes, without a
# sanitizer, so no nightly is needed), then run. Usage:
#   fuzz/run.sh [SECONDS] [libFuzzer options...]     (default 60 s; corpus in fuzz/corpus/)
# Exit 0: no input panicked the model within the time. A crash leaves its input in
# fuzz/artifacts/ (replay: fuzz/target/<host triple>/release/model_syscalls fuzz/artifacts/<file>).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
secs="${1:-60}"
shift || true
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit --target keeps the instrumentation out of build scripts (they run on the host).
triple="$(rustc -vV | sed -n 's/^host: //p')"
cargo build --release --manifest-path "$here/Cargo.toml" --bin model_syscalls --target "$triple"
mkdir -p "$here/corpus/model_syscalls" "$here/artifacts"
"$here/target/$triple/release/model_syscalls" -max_total_time="$secs" -rss_limit_mb=2048 \
    -artifact_prefix="$here/artifacts/" -print_final_stats=1 "$@" "$here/corpus/model_syscalls"
