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

# Close every descriptor above 2 that a program started from here would inherit. nltwin must
# start with exactly fds 0-2: the first socket it creates is expected to be fd 3, and an
# inherited descriptor shifts every fd number in the results. Use in a subshell right before
# exec:
#   ( std_fds_only; exec nltwin ... )
# Only descriptors without close-on-exec are closed: those are the ones a program inherits, and
# the shell's own (its script, the copies it keeps to undo redirections) are all close-on-exec.
# Closing those too breaks busybox ash: a subshell that closed the script's descriptor and then
# ran `eval` spun forever at 100% CPU (seen on 6.12 under TCG).
# /proc/self, not /proc/$$: in a subshell $$ is still the parent's pid. The directory handle the
# glob used is closed again by the time the loop runs (its fdinfo is then missing: skipped).
std_fds_only() {
    for _fd in /proc/self/fd/*; do
        _fd=${_fd##*/}
        case $_fd in 0|1|2|'*') continue ;; esac
        [ -e "/proc/self/fdinfo/$_fd" ] || continue
        _flags=
        while read -r _k _v; do [ "$_k" = flags: ] && _flags=$_v; done <"/proc/self/fdinfo/$_fd"
        # O_CLOEXEC is 02000000 (octal, as fdinfo prints flags).
        [ -n "$_flags" ] && [ $(( 0$_flags & 02000000 )) != 0 ] && continue
        eval "exec $_fd>&-"
    done
}

# Run the per-scenario command ($SCENARIO_CMD, a shell command) for scenario file $1, with
# $SCENARIO set to it, only fds 0-2 open, and at most $SCENARIO_TIMEOUT seconds (0: no limit).
# The command runs in a fresh `sh -c` (which execs its last command, so nltwin is not a child of
# a waiting shell), never through eval in this shell.
run_scenario() {
    SCENARIO=$1
    export SCENARIO
    if [ "${SCENARIO_TIMEOUT:-0}" -gt 0 ]; then
        ( std_fds_only; exec timeout "$SCENARIO_TIMEOUT" sh -c "$SCENARIO_CMD" )
    else
        ( std_fds_only; exec sh -c "$SCENARIO_CMD" )
    fi
}
