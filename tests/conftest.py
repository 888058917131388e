"""Shared test helpers: real LibreOffice, run with a private profile so that tests never share one."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ecb_server import EcbServer

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


@pytest.fixture(scope="session")
def closed_url() -> Iterator[str]:
    """An address on 127.0.0.1 where nothing answers: a port held bound for the session, never listening."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV"


@pytest.fixture(autouse=True)
def ecb_out_of_reach(monkeypatch: pytest.MonkeyPatch, closed_url: str) -> None:
    """Tests never reach the real ECB: `preparer` fetches a missing half-year by itself, and the
    folders of most tests set no [penalites] source_bce. Tests of the fetch serve their own answers."""
    monkeypatch.setattr("sources.ecb.ECB_SOURCE", closed_url)


@pytest.fixture
def ecb_server() -> Iterator[EcbServer]:
    """A real HTTP server on 127.0.0.1 answering as the ECB Data Portal (tests.ecb_server)."""
    server = EcbServer().start()
    yield server
    server.stop()
