#!/usr/bin/env bash
# fetch-kernel.sh NAME: resolve a matrix kernel name to the newest Debian package of its series,
# download it (apt-get download: never installed), extract it (dpkg-deb -x) into the cache, and
# write CACHE/kernels/NAME.env describing it (package, version, vmlinuz, module dir, config).
#
# NAME is a series: "6.1", "6.12", "6.18" (the newest linux-image-6.18.* in any configured
# suite) or "7.x" (the newest linux-image-7.*). Flavours other than the generic amd64 one
# (cloud, rt, dbg) are never picked.
#
# From 6.19 on, Debian splits the kernel: linux-image-* is an empty package depending on
# linux-binary-* (vmlinuz), linux-modules-* (the modules) and linux-base-* (config,
# modules.builtin), all under usr/lib/modules/<release>/. Those dependencies (the ones named
# after the same kernel ABI) are fetched with the image, so both layouts end up in one tree.
set -euo pipefail
. "$(dirname "$0")/common.sh"

name=${1:?usage: fetch-kernel.sh NAME   (e.g. 6.1, 6.12, 6.17, 6.18, 7.x)}
case $name in
    [0-9]*.x) prefix=${name%x} ;;                    # 7.x -> "7."
    [0-9]*.[0-9]*) prefix=$name. ;;                  # 6.1 -> "6.1." (so 6.12 is not a 6.1)
    *) die "$name: not a kernel series name (expected e.g. 6.1 or 7.x)" ;;
esac
[[ $prefix =~ ^[0-9]+\.([0-9]+\.)?$ ]] || die "$name: not a kernel series name (expected e.g. 6.1 or 7.x)"
re_prefix=${prefix//./\\.}

# 1. Resolve. pkgnames also lists names only mentioned by other packages, so ask madison which
#    have a version at all; then take the highest version (dpkg's ordering), preferring the
#    -unsigned package on a tie (same kernel, and the name the matrix documents).
mapfile -t names < <(apt-cache pkgnames linux-image- |
    grep -E "^linux-image-${re_prefix}[0-9][^ ]*-amd64(-unsigned)?\$" | grep -vE -- '-(cloud|rt)-amd64' | sort)
[ ${#names[@]} -gt 0 ] ||
    die "$name: no linux-image-${prefix}* package known to apt (are the suites added? run host-setup.sh, or apt-get update)"
best_pkg='' best_ver='' best_suite=''
while IFS='|' read -r pkg ver src; do
    pkg=${pkg// /} ver=${ver// /}
    suite=$(awk '{print $2}' <<<"$src"); suite=${suite%%/*}
    if [ -z "$best_ver" ] || dpkg --compare-versions "$ver" gt "$best_ver" ||
        { [ "$ver" = "$best_ver" ] && [[ $pkg == *-unsigned && $best_pkg != *-unsigned ]]; }; then
        best_pkg=$pkg best_ver=$ver best_suite=$suite
    fi
done < <(apt-cache madison "${names[@]}")
[ -n "$best_pkg" ] || die "$name: none of the ${#names[@]} linux-image-${prefix}* names has a downloadable version"

# The ABI is the package name without prefix and -unsigned, e.g. 6.1.0-57-amd64 or
# 7.3.4+deb13-amd64; the split packages of the same kernel carry it too.
abi=${best_pkg#linux-image-}; abi=${abi%-unsigned}
depends=$(apt-cache show "$best_pkg=$best_ver" | sed -n 's/^Depends: //p' | head -1)
packages=("$best_pkg")
deps=()
for dep in $(tr ',|' '\n\n' <<<"$depends" | awk '{print $1}'); do
    # A plain string match: ABIs contain '+', which a regex would take as an operator.
    [[ $dep == linux-*-"$abi" && $dep != "$best_pkg" ]] && deps+=("$dep")
done
# Only those the archive has in this version: e.g. 6.18.15's image names a linux-base-6.18.15
# that is in no suite (the image package alone is complete there). A missing piece that matters
# (vmlinuz, modules) is reported below.
if [ ${#deps[@]} -gt 0 ]; then
    while IFS='|' read -r pkg ver _; do
        pkg=${pkg// /} ver=${ver// /}
        [ "$ver" = "$best_ver" ] && [[ " ${packages[*]} " != *" $pkg "* ]] && packages+=("$pkg")
    done < <(apt-cache madison "${deps[@]}")
fi

# 2. Download what is not cached yet. If the lists are stale (the mirror dropped that version),
#    refresh them once and try again.
debs=$cache/debs
mkdir -p "$debs"
download() {
    (cd "$debs" && apt-get -q -o APT::Sandbox::User=root download "$@" >/dev/null)
}
want=()
for pkg in "${packages[@]}"; do
    compgen -G "$debs/${pkg}_${best_ver/:/%3a}_*.deb" >/dev/null || want+=("$pkg=$best_ver")
done
if [ ${#want[@]} -gt 0 ]; then
    if ! download "${want[@]}"; then
        echo "kernel-matrix: $name: download failed, refreshing the package lists once" >&2
        if [ "$(id -u)" = 0 ]; then apt-get update -qq; else sudo apt-get update -qq; fi
        download "${want[@]}" || die "$name: apt-get download ${want[*]} failed (see above)"
    fi
fi

# 3. Extract all of them into one tree (once: a stamp marks a complete extraction).
tree=$cache/kernels/${abi}_${best_ver}
# The stamp holds the package list, so a tree extracted from fewer packages is redone.
if [ "$(cat "$tree/.extracted" 2>/dev/null)" != "${packages[*]}" ]; then
    rm -rf "$tree"; mkdir -p "$tree"
    for pkg in "${packages[@]}"; do
        deb=$(compgen -G "$debs/${pkg}_${best_ver/:/%3a}_*.deb" | head -1)
        dpkg-deb -x "$deb" "$tree" || die "$name: dpkg-deb -x $deb failed"
    done
    echo "${packages[*]}" >"$tree/.extracted"
fi

# 4. Find the pieces: old layout boot/vmlinuz-R, boot/config-R, lib/modules/R/;
#    split layout usr/lib/modules/R/{vmlinuz,config}.
moddir=$(find "$tree" -path '*/lib/modules/*' -name modules.builtin -printf '%h\n' | head -1)
[ -n "$moddir" ] || die "$name: no lib/modules/*/modules.builtin in $tree (unexpected package layout)"
kver=${moddir##*/}
vmlinuz='' config=''
for f in "$tree/boot/vmlinuz-$kver" "$moddir/vmlinuz"; do [ -f "$f" ] && { vmlinuz=$f; break; }; done
for f in "$tree/boot/config-$kver" "$moddir/config"; do [ -f "$f" ] && { config=$f; break; }; done
[ -n "$vmlinuz" ] || die "$name: no vmlinuz for $kver in $tree (looked in boot/ and $moddir)"
[ -n "$config" ] || die "$name: no config for $kver in $tree (looked in boot/ and $moddir)"

mkdir -p "$cache/kernels"
{
    printf 'NAME=%q\nPKG=%q\nVER=%q\nSUITE=%q\nPACKAGES=%q\nKVER=%q\n' \
        "$name" "$best_pkg" "$best_ver" "$best_suite" "${packages[*]}" "$kver"
    printf 'VMLINUZ=%q\nMODDIR=%q\nCONFIG=%q\n' "$vmlinuz" "$moddir" "$config"
} >"$cache/kernels/$name.env"
extra=
[ ${#packages[@]} -gt 1 ] && extra=" (+ ${packages[*]:1})"
log "$name -> $best_pkg $best_ver [$best_suite]$extra, release $kver"
