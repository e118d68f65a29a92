#!/usr/bin/env bash
# A Python with pyroute2 at the version pinned in ci/pyroute2-requirements.txt, for the
# command scenario conformance/commands/pyroute2_iproute.sh (run it with NLTWIN_PYTHON set to
# what this prints). Usage: ci/pyroute2-venv.sh [DIR] (default /tmp/nltwin-pyroute2-venv, a
# place the unprivileged test run can read too). Installs python3-venv with apt when the
# machine's Python cannot make virtual environments. Prints the venv's python.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
venv=${1:-/tmp/nltwin-pyroute2-venv}
want=$(grep -m1 '^pyroute2==' "$repo/ci/pyroute2-requirements.txt" | cut -d= -f3)
# The system's Python, not one under a user's home (pyenv's under /root): the unprivileged test
# run (uid 65534) executes the venv's python, which links to it.
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3)
have=$("$venv/bin/python" -c 'import pyroute2; print(pyroute2.__version__)' 2>/dev/null || true)
base=$(sed -n 's/^home = //p' "$venv/pyvenv.cfg" 2>/dev/null || true)
if [ "$have" != "$want" ] || [ "$base" != "$(dirname "$(readlink -f "$py")")" ]; then
    if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
    fi
    rm -rf "$venv"
    "$py" -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$repo/ci/pyroute2-requirements.txt" >&2
    chmod -R a+rX "$venv"
fi
echo "$venv/bin/python"
