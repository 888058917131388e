"""Install or update Relance's Python environment (.venv): what relance.bat runs before each start.

    python app/install.py        (standard library only: it runs before .venv exists; relance.bat
                                  has checked that this Python is 3.11 or newer)

Nothing is done when .venv is there and requirements.txt has not changed since the last installation
(its SHA-256 is kept in .venv/requirements.sha256). Otherwise pip installs it, its output going to
output/logs/installation.log while the window shows a few French lines. Exit code 0: ready; 1: the
installation failed (a .venv created by this run is removed, so that the next start tries again).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

STAMP = "requirements.sha256"
LOG = Path("output") / "logs" / "installation.log"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def up_to_date(root: Path) -> bool:
    venv = root / ".venv"
    stamp = venv / STAMP
    return (
        venv_python(venv).exists()
        and stamp.is_file()
        and stamp.read_text(encoding="ascii").strip() == requirements_hash(root / "requirements.txt")
    )


def refresh_for_schedule(root: Path, argv: Sequence[str], out: TextIO) -> None:
    """The weekly task starts .venv's Python directly, never relance.bat: when requirements.txt changed
    (Relance was updated), bring .venv up to date first, before any library is loaded (Windows cannot
    replace a library in use). A failed update is in the install log; the run goes on with the
    libraries it has, and the next one tries again."""
    if "--planifie" not in argv or Path(sys.prefix).resolve() != (root / ".venv").resolve():
        return
    if not up_to_date(root):
        install(root, out)


def install(root: Path, out: TextIO, python: str = sys.executable) -> int:
    """Make .venv match requirements.txt; the exit code."""
    if up_to_date(root):
        return 0
    venv = root / ".venv"
    log_path = root / LOG
    log_path.parent.mkdir(parents=True, exist_ok=True)
    created = not venv_python(venv).exists()
    out.write(
        "Installation de Relance (quelques minutes, une seule fois) :\n"
        if created
        else "Mise à jour des composants de Relance (requirements.txt a changé) :\n"
    )
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"\n=== {'installation' if created else 'mise à jour'} ({python}) ===\n")
        log.flush()
        ok = True
        if created:
            out.write("  préparation de l'environnement Python (.venv)…\n")
            out.flush()
            ok = _run([python, "-m", "venv", str(venv)], log, out, root) == 0
        if ok:
            out.write("  téléchargement et installation des bibliothèques :\n")
            out.flush()
            command = [str(venv_python(venv)), "-m", "pip", "install", "--disable-pip-version-check",
                       "--progress-bar", "off", "-r", str(root / "requirements.txt")]  # fmt: skip
            ok = _run(command, log, out, root) == 0
    if not ok:
        if created:
            # A half-made .venv would pass for a ready one at the next start.
            shutil.rmtree(venv, ignore_errors=True)
        out.write(
            "L'installation a échoué : vérifiez la connexion à Internet, puis relancez. Le détail est dans "
            f"{LOG} (à transmettre à qui maintient Relance si cela recommence).\n"
        )
        return 1
    (venv / STAMP).write_text(requirements_hash(root / "requirements.txt") + "\n", encoding="ascii")
    out.write("Installation terminée.\n\n")
    return 0


def _run(command: list[str], log: TextIO, out: TextIO, cwd: Path) -> int:
    """Run a step; its whole output goes to the log, one short line per package to the window."""
    log.write("$ " + " ".join(command) + "\n")
    log.flush()
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError as error:
        log.write(f"{error}\n")
        return 1
    assert process.stdout is not None
    for line in process.stdout:
        log.write(line)
        if line.startswith("Collecting "):
            name = line.split()[1].split("==")[0]
            out.write(f"    - {name}\n")
            out.flush()
    code = process.wait()
    log.write(f"(code de sortie {code})\n")
    return code


if __name__ == "__main__":
    sys.exit(install(Path(__file__).resolve().parent.parent, sys.stdout))
