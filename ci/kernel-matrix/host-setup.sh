#!/usr/bin/env bash
# One-time host preparation for the kernel matrix, idempotent (each step is skipped when its
# result is already there):
#   - the Debian suites carrying the kernels (debian-suites.sh, next to this script);
#   - qemu-system-x86 (from bookworm itself: the newer suites are pinned low, and -t bookworm
#     makes sure none of their libraries are pulled in), busybox-static (the whole guest
#     userland), cpio (initramfs archives), xz-utils and zstd (compressed kernel modules).
# Needs root, or sudo.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "host-setup: $*" >&2; exit 1; }
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"; fi
}

# 1. Suites. The check is on apt's view (a policy entry per suite), not on our file existing:
#    the lists may have been cleaned since (e.g. a docker layer that ran apt-get clean + rm lists).
missing=
policy=$(apt-cache policy 2>/dev/null || true)
for suite in bookworm-backports trixie trixie-backports; do
    grep -q "n=$suite," <<<"$policy" || missing="$missing $suite"
done
if [ -n "$missing" ]; then
    echo "host-setup: adding apt suites:$missing"
    as_root "$here/debian-suites.sh" || die "could not add the Debian suites (debian-suites.sh failed)"
else
    echo "host-setup: apt suites present"
fi

# 2. Packages. dpkg-query rather than command -v: busybox may exist as the dynamic 'busybox'
#    package, which cannot run inside an initramfs without its libraries.
need=()
for pkg in qemu-system-x86 busybox-static cpio xz-utils zstd; do
    status=$(dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = installed ] || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "host-setup: installing ${need[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        -t bookworm "${need[@]}" >/dev/null ||
        die "apt-get install ${need[*]} failed (run it by hand to see why)"
else
    echo "host-setup: host packages present"
fi

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not on PATH after installing qemu-system-x86"
[ -x /bin/busybox ] || die "/bin/busybox missing after installing busybox-static"
# The static one, or the guest cannot run it.
if ldd /bin/busybox >/dev/null 2>&1; then die "/bin/busybox is dynamically linked: install busybox-static"; fi
