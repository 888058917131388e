#!/usr/bin/env bash
# Installe ce qui manque puis lance tous les tests (c'est aussi ce que lance .ci/run).
# - LibreOffice, pdftotext, zbarimg (qui relit le QR code de paiement des lettres) et les polices
#   Carlito/Caladea via apt-get, seulement ceux qui manquent :
#   rien ne manque, ni apt-get ni sudo ;
# - un environnement Python dans .venv avec requirements-dev.txt (pip n'installe que ce qui manque).
# RELANCE_INSTALLER_SEULEMENT=1 : installer sans lancer les tests (tests/test_tests_sh.py s'en sert).
set -euo pipefail
cd "$(dirname "$0")/.."

have_command() { command -v "$1" >/dev/null 2>&1; }

# Installed Debian package (when fontconfig is absent, fc-list cannot tell).
have_package() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

# Carlito/Caladea: metric-compatible with Calibri/Cambria, so that letters keep their layout.
# `fc-list -q` answers by its exit code: no pipe into grep -q, whose early exit made fc-list die of
# SIGPIPE under pipefail and the fonts look missing about 3 runs in 5.
have_font() {
  if have_command fc-list && fc-list -q "$1"; then return 0; fi
  have_package "$2"
}

missing=()
if ! have_command soffice && ! have_command libreoffice; then
  missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
fi
have_command pdftotext || missing+=(poppler-utils)
have_command zbarimg || missing+=(zbar-tools)
have_font Carlito fonts-crosextra-carlito || missing+=(fonts-crosextra-carlito)
have_font Caladea fonts-crosextra-caladea || missing+=(fonts-crosextra-caladea)
if [ ! -x .venv/bin/python ] && ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  missing+=(python3-venv)  # Debian ships venv without pip otherwise
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installation de ce qui manque (apt-get) : ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" != "0" ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q "${missing[@]}"
  if ! have_command soffice && ! have_command libreoffice; then
    echo "LibreOffice (soffice) est toujours introuvable après apt-get : les tests en ont besoin." >&2
    exit 1
  fi
  if ! have_command pdftotext; then
    echo "pdftotext est toujours introuvable après apt-get : les tests en ont besoin." >&2
    exit 1
  fi
  if ! have_command zbarimg; then
    echo "zbarimg est toujours introuvable après apt-get : les tests en ont besoin." >&2
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

if [ "${RELANCE_INSTALLER_SEULEMENT:-}" = "1" ]; then
  exit 0
fi
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
