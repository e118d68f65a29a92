#!/usr/bin/env bash
# The differential fuzz gate: a bounded `nltwin fuzz` (kernel in a fresh sandbox against the
# model) with a fixed seed, then with a seed that changes every day. It fails when a case is
# filed: a divergence that is neither unmodeled (`unimplemented`), nor unstable (the kernel
# disagreeing with itself), nor timing (gone with a sleep before each receive). Each filed case
# is printed, minimized, with its diff. Usage:
#   ci/fuzz-gate.sh [SECONDS_PER_SEED]     (default 90; NLTWIN=path to the nltwin binary)
# The long campaign is one command (README, "Differential fuzzing").
set -uo pipefail
cd "$(dirname "$0")/.."
secs="${1:-90}"
nltwin="${NLTWIN:-target/release/nltwin}"
[ -x "$nltwin" ] || cargo build --release -q
fixed=20261202
rotating="$(date -u +%Y%m%d)"
status=0
for seed in "$fixed" "$rotating"; do
    out="$(mktemp -d)"
    echo "== nltwin fuzz --seed $seed --time $secs"
    "$nltwin" fuzz --seed "$seed" --cases 1000000 --time "$secs" --out "$out" 2>&1 | tail -n 3
    rc=${PIPESTATUS[0]}
    if [ "$rc" -ne 0 ]; then
        status=1
        for f in "$out"/*.jsonl; do
            [ -e "$f" ] || continue
            echo "---- filed: $(basename "$f") (seed $seed); the minimized scenario:"
            cat "$f"
            echo "---- its diff:"
            "$nltwin" diff "$f" || true
        done
    fi
    rm -rf "$out"
done
exit "$status"
