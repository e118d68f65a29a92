#!/usr/bin/env bash
# Make the Debian suites that carry the kernels of the matrix known to apt, then refresh the
# package lists. Packages are only ever *downloaded* from the newer suites (apt-get download),
# never installed, so the machine stays a bookworm machine:
#   bookworm          6.1   (already configured on a bookworm host)
#   bookworm-backports, trixie   6.12
#   trixie-backports  6.16 .. 6.19 and 7.x
# The suites come from the same mirror and keyring the machine's own sources use, so a CI
# machine behind a proxy or mirror keeps working.
#
# Usage: debian-suites.sh [SUITE...]   (default: bookworm-backports trixie trixie-backports)
# Needs root (writes /etc/apt). Safe to run again: it rewrites the same two files.
set -euo pipefail

die() { echo "debian-suites: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root (it writes /etc/apt/sources.list.d and runs apt-get update)"

deb822=/etc/apt/sources.list.d/debian.sources
out=/etc/apt/sources.list.d/nltwin-extra.sources
pin=/etc/apt/preferences.d/nltwin-extra
suites=${*:-bookworm-backports trixie trixie-backports}

# Find the mirror: deb822 sources (Debian 12 default in containers and cloud images), else the
# one-line format of /etc/apt/sources.list, else the public mirror.
uri='' key=''
if [ -r "$deb822" ]; then
    uri=$(awk '$1 == "URIs:" {print $2; exit}' "$deb822")
    key=$(awk '$1 == "Signed-By:" {print $2; exit}' "$deb822")
elif [ -r /etc/apt/sources.list ]; then
    # e.g. "deb [signed-by=...] http://deb.debian.org/debian bookworm main": the first http(s)
    # word of the first deb line that is not a security mirror.
    uri=$(awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
        /etc/apt/sources.list)
fi
uri=${uri:-http://deb.debian.org/debian}
key=${key:-/usr/share/keyrings/debian-archive-keyring.gpg}
[ -r "$key" ] || die "archive keyring $key not found (install debian-archive-keyring)"

printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n' \
    "$uri" "$suites" "$key" >"$out"

# trixie is a newer *release*, not a backports suite, so apt would otherwise prefer its versions
# on the next upgrade. Give it (and its backports) the backports priority: available, never
# chosen by default.
printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n\nPackage: *\nPin: release n=trixie-backports\nPin-Priority: 100\n' \
    >"$pin"

apt-get update -qq || die "apt-get update failed after adding $suites from $uri (see above)"
echo "debian-suites: added $suites from $uri ($out, pins in $pin)"
