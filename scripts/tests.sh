#!/usr/bin/env bash
# Installe tout ce qu'il faut puis lance tous les tests (c'est aussi ce que lance .ci/run).
# - un environnement Python dans .venv avec requirements-dev.txt ;
# - LibreOffice et pdftotext via apt-get quand soffice manque (les tests s'en servent pour de vrai).
set -euo pipefail
cd "$(dirname "$0")/.."

# Carlito/Caladea: the metric-compatible fonts of Calibri/Cambria, so that letters keep their layout.
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 \
    || ! fc-list 2>/dev/null | grep -qi carlito; then
  echo "Installation de LibreOffice et de poppler-utils (apt-get)…"
  sudo_cmd=""
  if [ "$(id -u)" != "0" ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -q
  $sudo_cmd apt-get install -y -q libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils \
    fonts-crosextra-carlito fonts-crosextra-caladea
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
