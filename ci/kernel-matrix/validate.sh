#!/usr/bin/env bash
# validate.sh RESULTS_DIR [EXPECTED_RELEASE]: check what a guest brought back.
# Always: the workload ran to its end (the "complete" marker, status 0) and every scenario of
# NLTWIN_MATRIX_SCENARIOS has an output and exit status 0 in exit-codes.tsv.
# With the default per-scenario command (nltwin exchange), also the exchange format: a header
# line {"backend":"kernel","kernel":"<uname -r>",...}, then one line per operation of the input.
# Prints one summary line, and the problems (the first 20). Exit status 1 on any problem.
set -euo pipefail
. "$(dirname "$0")/common.sh"

dir=${1:?usage: validate.sh RESULTS_DIR [EXPECTED_RELEASE]}
expected=${2:-}
problems=()
problem() { problems+=("$*"); }

if [ ! -e "$dir/complete" ]; then
    problem "no 'complete' marker: the guest workload did not finish"
elif [ "$(cat "$dir/complete")" != 0 ]; then
    problem "the guest workload exited with status $(cat "$dir/complete")"
fi
release=$(cat "$dir/uname-r" 2>/dev/null || true)
[ -n "$release" ] || problem "no uname-r"
[ -z "$expected" ] || [ -z "$release" ] || [ "$release" = "$expected" ] ||
    problem "the guest ran $release, expected $expected"

check_format=0
default_cmd='nltwin exchange --backend kernel "$SCENARIO"'
[ "$scenario_cmd" = "$default_cmd" ] && [ "$guest_script" = "$matrix_dir/guest/run-scenarios.sh" ] && check_format=1

declare -A status=()
if [ -r "$dir/exit-codes.tsv" ]; then
    while IFS=$'\t' read -r name rc _; do status[$name]=$rc; done <"$dir/exit-codes.tsv"
else
    problem "no exit-codes.tsv"
fi
n=0 ok_exit=0 ok_format=0
for input in "$scenario_dir"/*.jsonl; do
    name=${input##*/}; name=${name%.jsonl}
    n=$((n + 1))
    out=$dir/$name.jsonl
    if [ ! -e "$out" ]; then problem "$name: no output"; continue; fi
    rc=${status[$name]:-missing}
    if [ "$rc" = 0 ]; then ok_exit=$((ok_exit + 1)); else problem "$name: exit status $rc$( [ -s "$dir/$name.stderr" ] && echo ": $(head -c 200 "$dir/$name.stderr")")"; fi
    [ $check_format = 1 ] || continue
    header=
    IFS= read -r header <"$out" || true
    if [[ $header != *'"backend":"kernel"'* || $header != *"\"kernel\":\"$release\""* ]]; then
        problem "$name: header is not {\"backend\":\"kernel\",\"kernel\":\"$release\",...}: ${header:0:120}"
        continue
    fi
    # Operations only: a `requires` line states a need and gives no result line.
    ops=$(grep -c '"op" *:' "$input" || true)
    lines=$(wc -l <"$out")
    if [ "$lines" -ne $((ops + 1)) ]; then
        problem "$name: $lines output lines for $ops operations (expected $((ops + 1)))"
        continue
    fi
    ok_format=$((ok_format + 1))
done

summary="$n scenarios, $ok_exit exit 0"
[ $check_format = 1 ] && summary="$summary, $ok_format well-formed (header with $release, one line per operation)"
echo "$summary"
if [ ${#problems[@]} -gt 0 ]; then
    echo "${#problems[@]} problem(s):"
    printf '  %s\n' "${problems[@]:0:20}"
    [ ${#problems[@]} -le 20 ] || echo "  ..."
    exit 1
fi
