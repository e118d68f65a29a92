#!/usr/bin/env bash
# gVisor's netlink syscall tests (test/syscalls/linux/socket_netlink{,_route,_uevent}.cc) as a
# measure of `nltwin run --model`: built natively with Debian's googletest and abseil, run on
# this kernel in a fresh namespace with lo up (nltwin run --kernel) and on the model
# (nltwin run --model), with pass/fail/skip counts per binary and side.
#
# Usage: ci/gvisor-netlink-tests.sh GVISOR_SRC [BUILD_DIR]
#   GVISOR_SRC  a gVisor source tree (its test/syscalls/linux and test/util are read; nothing
#               of it is copied into nltwin). Debian's golang-gvisor-gvisor source package is
#               gVisor's Go branch and carries no test/ directory, so this is a GitHub
#               checkout: git clone https://github.com/google/gvisor (figures in README.md
#               were taken at 3c5eee17dc45659fb86843531074f38e78e0cc35).
#   BUILD_DIR   where objects, binaries and reports go (default /tmp/gvisor-netlink-tests)
# Environment: NLTWIN (default target/release/nltwin, built when missing), JOBS (default 2).
# Exit status: 0 when every test that passes on the kernel passes on the model too, 1 when
# one does not, 2 when a side left no report.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
src=${1:?usage: $0 GVISOR_SRC [BUILD_DIR]}
src=$(cd "$src" && pwd)
out=${2:-/tmp/gvisor-netlink-tests}
nltwin=${NLTWIN:-$root/target/release/nltwin}
jobs=${JOBS:-2}
tests=(socket_netlink socket_netlink_route socket_netlink_uevent)

for f in test/syscalls/linux/socket_netlink.cc test/util/test_util.h; do
    [ -r "$src/$f" ] || { echo "gvisor-netlink-tests: $src/$f not found: not a gVisor source tree" >&2; exit 2; }
done

# What the build needs, from Debian.
need=()
for p in g++ pkg-config libgtest-dev libgmock-dev libabsl-dev; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "gvisor-netlink-tests: installing ${need[*]}"
    apt-get install -y -q "${need[@]}" >/dev/null
fi

if [ ! -x "$nltwin" ] || [ ! -e "$(dirname "$nltwin")/libnltwin_preload.so" ]; then
    (cd "$root" && cargo build --release -p nltwin-conformance -p nltwin-preload)
fi

mkdir -p "$out"
# Only the gVisor utilities these three tests use. test_util_impl.cc is replaced by
# ci/gvisor/test_init.cc (gVisor's also starts Google Benchmark, which they do not use).
util=(test_util posix_error socket_util socket_util_impl fs_util logging multiprocess_util
      save_util save_util_linux linux_capability_util temp_path test_main)
sources=()
for u in "${util[@]}"; do sources+=("$src/test/util/$u.cc"); done
sources+=("$src/test/syscalls/linux/socket_netlink_util.cc"
          "$src/test/syscalls/linux/socket_netlink_route_util.cc"
          "$here/gvisor/test_init.cc")
for t in "${tests[@]}"; do sources+=("$src/test/syscalls/linux/$t.cc"); done

cxx=(g++ -std=c++17 -O1 -w -I"$src")
started=$(date +%s)
# Each source to an object, $jobs at a time, skipping those already built from the same file.
printf '%s\n' "${sources[@]}" | xargs -P "$jobs" -I{} bash -c '
    o="$1/$(basename "$2" .cc).o"
    [ "$o" -nt "$2" ] || exec "${@:3}" -c "$2" -o "$o"
' _ "$out" {} "${cxx[@]}"
libs=$(pkg-config --libs absl_flags_parse absl_str_format absl_strings absl_time \
    absl_synchronization gmock gtest)
common=()
for s in "${sources[@]}"; do
    b=$(basename "$s" .cc)
    case " ${tests[*]} " in *" $b "*) ;; *) common+=("$out/$b.o") ;; esac
done
for t in "${tests[@]}"; do
    "${cxx[@]}" -o "$out/$t" "$out/$t.o" "${common[@]}" $libs -lpthread
done
echo "gvisor-netlink-tests: built ${tests[*]} in $(( $(date +%s) - started ))s"

# Each binary on both sides; an unmodeled call fails that call (EOPNOTSUPP) and is named,
# so that one gap costs its own tests only.
for t in "${tests[@]}"; do
    for side in kernel model; do
        report="$out/$side-$t.json"
        rm -f "$report"
        case $side in
            kernel) run=("$nltwin" run --kernel --) ;;
            model) run=("$nltwin" run --model --on-unmodeled errno --) ;;
        esac
        s=$(date +%s)
        (cd "$out" && "${run[@]}" sh -c "ip link set lo up && exec ./$t --gtest_output=json:$report") \
            >"$out/$side-$t.log" 2>&1 || true
        echo "gvisor-netlink-tests: $t on the $side: $(( $(date +%s) - s ))s$(grep -h '^nltwin run:' "$out/$side-$t.log" | sed 's/^/; /' | tr -d '\n')"
    done
done

python3 "$here/gvisor/summarize.py" "$out" "${tests[@]}"
