# Helpers shared by the guest's /init and workload scripts (busybox sh; sourced).

# Progress lines: the host prints every console line starting with "nltwin-matrix: ".
say() { echo "nltwin-matrix: $*"; }

# Seconds since boot, as /proc/uptime has them (two decimals), into $UPTIME; and the same in
# hundredths, as an integer for arithmetic, into $UPTIME_CS. No $(...): under TCG every fork
# costs milliseconds.
read_uptime() {
    read -r UPTIME _ </proc/uptime
    _frac=${UPTIME#*.}
    _frac=${_frac#0}     # "05" would be read as octal
    UPTIME_CS=$(( ${UPTIME%.*} * 100 + _frac ))
}

# Close every descriptor above 2 in the current (sub)shell. nltwin must start with exactly
# fds 0-2: the first socket it creates is expected to be fd 3, and an inherited descriptor shifts
# every fd number in the results. Use in a subshell right before exec:
#   ( std_fds_only; exec nltwin ... )
# /proc/self, not /proc/$$: in a subshell $$ is still the parent's pid. The directory handle the
# glob opened is already closed again; closing a closed fd is harmless.
std_fds_only() {
    for _fd in /proc/self/fd/*; do
        _fd=${_fd##*/}
        case $_fd in 0|1|2|'*') ;; *) eval "exec $_fd>&-" ;; esac
    done
}

# Run the per-scenario command ($SCENARIO_CMD, a shell command) for scenario file $1, with
# $SCENARIO set to it, only fds 0-2 open, and at most $SCENARIO_TIMEOUT seconds (0: no limit).
run_scenario() {
    SCENARIO=$1
    export SCENARIO
    if [ "${SCENARIO_TIMEOUT:-0}" -gt 0 ]; then
        ( std_fds_only; exec timeout "$SCENARIO_TIMEOUT" sh -c "$SCENARIO_CMD" )
    else
        ( std_fds_only; eval "$SCENARIO_CMD" )
    fi
}
