#!/usr/bin/env bash
# The differential fuzzing gate: `nltwin fuzz` (kernel in fresh sandboxes against the model) for
# a bounded time with a fixed seed, then with a seed that rotates with the commit. It fails when
# the fuzzer files anything: a divergence that is neither the model answering `unimplemented`
# nor timing (gone with a short sleep before each receive) nor the kernel disagreeing with
# itself, a model panic, or a side overrunning its time limit, unless its first difference is
# a known divergence listed with its cause in ci/fuzz-known.txt. Each filed case is printed,
# minimized, with `nltwin diff`'s explanation, and the seed is printed so the run can be
# replayed:  nltwin fuzz --seed SEED --cases N --out DIR
#
# Usage: ci/fuzz-gate.sh [SECONDS_PER_SEED]   (default 60; NLTWIN_FUZZ_SEED overrides the
# rotating seed; NLTWIN_BIN the nltwin binary, default target/debug/nltwin built here).
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-60}"
if [ -z "${NLTWIN_BIN:-}" ]; then
    cargo build -q -p nltwin-conformance --bin nltwin
    NLTWIN_BIN=target/debug/nltwin
fi

# The cause ci/fuzz-known.txt gives for a filed case's `nltwin diff` text, if every one of its
# first-difference explanations (the indented lines under "op N (line N)") matches one entry.
known_cause() {
    local explained pattern why
    explained=$(printf '%s\n' "$1" | sed -n 's/^    \(msg .*\|ret: .*\|errno.*\|messages: .*\)$/\1/p')
    [ -n "$explained" ] || return 0
    while IFS=$'\t' read -r pattern why; do
        case "$pattern" in '#'* | '') continue ;; esac
        if ! printf '%s\n' "$explained" | grep -Evq -- "$pattern"; then
            echo "$why"
            return 0
        fi
    done <ci/fuzz-known.txt
}

# NLTWIN_FUZZ_GATE_CLASSIFY=FILE: only say whether FILE (a filed case) is a known divergence.
if [ -n "${NLTWIN_FUZZ_GATE_CLASSIFY:-}" ]; then
    cause=$(known_cause "$("$NLTWIN_BIN" diff "$NLTWIN_FUZZ_GATE_CLASSIFY" 2>&1 || true)")
    echo "${cause:-not known}"
    exit 0
fi

# The rotating seed: the commit's first 8 hex digits as a number (replayable from the commit
# alone), or today's date where there is no git checkout.
rotating="${NLTWIN_FUZZ_SEED:-}"
if [ -z "$rotating" ]; then
    if commit=$(git rev-parse --short=8 HEAD 2>/dev/null); then
        rotating=$((16#$commit))
    else
        rotating=$(date -u +%Y%m%d)
    fi
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/nltwin-fuzz-gate.XXXXXX")
trap 'rm -rf "$out"' EXIT
failed=0
for seed in 1 "$rotating"; do
    echo "== nltwin fuzz --seed $seed --time $secs (replay: $NLTWIN_BIN fuzz --seed $seed --cases N, N as below)"
    dir="$out/seed-$seed"
    status=0
    # At most 100000 cases: the time bounds the run (a filed divergence ends no run early).
    "$NLTWIN_BIN" fuzz --seed "$seed" --time "$secs" --cases 100000 --out "$dir" || status=$?
    case "$status" in
    0) ;;
    1)
        for f in "$dir"/*.jsonl; do
            diff_text=$("$NLTWIN_BIN" diff "$f" 2>&1 || true)
            cause=$(known_cause "$diff_text")
            if [ -n "$cause" ]; then
                echo "---- known divergence (ci/fuzz-known.txt: $cause): $(basename "$f"):"
            else
                failed=1
                echo "---- filed: $(basename "$f") (minimized scenario):"
            fi
            cat "$f"
            echo "---- nltwin diff of it:"
            printf '%s\n' "$diff_text"
        done
        ;;
    *)
        echo "nltwin fuzz could not run (exit $status)"
        exit "$status"
        ;;
    esac
done
if [ "$failed" -ne 0 ]; then
    echo "fuzz gate: FAILED: the model diverges from the kernel in the cases above (each is a"
    echo "scenario: add it to conformance/scenarios/ once the model agrees)"
    exit 1
fi
echo "fuzz gate: passed (seeds 1 and $rotating, $secs s each)"
