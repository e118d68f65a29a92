#!/usr/bin/env bash
# Run the whole test suite as an unprivileged user inside fresh user+net namespaces.
#
# As root: builds the test binaries in a world-readable copy of the repository, then runs each
# one as uid/gid 65534 (override with NLTWIN_TEST_UID) with its own writable HOME, through
# setpriv. The kernel tests enter their sandboxes from there, as an unprivileged user would.
# As a non-root user: runs the test binaries directly (already unprivileged).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
uid=${NLTWIN_TEST_UID:-65534}

work=$(mktemp -d /tmp/nltwin-unpriv.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
# A copy the unprivileged user can read, wherever the checkout lives (e.g. under /root).
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -C "$work" -xf -
mkdir -p "$work/home" "$work/tmp"
cd "$work"
export CARGO_TARGET_DIR="$work/target"
echo "unprivileged-tests: building test binaries in $work"
cargo test --workspace --no-run --message-format=json 2>/dev/null >"$work/build.json"
# `nltwin run`'s preloaded libraries, the model's and the capture's (cdylibs, which `cargo test`
# does not build; the tests build them themselves where cargo can run, which the unprivileged
# user cannot).
cargo build -q -p nltwin-preload -p nltwin-capture
chmod -R a+rX "$work"
chown "$uid:$uid" "$work/home" "$work/tmp" 2>/dev/null || true

python3 - "$work/build.json" >"$work/tests.txt" <<'PY'
import json, os, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m.get("profile", {}).get("test") and m.get("executable"):
        print(os.path.dirname(m["manifest_path"]) + "\t" + m["executable"])
PY

run_as() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "$@"
    else
        "$@"
    fi
}

echo "unprivileged-tests: running as uid $([ "$(id -u)" = 0 ] && echo "$uid" || id -u)"
run_as id
failed=0
while IFS=$'\t' read -r dir exe; do
    echo "== $(basename "$exe")"
    if ! (cd "$dir" && HOME="$work/home" TMPDIR="$work/tmp" run_as "$exe"); then
        failed=1
    fi
done <"$work/tests.txt"
if [ "$failed" != 0 ]; then
    echo "unprivileged-tests: FAILED"
    exit 1
fi
echo "unprivileged-tests: all test binaries passed as an unprivileged user"
