#!/usr/bin/env bash
# Kernel matrix: run the scenario suite on real Debian kernels under qemu, one VM per kernel.
#
#   ci/kernel-matrix/run.sh [KERNEL...]     KERNEL: a series, e.g. 6.1 6.12 6.17 6.18 7.x
#                                           (default: NLTWIN_MATRIX_KERNELS or those five)
#
# Per kernel: resolve the newest Debian package of the series and fetch it (fetch-kernel.sh),
# build an initramfs around the nltwin binary (make-initramfs.sh), boot it and run every
# scenario inside (boot.sh, guest/), check what came back (validate.sh). Results:
#   $NLTWIN_MATRIX_CACHE/results/<kernel>/   (default target/kernel-matrix/results/<kernel>/)
#       <scenario>.jsonl, exit-codes.tsv, facts.txt, families.json, uname-r, uname-v   (guest)
#       config (the kernel's Debian config), package.txt, console.log, check.txt,
#       timing.txt                                                                     (host)
# A kernel that fails at any step is reported and the others still run; the exit status is 1
# when any kernel did not produce complete, well-formed results. See README.md for settings.
set -euo pipefail
. "$(dirname "$0")/common.sh"

case ${1:-} in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
if [ $# -gt 0 ]; then kernels=("$@"); else read -ra kernels <<<"$default_kernels"; fi
total_start=$(now)

# 1. Host tools (idempotent). Skippable where the machine is prepared and we are not root.
setup_start=$(now)
if [ "${NLTWIN_MATRIX_SKIP_HOST_SETUP:-0}" != 1 ]; then
    "$matrix_dir/host-setup.sh" || die "host setup failed (see above); nothing can run without it"
fi
host_setup_s=$(elapsed "$setup_start")

# 2. One copy of the binary and of the scenarios for the whole run: every kernel's guest gets the
#    same ones, and validation compares against what was actually run, even if target/ is
#    rebuilt or scenarios are added or edited while the matrix runs (a scenario added between
#    building an initramfs and checking its results once failed a kernel).
[ -x "$nltwin_bin" ] || die "nltwin binary $nltwin_bin not found (cargo build --release, or set NLTWIN_BIN)"
mkdir -p "$cache/bin" "$cache/results"
cp "$nltwin_bin" "$cache/bin/nltwin.tmp" && mv "$cache/bin/nltwin.tmp" "$cache/bin/nltwin"
export NLTWIN_BIN=$cache/bin/nltwin
shopt -s nullglob
scenario_files=("$scenario_dir"/*.jsonl)
shopt -u nullglob
[ ${#scenario_files[@]} -gt 0 ] || die "no *.jsonl scenario files in $scenario_dir (NLTWIN_MATRIX_SCENARIOS)"
if [ "$(cd "$scenario_dir" && pwd -P)" != "$(mkdir -p "$cache/scenarios" && cd "$cache/scenarios" && pwd -P)" ]; then
    rm -rf "$cache/scenarios"
    mkdir -p "$cache/scenarios"
    cp "${scenario_files[@]}" "$cache/scenarios/"
fi
export NLTWIN_MATRIX_SCENARIOS=$cache/scenarios
log "kernels: ${kernels[*]}; ${#scenario_files[@]} scenarios from $scenario_dir; binary $nltwin_bin ($($NLTWIN_BIN --version 2>/dev/null || echo '?'))"
log "cache and results: $cache; host setup ${host_setup_s}s"

declare -A result=() t_setup=() t_boot=() t_run=() t_total=() t_guest=() resolved=()
failed=0
i=0
for k in "${kernels[@]}"; do
    i=$((i + 1))
    echo
    log "=== $k ($i/${#kernels[@]})"
    k_start=$(now)
    work=$cache/work/$k
    res=$cache/results/$k
    env=$cache/kernels/$k.env
    # Never leave results of an earlier run where this run's belong.
    rm -rf "$res" "$work"
    mkdir -p "$work"
    t_setup[$k]=- t_boot[$k]=- t_run[$k]=- t_guest[$k]=- resolved[$k]=-

    fail() {   # fail STEP: record, and go on with the next kernel
        result[$k]="FAILED ($1)"
        failed=$((failed + 1))
        t_total[$k]=$(elapsed "$k_start")
        echo "kernel-matrix: $k: FAILED at step '$1' (messages above)" >&2
    }
    if ! "$matrix_dir/fetch-kernel.sh" "$k"; then fail fetch; continue; fi
    # shellcheck disable=SC1090
    . "$env"
    resolved[$k]="$PKG $VER"
    if ! "$matrix_dir/make-initramfs.sh" "$env" "$work"; then fail initramfs; continue; fi
    t_setup[$k]=$(elapsed "$k_start")
    log "$k: setup ${t_setup[$k]}s; booting $KVER ($(basename "$VMLINUZ"))"

    boot_ok=1
    "$matrix_dir/boot.sh" "$env" "$work" "$res" || boot_ok=0
    # A kernel that panics before /init under TCG is the emulator's timing, not the workload's
    # (seen once: 6.17.13 in hrtimer_start_range_ns while the host was loaded; the same kernel
    # booted at once after). Boot such a kernel a second time; a guest that reached /init and
    # then failed is not retried.
    if [ $boot_ok = 0 ] && [ -r "$work/boot-timing.env" ] && grep -q '^BOOT_S=?' "$work/boot-timing.env"; then
        log "$k: the guest never reached /init; booting it once more"
        boot_ok=1
        "$matrix_dir/boot.sh" "$env" "$work" "$res" || boot_ok=0
    fi
    if [ -r "$work/boot-timing.env" ]; then
        . "$work/boot-timing.env"
        t_boot[$k]=$BOOT_S t_run[$k]=$RUN_S
    fi
    # Host-side records next to the guest's results (also after a failed boot: they explain it).
    mkdir -p "$res"
    cp "$CONFIG" "$res/config"
    cp "$work/console.log" "$res/console.log" 2>/dev/null || true
    printf 'name=%s\npackage=%s\nversion=%s\nsuite=%s\npackages=%s\nrelease=%s\n' \
        "$NAME" "$PKG" "$VER" "$SUITE" "$PACKAGES" "$KVER" >"$res/package.txt"
    # The guest's own clock around the scenario loop (around the whole workload when a custom
    # one does not mark the loop).
    if [ -r "$res/guest-timing.txt" ]; then
        g_start=$(sed -n 's/^scenarios_start=//p' "$res/guest-timing.txt")
        g_end=$(sed -n 's/^scenarios_end=//p' "$res/guest-timing.txt")
        [ -n "$g_start" ] || g_start=$(sed -n 's/^modules=//p' "$res/guest-timing.txt")
        [ -n "$g_end" ] || g_end=$(sed -n 's/^workload=//p' "$res/guest-timing.txt")
        [ -n "$g_start" ] && [ -n "$g_end" ] && t_guest[$k]=$(elapsed "$g_start" "$g_end")
    fi
    if [ $boot_ok = 0 ]; then fail boot; continue; fi

    check_ok=1
    "$matrix_dir/validate.sh" "$res" "$KVER" >"$work/check.txt" 2>&1 || check_ok=0
    cp "$work/check.txt" "$res/check.txt"
    sed "s/^/  [$k] /" "$work/check.txt"
    if [ $check_ok = 0 ]; then fail check; continue; fi
    t_total[$k]=$(elapsed "$k_start")
    printf 'setup_s=%s\nboot_s=%s\nrun_s=%s\nguest_scenarios_s=%s\ntotal_s=%s\naccel=%s\n' \
        "${t_setup[$k]}" "${t_boot[$k]}" "${t_run[$k]}" "${t_guest[$k]}" "${t_total[$k]}" "${ACCEL:-?}" >"$res/timing.txt"
    result[$k]=ok
    log "$k: ok in ${t_total[$k]}s -> $res"
done

# 3. Summary. setup: resolve, download, extract, initramfs; boot: qemu start to the guest's
#    /init; run: /init to qemu's exit (modules, facts, scenarios, writing the results);
#    scenarios: the guest's own clock around the scenario loop.
echo
w=15
for k in "${kernels[@]}"; do [ ${#resolved[$k]} -le $w ] || w=${#resolved[$k]}; done
{
    echo "kernel matrix summary (times in seconds, host wall clock)"
    printf "%-6s %-${w}s %6s %6s %6s %9s %6s  %s\n" kernel "package version" setup boot run scenarios total result
    for k in "${kernels[@]}"; do
        printf "%-6s %-${w}s %6s %6s %6s %9s %6s  %s\n" "$k" "${resolved[$k]}" "${t_setup[$k]}" "${t_boot[$k]}" \
            "${t_run[$k]}" "${t_guest[$k]}" "${t_total[$k]:--}" "${result[$k]}"
    done
    echo "host setup ${host_setup_s}s; total wall time $(elapsed "$total_start")s; $failed of ${#kernels[@]} kernel(s) failed"
} | tee "$cache/results/summary.txt"
[ $failed = 0 ]
