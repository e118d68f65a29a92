#!/bin/sh
# The default guest workload (busybox sh), run by /init with:
#   OUT               directory whose content leaves the VM (results/<kernel>/ on the host)
#   SCENARIOS         directory of the scenario files (*.jsonl)
#   SCENARIO_CMD      shell command run per scenario, with $SCENARIO set to the file
#   SCENARIO_TIMEOUT  seconds per scenario (0: none)
# and nltwin on PATH. Writes:
#   OUT/<scenario>.jsonl     standard output of SCENARIO_CMD for that scenario
#   OUT/<scenario>.stderr    its standard error, when not empty
#   OUT/exit-codes.tsv       scenario, exit status, seconds (guest time)
#   OUT/uname-r, uname-v     the running kernel
#   OUT/facts.txt            cheap facts about the kernel, as path=value lines
#   OUT/families.json        `nltwin family list --json` in the VM's initial namespace
. /matrix/lib.sh

uname -r >"$OUT/uname-r"
uname -v >"$OUT/uname-v"

# Facts: only reads of small files, plus two tiny commands.
{
    for f in /proc/sys/kernel/hostname /proc/sys/kernel/pid_max /proc/sys/kernel/tainted \
        /proc/sys/net/core/rmem_max /proc/sys/net/core/wmem_max \
        /proc/sys/net/core/rmem_default /proc/sys/net/core/wmem_default \
        /proc/sys/net/core/optmem_max /proc/sys/net/core/somaxconn \
        /proc/sys/net/core/default_qdisc \
        /proc/sys/user/max_user_namespaces /proc/sys/user/max_net_namespaces \
        /proc/sys/kernel/unprivileged_userns_clone \
        /sys/devices/system/cpu/possible /sys/devices/system/cpu/online /proc/cmdline; do
        # cat, not the read builtin: busybox reads one byte at a time, and a sysctl file
        # read at an offset other than 0 returns end of file (only "3" of "32768" arrives).
        [ -r "$f" ] && echo "$f=$(cat "$f")"
    done
    echo "nltwin --version=$(nltwin --version 2>&1)"
    # What a process started like the scenarios sees: expect "0 1 2 3" (3 is ls' own handle
    # on the directory it lists).
    echo "fds seen by a scenario process=$( (std_fds_only; exec ls /proc/self/fd) | tr '\n' ' ')"
} >"$OUT/facts.txt" 2>/dev/null

# Generic netlink families of this kernel (dynamic ids, which families exist). A failure is a
# fact too.
( std_fds_only; exec nltwin family list --json ) >"$OUT/families.json" 2>"$OUT/families.stderr"
echo "nltwin family list --json exit=$?" >>"$OUT/facts.txt"
[ -s "$OUT/families.stderr" ] || rm -f "$OUT/families.stderr"

set -- "$SCENARIOS"/*.jsonl
total=$#
done=0 failed=0
read_uptime
start=$UPTIME_CS
echo "scenarios_start=$UPTIME" >>"$OUT/guest-timing.txt"
say "running $total scenarios"
: >"$OUT/exit-codes.tsv"
for f in "$@"; do
    name=${f##*/}
    name=${name%.jsonl}
    read_uptime
    t0=$UPTIME_CS
    run_scenario "$f" >"$OUT/$name.jsonl" 2>"$OUT/$name.stderr"
    rc=$?
    read_uptime
    dt=$((UPTIME_CS - t0))
    printf '%s\t%s\t%d.%02d\n' "$name" "$rc" $((dt / 100)) $((dt % 100)) >>"$OUT/exit-codes.tsv"
    [ -s "$OUT/$name.stderr" ] || rm -f "$OUT/$name.stderr"
    done=$((done + 1))
    if [ $rc != 0 ]; then
        failed=$((failed + 1))
        say "$name exited with status $rc"
    fi
    if [ $((done % 25)) = 0 ] || [ $done = $total ]; then
        dt=$((UPTIME_CS - start))
        say "$done/$total scenarios done ($failed failed), $((dt / 100)).$((dt % 100 / 10))s"
    fi
done
read_uptime
echo "scenarios_end=$UPTIME" >>"$OUT/guest-timing.txt"
