#!/usr/bin/env bash
# boot.sh KERNEL_ENV WORK_DIR RESULTS_DIR: boot the kernel with WORK_DIR/initrd under qemu, show
# the guest's progress lines, and unpack what the guest wrote to its results disk into
# RESULTS_DIR (emptied first). Writes WORK_DIR/boot-timing.env (BOOT_S, RUN_S: host wall clock
# from qemu start to the guest's /init, and from there to qemu's exit; ACCEL).
# Exit status 0 when the guest completed its workload and the results came out.
#
# TCG by default: the /dev/kvm of these build machines is a software hypervisor that stock
# kernels crash on (see README.md). NLTWIN_MATRIX_KVM=1 tries KVM first when /dev/kvm is usable
# and falls back to TCG when that boot produced no results.
set -euo pipefail
. "$(dirname "$0")/common.sh"

envfile=${1:?usage: boot.sh KERNEL_ENV WORK_DIR RESULTS_DIR}
work=${2:?usage: boot.sh KERNEL_ENV WORK_DIR RESULTS_DIR}
results=${3:?usage: boot.sh KERNEL_ENV WORK_DIR RESULTS_DIR}
. "$envfile"
[ -r "$work/initrd" ] || die "boot: $work/initrd missing (run make-initramfs.sh first)"
command -v qemu-system-x86_64 >/dev/null || die "boot: qemu-system-x86_64 not installed (run host-setup.sh)"

# One attempt with accelerator $1. Returns 0 when the results came out complete.
attempt() {
    local accel=$1 cpu=max img=$work/results.img marker=$work/init-reached start status
    [ "$accel" = kvm ] && cpu=host
    # A fresh, sparse, all-zero disk: an archive found on it can only come from this boot.
    rm -f "$img" "$marker" "$work/qemu.pid"
    truncate -s "${results_disk_mb}M" "$img"
    : >"$work/console.log"
    start=$(now)
    set +e
    # stdin from /dev/null: -nographic multiplexes the monitor onto stdio, and an interactive
    # terminal must not be put into raw mode or read from.
    timeout --kill-after=10 "$vm_timeout" qemu-system-x86_64 \
        -accel "$accel" -cpu "$cpu" -smp 2 -m 1024 -nographic -no-reboot -nic none \
        -kernel "$VMLINUZ" -initrd "$work/initrd" \
        -append 'console=ttyS0 quiet panic=-1' \
        -drive "file=$img,format=raw,if=virtio" -pidfile "$work/qemu.pid" </dev/null 2>&1 |
        while IFS= read -r line; do
            line=${line%$'\r'}
            printf '%s\n' "$line" >>"$work/console.log"
            case $line in
                # qemu does not exit on this: it stops the VM and waits for a monitor command,
                # which would hold the run until the VM timeout. Stop this qemu (and only it).
                *"KVM internal error"*)
                    echo "kernel-matrix: $NAME: qemu reported a KVM internal error (registers in console.log): stopping it" >&2
                    [ -s "$work/qemu.pid" ] && kill "$(cat "$work/qemu.pid")" 2>/dev/null ;;
                *"nltwin-matrix: "*)
                    msg=${line#*nltwin-matrix: }
                    case $msg in "init at "*) now >"$marker" ;; esac
                    echo "  [$NAME $(elapsed "$start")s] $msg" ;;
            esac
        done
    status=${PIPESTATUS[0]}
    set -e
    local end; end=$(now)
    local boot_s='?' run_s='?'
    if [ -s "$marker" ]; then
        boot_s=$(elapsed "$start" "$(cat "$marker")")
        run_s=$(elapsed "$(cat "$marker")" "$end")
    fi
    printf 'BOOT_S=%s\nRUN_S=%s\nACCEL=%s\nQEMU_STATUS=%s\n' "$boot_s" "$run_s" "$accel" "$status" >"$work/boot-timing.env"

    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        echo "kernel-matrix: $NAME: qemu killed after the ${vm_timeout}s limit (NLTWIN_MATRIX_VM_TIMEOUT)" >&2
    elif [ "$status" != 0 ]; then
        echo "kernel-matrix: $NAME: qemu exited with status $status" >&2
    fi
    if [ ! -s "$marker" ]; then
        echo "kernel-matrix: $NAME: the guest never reached /init; last console lines ($work/console.log):" >&2
        tail -n 15 "$work/console.log" | sed 's/^/    /' >&2
        return 1
    fi
    rm -rf "$results"
    mkdir -p "$results"
    # An all-zero disk (the guest never wrote) reads as an empty archive: caught just below.
    tar -xf "$img" -C "$results" 2>"$work/tar.err" ||
        { echo "kernel-matrix: $NAME: the results disk holds no readable archive: $(head -c 300 "$work/tar.err")" >&2; return 1; }
    if [ ! -e "$results/complete" ]; then
        echo "kernel-matrix: $NAME: the guest did not finish its workload; last console lines ($work/console.log):" >&2
        tail -n 15 "$work/console.log" | sed 's/^/    /' >&2
        return 1
    fi
    rm -f "$img"   # up to NLTWIN_MATRIX_DISK_MB of (sparse) space; the results are unpacked
}

if [ "$use_kvm" = 1 ]; then
    if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
        attempt kvm && exit 0
        echo "kernel-matrix: $NAME: no results under KVM; booting again under TCG" >&2
    else
        echo "kernel-matrix: $NAME: NLTWIN_MATRIX_KVM=1 but /dev/kvm is not usable; using TCG" >&2
    fi
fi
attempt tcg
