#!/usr/bin/env bash
# Installs Synapse (matrix-synapse from PyPI) for the homeserver tests (npm run test:people) into a
# virtualenv outside the project, only when the pinned version is not there already. pip's own
# cache makes a reinstall quick. SYNAPSE_VENV chooses the folder; PYTHON the interpreter (3.10+).
set -euo pipefail
VERSION=1.163.2
VENV="${SYNAPSE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/bridge-login/synapse-venv}"
if "$VENV/bin/python" -c "import sys, synapse; sys.exit(synapse.__version__ != '$VERSION')" 2>/dev/null; then
  echo "Synapse $VERSION is installed in $VENV"
  exit 0
fi
PY="${PYTHON:-$(command -v python3.11 || command -v python3)}"
echo "Installing Synapse $VERSION into $VENV (a few minutes the first time)"
start=$(date +%s)
rm -rf "$VENV"
mkdir -p "$(dirname "$VENV")"
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check "matrix-synapse==$VERSION"
echo "Synapse $VERSION installed in $(( $(date +%s) - start )) s"
