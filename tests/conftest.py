"""Shared test helpers: real LibreOffice, run with a private profile so that tests never share one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail("LibreOffice (soffice) est introuvable : .ci/run l'installe avec apt-get.")
    return found


def libreoffice_convert(source: Path, target_dir: Path, fmt: str, profile: Path) -> Path:
    """Convert with a real headless LibreOffice (e.g. fmt='xlsx' re-saves a workbook as LibreOffice does)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            fmt,
            "--outdir",
            str(target_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    result = target_dir / f"{source.stem}.{fmt.split(':')[0]}"
    assert result.exists(), f"LibreOffice did not write {result}"
    return result


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lo-profile")
