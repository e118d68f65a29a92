#!/usr/bin/env bash
# make-initramfs.sh KERNEL_ENV OUT_DIR: build OUT_DIR/initrd for the kernel described by
# KERNEL_ENV (written by fetch-kernel.sh). The guest is nothing but:
#   /bin/busybox (static) and its applet links     the whole userland, and /init's shell
#   /bin/nltwin + the shared libraries ldd lists   at their own paths, so the dynamic loader
#                                                  finds them as on the host
#   /scenarios/*.jsonl                             the scenario files
#   /init, /matrix/{lib.sh,guest.sh,config}        guest/init, guest/lib.sh, the workload, settings
#   /lib/modules/matrix/*.ko + /matrix/modules.list  the needed modules (NLTWIN_MATRIX_MODULES,
#                                                  and the link kinds the scenarios create) and
#                                                  their dependencies, decompressed, in load order
# The archive is an uncompressed newc cpio: it is only read once, from memory, and unpacking
# gzip under TCG costs more than the bigger file does.
set -euo pipefail
. "$(dirname "$0")/common.sh"

envfile=${1:?usage: make-initramfs.sh KERNEL_ENV OUT_DIR}
out=${2:?usage: make-initramfs.sh KERNEL_ENV OUT_DIR}
[ -r "$envfile" ] || die "initramfs: $envfile not found (run fetch-kernel.sh first)"
. "$envfile"

[ -x "$nltwin_bin" ] || die "initramfs: nltwin binary $nltwin_bin not found or not executable (cargo build --release, or set NLTWIN_BIN)"
[ -x /bin/busybox ] || die "initramfs: /bin/busybox missing (install busybox-static: host-setup.sh)"
[ -r "$guest_script" ] || die "initramfs: guest workload $guest_script not found (NLTWIN_MATRIX_GUEST_SCRIPT)"
shopt -s nullglob
scenarios=("$scenario_dir"/*.jsonl)
shopt -u nullglob
[ ${#scenarios[@]} -gt 0 ] || die "initramfs: no *.jsonl scenario files in $scenario_dir (NLTWIN_MATRIX_SCENARIOS)"

root=$out/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,out,matrix,scenarios,lib/modules/matrix}

# Userland: busybox and a link per applet, where busybox itself would install it.
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list-full); do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# nltwin and its libraries (ldd prints "name => /path (addr)" or "/path (addr)"; the vdso has
# no path). cp -L: copy the library, not the symlink that names it.
cp "$nltwin_bin" "$root/bin/nltwin"
if ldd "$nltwin_bin" >/dev/null 2>&1; then
    for lib in $(ldd "$nltwin_bin" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
fi   # else: statically linked, nothing to add

cp "${scenarios[@]}" "$root/scenarios/"
cp "$matrix_dir/guest/init" "$root/init"
cp "$matrix_dir/guest/lib.sh" "$root/matrix/lib.sh"
cp "$guest_script" "$root/matrix/guest.sh"
chmod 755 "$root/init" "$root/matrix/guest.sh"

# Settings for the guest, single-quoted for sh.
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
    echo "KERNEL_NAME=$(shq "$NAME")"
    echo "SCENARIOS=/scenarios"
    echo "SCENARIO_CMD=$(shq "$scenario_cmd")"
    echo "SCENARIO_TIMEOUT=$(shq "$scenario_timeout")"
} >"$root/matrix/config"

# A console node for the kernel to open as init's stdin/stdout/stderr before /init mounts
# devtmpfs (only root can make one; otherwise the kernel's built-in /dev/console serves).
[ "$(id -u)" = 0 ] && mknod -m 600 "$root/dev/console" c 5 1

# Modules. Names are compared with '-' as '_', as the kernel does. Dependencies come from the
# depends= string of each module's .modinfo section (NUL-separated key=value strings), read
# after decompression: busybox insmod cannot load .ko.xz/.ko.zst, and this needs no kmod.
declare -A modpath=() builtin=() seen=()
while IFS= read -r f; do
    b=${f##*/}; b=${b%%.ko*}; modpath[${b//-/_}]=$f
done < <(find "$MODDIR" -name '*.ko' -o -name '*.ko.*')
while IFS= read -r p; do
    b=${p##*/}; b=${b%.ko}; builtin[${b//-/_}]=1
done <"$MODDIR/modules.builtin"
order=() builtins=()
add_module() {
    local m=${1//-/_} f ko deps d
    [ -z "${seen[$m]:-}" ] || return 0
    seen[$m]=1
    if [ -n "${builtin[$m]:-}" ]; then builtins+=("$m"); return 0; fi
    f=${modpath[$m]:-}
    [ -n "$f" ] || die "initramfs: $NAME: module $m is neither built in nor shipped in $MODDIR"
    ko=$root/lib/modules/matrix/$m.ko
    case $f in
        *.ko.xz) xz -dc "$f" >"$ko" ;;
        *.ko.zst) zstd -dcq "$f" >"$ko" ;;
        *.ko.gz) gzip -dc "$f" >"$ko" ;;
        *.ko) cp "$f" "$ko" ;;
        *) die "initramfs: $NAME: $f: unknown module compression" ;;
    esac || die "initramfs: $NAME: cannot decompress $f"
    deps=$(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | head -1)
    for d in ${deps//,/ }; do add_module "$d"; done
    order+=("$m")   # after its dependencies: this is the load order
}
for m in $modules; do add_module "$m"; done

# Link kinds the scenarios create (readable requests: "IFLA_INFO_KIND","str":"ifb") get their
# module too, so a scenario added with a new kind runs without touching this list. In the guest
# nothing can autoload a module (no modules.dep, no modules.alias), so a kind whose module is
# not loaded answers EOPNOTSUPP. Most kinds are modules of the same name; the few that are not
# are mapped here. A kind with no module (e.g. a scenario's deliberately unknown one) is only
# mentioned.
declare -A kind_module=([bond]=bonding [vlan]=8021q [gretap]=ip_gre [gre]=ip_gre [ipip]=ipip [sit]=sit [vti]=ip_vti)
kinds=$(cat "${scenarios[@]}" | grep -oE '"IFLA_INFO_KIND","str":"[A-Za-z0-9_.-]+"' | sed 's/.*"str":"//; s/"$//' | sort -u || true)
no_module=()
for kind in $kinds; do
    m=${kind_module[$kind]:-$kind}
    m=${m//-/_}
    if [ -n "${builtin[$m]:-}" ] || [ -n "${modpath[$m]:-}" ]; then add_module "$m"; else no_module+=("$kind"); fi
done
[ ${#no_module[@]} -eq 0 ] ||
    log "$NAME: link kinds in the scenarios without a module of that name (not loaded): ${no_module[*]}"
printf '%s\n' "${order[@]}" >"$root/matrix/modules.list"
echo "${builtins[*]}" >"$root/matrix/modules.builtin"

(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) >"$out/initrd" ||
    die "initramfs: cpio failed"
log "$NAME: initramfs $(du -m "$out/initrd" | cut -f1) MiB; modules: ${order[*]:-none}; built in: ${builtins[*]:-none}"
