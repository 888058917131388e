"""scripts/tests.sh installs only what is missing: nothing missing, neither apt-get nor sudo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

BASH = shutil.which("bash") or "/bin/bash"
RECORDER = '#!/bin/sh\necho "$(basename "$0") $*" >> "$CALLS"\n'


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The script and the requirements in a folder of their own, with the project's .venv."""
    folder = tmp_path / "relance"
    (folder / "scripts").mkdir(parents=True)
    shutil.copy(ROOT / "scripts" / "tests.sh", folder / "scripts" / "tests.sh")
    for name in ("requirements.txt", "requirements-dev.txt"):
        shutil.copy(ROOT / name, folder / name)
    (folder / ".venv").symlink_to((ROOT / ".venv").resolve())
    return folder


def tool(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    path.chmod(0o755)


def install(checkout: Path, path: str, calls: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(checkout / "scripts" / "tests.sh")],
        env={**os.environ, "PATH": path, "CALLS": str(calls), "RELANCE_INSTALLER_SEULEMENT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_nothing_missing_means_no_apt_get_and_no_sudo_run_after_run(checkout, tmp_path):
    """What this machine has (LibreOffice, pdftotext, zbarimg, Carlito, Caladea): five runs, never apt-get.

    The former `fc-list | grep -q` check failed with SIGPIPE about 3 runs in 5 and ran apt-get.
    """
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    for name in ("apt-get", "sudo"):
        tool(stubs, name, RECORDER)
    calls = tmp_path / "calls.txt"
    for _ in range(5):
        result = install(checkout, f"{stubs}{os.pathsep}{os.environ['PATH']}", calls)
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""
    assert not calls.exists()


def test_only_what_is_missing_is_installed_with_sudo_when_not_root(checkout, tmp_path):
    """A machine without LibreOffice, as a user who is not root: sudo apt-get for LibreOffice only."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for name in ("dirname", "basename", "fc-list", "dpkg-query", "pdftotext", "zbarimg"):
        found = shutil.which(name)
        assert found, name
        (bare / name).symlink_to(found)
    tool(bare, "id", "#!/bin/sh\necho 1000\n")  # not root
    tool(bare, "apt-get", RECORDER)  # records, installs nothing
    tool(bare, "sudo", RECORDER + 'exec "$@"\n')
    calls = tmp_path / "calls.txt"
    result = install(checkout, str(bare), calls)
    assert result.returncode == 1
    assert result.stdout == (
        "Installation de ce qui manque (apt-get) : libreoffice-writer-nogui libreoffice-calc-nogui\n"
    )
    assert result.stderr.endswith(
        "LibreOffice (soffice) est toujours introuvable après apt-get : les tests en ont besoin.\n"
    )
    assert calls.read_text(encoding="utf-8").splitlines() == [
        "sudo apt-get update -q",
        "apt-get update -q",
        "sudo apt-get install -y -q libreoffice-writer-nogui libreoffice-calc-nogui",
        "apt-get install -y -q libreoffice-writer-nogui libreoffice-calc-nogui",
    ]


def test_a_missing_qr_decoder_is_installed_alone(checkout, tmp_path):
    """zbarimg (zbar-tools) reads back the payment QR code of the letters: installed when missing."""
    bare = tmp_path / "bin"
    bare.mkdir()
    for name in ("dirname", "basename", "fc-list", "dpkg-query", "pdftotext", "soffice"):
        found = shutil.which(name)
        assert found, name
        (bare / name).symlink_to(found)
    tool(bare, "id", "#!/bin/sh\necho 0\n")  # root: no sudo
    tool(bare, "apt-get", RECORDER)  # records, installs nothing
    calls = tmp_path / "calls.txt"
    result = install(checkout, str(bare), calls)
    assert result.returncode == 1
    assert result.stdout == "Installation de ce qui manque (apt-get) : zbar-tools\n"
    assert result.stderr.endswith(
        "zbarimg est toujours introuvable après apt-get : les tests en ont besoin.\n"
    )
    assert calls.read_text(encoding="utf-8").splitlines() == [
        "apt-get update -q",
        "apt-get install -y -q zbar-tools",
    ]
