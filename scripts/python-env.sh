#!/usr/bin/env bash
# Creates (or refreshes) the virtual environment the Python package is built and tested in:
# python3 -m venv, then the pinned packages of scripts/python-requirements.txt. Idempotent: a
# stamp records the requirements it was made from, so a second run does nothing.
#   scripts/python-env.sh [VENV]      (default: target/py-venv; prints the venv path)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv="${1:-${FASTSCI_VENV:-target/py-venv}}"
req=scripts/python-requirements.txt
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    echo "python-env: $python must be Python >= 3.10" >&2
    exit 2
fi
stamp="$venv/.fastsci-requirements"
if [[ -f "$stamp" ]] && cmp -s "$stamp" "$req"; then
    echo "$venv"
    exit 0
fi
start=$(date +%s)
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
cp "$req" "$stamp"
echo "python-env: $venv ready in $(( $(date +%s) - start )) s" >&2
echo "$venv"
