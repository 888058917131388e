"""The Windows start: planifier.bat and the line endings of the .bat files (their text: no cmd.exe here;
relance.bat's own logic is checked in test_schedule.py), and app/install.py, which relance.bat runs
before each start (for real: a venv, pip, the install log)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.install import LOG, STAMP, install, venv_python
from app.schedule import DAYS, parse_schedule
from tests.conftest import ROOT

PLANIFIER = (ROOT / "planifier.bat").read_bytes().decode("utf-8")


def commands(text: str) -> list[str]:
    """The lines cmd.exe runs (comments and blank lines left out)."""
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.upper().startswith("REM ")]


@pytest.mark.parametrize("name", ["relance.bat", "planifier.bat"])
def test_bat_files_are_crlf_on_checkout_and_lf_in_the_repository(name):
    """cmd.exe misreads labels in LF files; git keeps them LF inside and writes CRLF (.gitattributes)."""
    assert "*.bat text eol=crlf" in (ROOT / ".gitattributes").read_text(encoding="utf-8")
    data = (ROOT / name).read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n") > 10
    listed = subprocess.run(
        ["git", "ls-files", "--eol", name], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert listed.split()[:2] == ["i/lf", "w/crlf"], listed


def test_planifier_bat_asks_day_and_hour_and_calls_relance_bat():
    lines = commands(PLANIFIER)
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
    for line in PLANIFIER.splitlines():
        if line.strip().upper().startswith("REM "):
            assert "%" not in line, line  # cmd expands % even in comments
        if line.strip().startswith("echo "):
            assert not re.search(r"[&|<>%]", line), line
    assert 'set "RELANCE_SANS_PAUSE=1"' in lines  # one pause, its own
    assert 'call "%~dp0relance.bat" planifier --jour "%JOUR%" --heure "%HEURE%"' in lines
    assert 'call "%~dp0relance.bat" planifier %*' in lines
    assert lines[-2:] == ["pause", "exit /b %CODE%"]
    # the defaults it offers are what `planifier` accepts, and it lists the same days
    day = re.search(r'set "JOUR=(\w+)"', PLANIFIER).group(1)
    hour = re.search(r'set "HEURE=([\d:]+)"', PLANIFIER).group(1)
    assert parse_schedule(day, hour)
    listed = re.search(r"Jour \(([^)]*)\)", PLANIFIER).group(1).split(", ")
    assert listed == list(DAYS)


@pytest.fixture
def program(tmp_path: Path) -> Path:
    folder = tmp_path / "Relance"
    (folder / "app").mkdir(parents=True)
    shutil.copy(ROOT / "app" / "install.py", folder / "app" / "install.py")
    # Nothing to download: the test runs without the network; pip still reads and checks the file.
    (folder / "requirements.txt").write_text("# Dépendances\n", encoding="utf-8")
    return folder


def test_install_creates_the_venv_once_and_again_only_when_requirements_change(program):
    # As relance.bat runs it, from the folder: a script of the standard library only.
    child = subprocess.run(
        [sys.executable, str(program / "app" / "install.py")],
        cwd=program,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert child.returncode == 0, child.stdout + child.stderr
    assert child.stdout.splitlines() == [
        "Installation de Relance (quelques minutes, une seule fois) :",
        "  préparation de l'environnement Python (.venv)…",
        "  téléchargement et installation des bibliothèques :",
        "Installation terminée.",
        "",
    ]
    assert venv_python(program / ".venv").exists()
    log = (program / LOG).read_text(encoding="utf-8")
    assert "=== installation" in log and "-m pip install" in log and "(code de sortie 0)" in log
    # nothing changed: nothing done, nothing said, at once
    out = io.StringIO()
    started = time.monotonic()
    assert install(program, out) == 0
    assert out.getvalue() == "" and time.monotonic() - started < 1
    # requirements.txt changed: pip runs again in the same .venv
    (program / "requirements.txt").write_text("# Dépendances\n# une ligne de plus\n", encoding="utf-8")
    out = io.StringIO()
    assert install(program, out) == 0
    assert out.getvalue().startswith("Mise à jour des composants de Relance (requirements.txt a changé) :")
    # an update that fails: the old .venv stays, the stamp too, so the next start tries again
    stamp = (program / ".venv" / STAMP).read_text(encoding="ascii")
    (program / "requirements.txt").write_text("./paquet-introuvable\n", encoding="utf-8")
    out = io.StringIO()
    assert install(program, out) == 1
    assert out.getvalue().endswith(
        "L'installation a échoué : vérifiez la connexion à Internet, puis relancez. Le détail est dans "
        f"{LOG} (à transmettre à qui maintient Relance si cela recommence).\n"
    )
    assert venv_python(program / ".venv").exists()
    assert (program / ".venv" / STAMP).read_text(encoding="ascii") == stamp
    assert "paquet-introuvable" in (program / LOG).read_text(encoding="utf-8")


def test_the_weekly_run_updates_the_venv_before_loading_any_library(program):
    """The task starts .venv's Python on relance.py, never relance.bat: after an update of Relance
    (requirements.txt changed) it must install first, before a library is loaded (Windows cannot
    replace one in use); only the scheduled run does, and only in the program's own .venv."""
    assert install(program, io.StringIO()) == 0
    shutil.copy(ROOT / "relance.py", program / "relance.py")
    (program / "app" / "__init__.py").write_text("", encoding="utf-8")
    (program / "app" / "cli.py").write_text(
        "import sys\n"
        "from app.install import up_to_date\n"
        "def main(argv, root):\n"
        "    print('main', ' '.join(argv), 'à jour' if up_to_date(root) else 'pas à jour')\n"
        "    return 0\n",
        encoding="utf-8",
    )

    def start(python: Path, *argv: str) -> list[str]:
        child = subprocess.run([str(python), str(program / "relance.py"), *argv], cwd=program,
                               capture_output=True, text=True, encoding="utf-8", timeout=300)  # fmt: skip
        assert child.returncode == 0, child.stdout + child.stderr
        return child.stdout.splitlines()

    python = venv_python(program / ".venv")
    (program / "requirements.txt").write_text("# Dépendances\n# mises à jour\n", encoding="utf-8")
    assert start(python, "preparer") == ["main preparer pas à jour"]  # by hand: relance.bat's job
    assert start(Path(sys.executable), "--planifie") == ["main --planifie pas à jour"]  # another Python
    lines = start(python, "--planifie")
    assert lines[0] == "Mise à jour des composants de Relance (requirements.txt a changé) :"
    assert lines[-1] == "main --planifie à jour"
    assert start(python, "--planifie") == ["main --planifie à jour"]  # nothing more to do
