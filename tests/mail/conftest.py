"""Real SMTP servers (aiosmtpd) on 127.0.0.1 for the mail tests, a self-signed certificate, a small PDF."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfWriter

from tests.mail.mail_servers import Inbox, free_port

ServerFactory = Callable[..., int]


@pytest.fixture
def smtp_server() -> Iterator[ServerFactory]:
    """Start real servers: `port = smtp_server(inbox, **aiosmtpd options)`; all stopped after the test."""
    started: list[Controller] = []

    def start(handler: Inbox, **options: Any) -> int:
        port = free_port()
        # server_hostname: else aiosmtpd asks the DNS for this machine's name, slowly on some machines.
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **options
        )
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for `localhost` only (not 127.0.0.1), made with the openssl command."""
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.fail("La commande openssl est introuvable : installez le paquet openssl.")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=DNS:localhost"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trust_certificate(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the self-signed certificate trusted the way a user would: OpenSSL's SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


@pytest.fixture
def pdf(tmp_path: Path) -> Path:
    """A real one-page PDF with accents in its name."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "Relance n°1 – Société Générale.pdf"
    with path.open("wb") as stream:
        writer.write(stream)
    return path
