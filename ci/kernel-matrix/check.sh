#!/usr/bin/env bash
# The kernel matrix as a check: boot each kernel (run.sh), then hold its answers against the
# model, with the profile chosen from that kernel's facts, and against the list of differences
# the committed recording of the same kernel build declares (conformance/expected/<id>/).
#
#   ci/kernel-matrix/check.sh            # every kernel of the matrix
#   ci/kernel-matrix/check.sh 6.1 7.x    # some
#   NLTWIN_MATRIX_CHECK_ONLY=1 ci/kernel-matrix/check.sh   # the last run's results again
#
# Fails when a kernel fails to boot or run, or when a kernel whose build is recorded answers
# differently from the model than its KNOWN_DIFFERENCES says. A build that is not recorded
# (Debian's archive moved on to a newer point release) is compared and reported, with a
# warning to record it, without failing: the archive keeps only its newest build, so CI cannot
# pin one. Each run's answers are also compared with the committed recording, which shows
# scenarios whose kernel answers change from run to run (reported, not a failure).
set -euo pipefail
cd "$(dirname "$0")/../.."

bin=${NLTWIN_BIN:-$PWD/target/release/nltwin}
if [ ! -x "$bin" ]; then
    cargo build --release
fi
export NLTWIN_BIN=$bin

start=$SECONDS
status=0
# NLTWIN_MATRIX_CHECK_ONLY=1: check the results of the last run without booting anything.
if [ "${NLTWIN_MATRIX_CHECK_ONLY:-0}" != 1 ]; then
    ci/kernel-matrix/run.sh "$@" || status=1
fi

results=${NLTWIN_MATRIX_CACHE:-$PWD/target/kernel-matrix}/results
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The id of a recording directory (KERNEL.json's "id").
recording_id() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$1/KERNEL.json"
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    names=()
    for d in "$results"/*/; do names+=("$(basename "$d")"); done
fi

printf '\n%-6s %-22s %-10s %s\n' kernel recording model "against the recorded list"
for name in "${names[@]}"; do
    dir=$results/$name
    if [ ! -f "$dir/complete" ]; then
        printf '%-6s %-22s %-10s %s\n' "$name" - - "no results (the run failed: see above)"
        status=1
        continue
    fi
    out=$work/$name
    if ! "$bin" record --import "$dir" --out "$out" >"$work/$name.import" 2>&1; then
        printf '%-6s %-22s %-10s %s\n' "$name" - - "import failed: $(tail -1 "$work/$name.import")"
        status=1
        continue
    fi
    id=$(recording_id "$out")
    committed=conformance/expected/$id
    if [ -d "$committed" ] && [ -f "$committed/KNOWN_DIFFERENCES" ]; then
        cp "$committed/KNOWN_DIFFERENCES" "$out/"
    fi
    "$bin" diff --recorded "$out" >"$work/$name.diff" 2>&1 || true
    "$bin" diff --recorded "$out" --json >"$work/$name.json" 2>/dev/null || true
    read -r same total exact <<<"$(python3 - "$work/$name.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
s = d.get("summary", {})
k = d.get("known_differences", {})
print(s.get("same", "?"), s.get("total", s.get("scenarios", "?")), k.get("exact"))
EOF
)"
    if [ -d "$committed" ]; then
        "$bin" diff --between "$committed" "$out" >"$work/$name.between" 2>&1 || true
        # Scenarios whose kernel answers changed since the recording (the same build): their
        # answer depends on timing on this kernel, so they cannot hold the model to a list.
        grep ': DIFFER in ' "$work/$name.between" | sed 's|^.*/||; s|\.jsonl: .*||' \
            >"$work/$name.unstable" || true
        if [ "$exact" = "True" ]; then
            verdict="as listed"
        elif python3 - "$work/$name.json" "$work/$name.unstable" <<'EOF'
import json, sys
mismatches = json.load(open(sys.argv[1])).get("known_differences", {}).get("mismatches", [])
unstable = set(open(sys.argv[2]).read().split())
# Each mismatch line names its scenario; all of them unstable: not the model's doing.
named = [m for m in mismatches if any(u in m for u in unstable)]
sys.exit(0 if mismatches and len(named) == len(mismatches) else 1)
EOF
        then
            verdict="as listed, but for scenarios whose answers changed run to run (timing: below)"
        else
            verdict="NOT as listed:"
            status=1
        fi
        printf '%-6s %-22s %-10s %s\n' "$name" "$id" "$same/$total" "$verdict"
        if [ "$exact" != "True" ]; then
            grep -A40 '^known differences' "$work/$name.diff" | sed 's/^/    /'
        fi
        if ! tail -1 "$work/$name.between" | grep -q ' 0 differ'; then
            echo "    note: this run's answers differ from the committed recording's: $(tail -1 "$work/$name.between")"
            grep ': DIFFER in ' "$work/$name.between" | sed 's|^.*/||; s/^/      /' | head -20 || true
        fi
    else
        printf '%-6s %-22s %-10s %s\n' "$name" "$id" "$same/$total" \
            "not recorded: warning, record it (nltwin record --import $dir)"
    fi
done
echo "kernel matrix check: $((SECONDS - start)) s"
exit $status
