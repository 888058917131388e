"""A small office folder (exports, templates, settings) and a real SMTP server, for the command tests."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller

from app.cli import main
from tests.conftest import ROOT
from tests.mail.mail_servers import Inbox, Logins, free_port

NOW = datetime(2026, 11, 23, 9, 0)

CLIENTS = """Code client;Raison sociale;Adresse;Code postal;Ville;Email;Téléphone;Type
C1;Boulangerie Martin;3 place Sathonay;69001;Lyon;compta@martin.example;04 78 00 00 01;Professionnel
C2;Société Générale d'Équipements Élévateurs;8 quai Perrache;69002;Lyon;compta@sgee.example;;Professionnel
C3;Dupont & Fils <SARL>;12 rue Mercière;69002;Lyon;;04 78 00 00 03;Professionnel
C4;Garage Lemoine;4 rue Garibaldi;69006;Lyon;garage@lemoine.example;;Professionnel
"""
INVOICES = """N° facture;Code client;Date facture;Échéance;Montant TTC
FA-001;C1;01/09/2026;01/10/2026;1 200,00
FA-002;C1;15/09/2026;15/10/2026;300,50
FA-003;C2;01/09/2026;01/10/2026;4 800,00
FA-004;C3;01/09/2026;01/10/2026;960,00
FA-005;C4;01/09/2026;01/10/2026;2 400,00
"""
PAYMENTS = "Date règlement;Code client;Montant;N° facture\n"

# The shipped relance.toml has an empty sender, which `configurer` fills in; the office's own:
COMPANY_BLANK = 'nom = ""\nadresse = []\ncode_postal = ""\nville = ""\n'
COMPANY = (
    'nom = "Menuiserie Lefèvre SARL"\nadresse = ["3 rue Neuve"]\ncode_postal = "69002"\nville = "Lyon"\n'
)

EMAILS = {"compta@martin.example", "compta@sgee.example", "garage@lemoine.example"}


def run(
    folder: Path,
    *args: str,
    interactive: bool = False,
    answer: str | list[str] = "",
    day: str = "2026-11-23",
    now: datetime = NOW,
    root: Path = ROOT,
) -> tuple[int, str, str]:
    """Run a command on `folder`; `root` is where relance.py is (its templates, its demo dossier).
    `answer`: the answer to every question, or the answers to the questions in turn (a list)."""
    out, err = io.StringIO(), io.StringIO()
    answers = iter(answer) if isinstance(answer, list) else None
    code = main(
        [*args, "--dossier", str(folder), "--date", day],
        root,
        stdout=out,
        stderr=err,
        now=now,
        ask=lambda question: next(answers) if answers is not None else answer,
        interactive=interactive,
    )
    return code, out.getvalue(), err.getvalue()


def validate(path: Path, value: str = "Oui") -> None:
    book = openpyxl.load_workbook(path)
    book["Synthèse"]["B3"] = value
    book.save(path)


@pytest.fixture
def office(tmp_path: Path, closed_url: str) -> Path:
    """Four customers chased at level 1: three by email, one (no email) by post; proposal validated."""
    folder = tmp_path / "bureau"
    (folder / "input").mkdir(parents=True)
    (folder / "input" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (folder / "input" / "factures.csv").write_text(INVOICES, encoding="cp1252")
    (folder / "input" / "reglements.csv").write_text(PAYMENTS, encoding="utf-8")
    shutil.copytree(ROOT / "templates_word", folder / "templates_word")
    # The shipped settings with a sender of one's own; the ECB out of reach, also for the tests that
    # run relance.py in a process.
    settings = (ROOT / "relance.toml").read_text(encoding="utf-8")
    assert COMPANY_BLANK in settings
    settings = settings.replace(COMPANY_BLANK, COMPANY)
    settings = settings.replace("[penalites]\n", f'[penalites]\nsource_bce = "{closed_url}"\n', 1)
    (folder / "relance.toml").write_text(settings, encoding="utf-8")
    # Configured (a sender, a .env), without an SMTP server: emails become .eml files.
    (folder / ".env").write_text("SMTP_HOST=\n", encoding="utf-8")
    code, _, err = run(folder, "preparer", "-q")
    assert code == 0, err
    validate(folder / "output" / "proposition_2026-11-23.xlsx")
    return folder


@pytest.fixture
def smtp(office: Path) -> Iterator[Callable[..., Inbox]]:
    """`inbox = smtp(login=(user, password), **Inbox options)`: a real server on 127.0.0.1, written
    into the office's .env (with no login: the test changes .env to log in)."""
    controllers: list[Controller] = []

    def start(login: tuple[str, str] | None = None, **options: object) -> Inbox:
        inbox = Inbox(**options)  # type: ignore[arg-type]
        port = free_port()
        auth = {"authenticator": Logins(*login), "auth_require_tls": False} if login else {}
        controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost", **auth)
        controller.start()
        controllers.append(controller)
        (office / ".env").write_text(
            f"SMTP_HOST=127.0.0.1\nSMTP_PORT={port}\nSMTP_SECURITY=aucune\nSMTP_USER=\n"
            "MAIL_FROM=compta@atelier.example\nMAIL_FROM_NAME=Service comptabilité\n",
            encoding="utf-8",
        )
        return inbox

    yield start
    for controller in controllers:
        controller.stop()
