#!/usr/bin/env bash
# The long differential fuzzing campaign: `nltwin fuzz` seed after seed (SECONDS_PER_SEED each,
# so any seed replays in bounded time) until TOTAL_SECONDS have passed. Every seed's summary
# line is recorded in OUT/seeds.log and its filed cases kept in OUT/seed-SEED/; at the end the
# totals by class are printed (and appended to OUT/seeds.log). Exit 1 if anything was filed.
#
# Usage: ci/fuzz-campaign.sh [TOTAL_SECONDS [SECONDS_PER_SEED [OUT]]]
#        (defaults: 3600, 300, fuzz-campaign-DATE; NLTWIN_BIN: the nltwin binary, default
#        target/release/nltwin built here; NLTWIN_FUZZ_SEED: the first seed, default the date
#        and time as YYYYMMDDHHMM)
set -euo pipefail
cd "$(dirname "$0")/.."

total="${1:-3600}"
per="${2:-300}"
out="${3:-fuzz-campaign-$(date -u +%Y%m%d-%H%M)}"
if [ -z "${NLTWIN_BIN:-}" ]; then
    cargo build -q --release -p nltwin-conformance --bin nltwin
    NLTWIN_BIN=target/release/nltwin
fi
seed="${NLTWIN_FUZZ_SEED:-$(date -u +%Y%m%d%H%M)}"
mkdir -p "$out"
log="$out/seeds.log"
start=$(date +%s)
filed_any=0
while [ $(( $(date +%s) - start + per )) -le "$total" ] || [ ! -s "$log" ]; do
    # Exit 1 (something filed) is a result here, not a failure of the script.
    "$NLTWIN_BIN" fuzz --seed "$seed" --time "$per" --cases 100000000 --out "$out/seed-$seed" \
        >"$out/seed-$seed.summary" 2>"$out/seed-$seed.progress" || true
    head -n 1 "$out/seed-$seed.summary" >>"$log"
    tail -n 1 "$log"
    if ls "$out/seed-$seed"/*.jsonl >/dev/null 2>&1; then
        filed_any=1
    fi
    seed=$((seed + 1))
done
# Totals by class over every seed's summary line.
awk '
/ cases in / {
    cases += $1
    for (i = 1; i <= NF; i++) {
        v = $(i - 1)
        if ($i == "same,") same += v
        if ($i == "new") filed += v
        if ($i == "repeats,") repeats += v
        if ($i == "unimplemented") unimpl += v
        if ($i == "unstable") unstable += v
        if ($i == "timing") timing += v
        if ($i == "unreproducible") unrepro += v
    }
    seeds++
}
END {
    printf "campaign: %d seeds, %d cases: %d same, %d filed, %d repeats, %d unimplemented, %d unstable, %d timing, %d unreproducible\n", seeds, cases, same, filed, repeats, unimpl, unstable, timing, unrepro
}' "$log" | tee -a "$log"
exit "$filed_any"
