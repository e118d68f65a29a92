#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer, on the stable toolchain: the targets are built with
# LLVM's SanitizerCoverage instrumentation (the flags cargo-fuzz passes, without a sanitizer, so
# no nightly is needed), then each is run in turn. Usage:
#   fuzz/run.sh [SECONDS] [TARGET...]      (default 60 s each; every target when none is named)
# Targets: model_syscalls (the model's system calls), trace_reader (traces: parse, run on the
# model, write, normalize), recorded_answers (a scenario and a recorded answer: parse, replay
# against the model, explain), server_frames (`nltwin run`'s model server: frames from the
# preloaded library answered by the served model). Extra libFuzzer options: FUZZ_ARGS="-jobs=2 ...".
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
    targets=(model_syscalls trace_reader recorded_answers server_frames)
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
    if [ "$t" = server_frames ]; then
        # One socket's life as the preloaded library frames it: socket, bind, NETLINK_EXT_ACK,
        # an RTM_GETLINK dump, three receives, getsockname, then a second connection's socket.
        python3 - "$dir/link_dump" <<'PY'
import struct, sys
def b(x): return struct.pack("<I", len(x)) + x
def frame(conn, body): return bytes([conn]) + struct.pack("<H", len(body)) + body
pid = struct.pack("<I", 4242)
dump = struct.pack("=IHHII", 32, 18, 0x301, 1, 0) + bytes(16)
out = frame(0, b"\x01" + pid + struct.pack("<ii", 3, 0))
out += frame(0, b"\x02" + pid + b(struct.pack("=HHII", 16, 0, 0, 0)))
out += frame(0, b"\x06" + pid + struct.pack("<ii", 270, 11) + b(struct.pack("<i", 1)))
out += frame(0, b"\x08" + pid + struct.pack("<i", 0) + b"\x00" + b(dump))
for _ in range(3):
    out += frame(0, b"\x09" + pid + struct.pack("<iI", 64, 32768))
out += frame(0, b"\x04" + pid)
out += frame(1, b"\x01" + struct.pack("<I", 4343) + struct.pack("<ii", 3, 16))
open(sys.argv[1], "wb").write(out)
PY
    fi
}

status=0
for t in "${targets[@]}"; do
    mkdir -p "$here/corpus/$t" "$here/artifacts/$t"
    dirs=("$here/corpus/$t")
    if [ "$t" != model_syscalls ]; then
        # (trace_reader, recorded_answers, server_frames)
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
