"""Kill `envoyer` (SIGKILL, LibreOffice too) at a dozen points of a 20-customer send, rerun as a user
would, then compare what the SMTP server received and the print bundles hold with the journal: every
customer exactly once, by every channel, never a letter to another customer's address."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from journal import Journal
from tests.app.conftest import COMPANY, COMPANY_BLANK, ROOT, run, validate
from tests.mail.mail_servers import Inbox, free_port
from tests.workbook.excel import set_cells

CHILD = Path(__file__).with_name("crash_child.py")
CODES = [f"C{n:02d}" for n in range(1, 21)]
BOTH = {"C15", "C16", "C17"}  # email + courrier
POST = {"C18", "C19", "C20"}  # no email: courrier
EMAIL = set(CODES) - POST


def address(code: str) -> str:
    return f"compta.{code.lower()}@client.example"


def number(code: str) -> str:
    return f"FA-{code}"


class KillingInbox(Inbox):
    """Keeps every message, except the `kill_at`-th DATA: the client dies while it waits for the reply,
    and the server keeps nothing (the truly ambiguous window, seen from the client)."""

    kill_at: int = 0
    victim: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.kill_at and self.data_count + 1 == self.kill_at:
            self.data_count += 1
            os.kill(self.victim, signal.SIGKILL)
            time.sleep(0.5)
            return "451 4.3.0 arrêt"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def server() -> Iterator[tuple[KillingInbox, int]]:
    inbox = KillingInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def office(tmp_path: Path, closed_url: str, server: tuple[KillingInbox, int]) -> Path:
    folder = tmp_path / "bureau"
    (folder / "input").mkdir(parents=True)
    clients = ["Code client;Raison sociale;Adresse;Code postal;Ville;Email;Type"]
    invoices = ["N° facture;Code client;Date facture;Échéance;Montant TTC"]
    for index, code in enumerate(CODES, start=1):
        email = "" if code in POST else address(code)
        clients.append(f"{code};Client {code};{index} rue Neuve;69001;Lyon;{email};Professionnel")
        invoices.append(f"{number(code)};{code};01/09/2026;01/10/2026;{100 + index},00")
    (folder / "input" / "clients.csv").write_text("\n".join(clients) + "\n", encoding="utf-8")
    (folder / "input" / "factures.csv").write_text("\n".join(invoices) + "\n", encoding="utf-8")
    settings = (ROOT / "relance.toml").read_text(encoding="utf-8").replace(COMPANY_BLANK, COMPANY)
    settings = settings.replace("[penalites]\n", f'[penalites]\nsource_bce = "{closed_url}"\n', 1)
    (folder / "relance.toml").write_text(settings, encoding="utf-8")
    _, port = server
    (folder / ".env").write_text(
        f"SMTP_HOST=127.0.0.1\nSMTP_PORT={port}\nSMTP_SECURITY=aucune\nSMTP_USER=\nMAIL_FROM=compta@atelier.example\n",
        encoding="utf-8",
    )
    assert run(folder, "preparer", "-q")[0] == 0
    proposal = folder / "output" / "proposition_2026-11-23.xlsx"
    set_cells(proposal, "Clients", "Canal", dict.fromkeys(BOTH, "Email + courrier"))
    validate(proposal)
    return folder


def envoyer(office: Path, point: str, *options: str) -> subprocess.Popen:
    tmp = office.parent / "tmp"
    tmp.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(CHILD), point, "--", "envoyer", "--oui", *options, "--dossier", str(office),
         "--date", "2026-11-23"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TMPDIR": str(tmp)},  # LibreOffice's profiles: found again to be killed
        start_new_session=True,
    )  # fmt: skip


def kill_leftovers(office: Path) -> None:
    """LibreOffice runs in its own session: a power cut takes it too. Kill what still uses our folders."""
    marker = str(office.parent)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in command and int(pid) != os.getpid():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)


def resume(office: Path, inbox: KillingInbox) -> None:
    """What the user does after the crash: run envoyer again; an uncertain email is checked in the sent
    messages (here: the server's) and resent only if it never arrived."""
    for _ in range(4):
        child = envoyer(office, "none")
        out, err = child.communicate(timeout=300)
        if child.returncode == 0:
            return
        assert child.returncode == 3, (out + err).decode()
        with Journal.open(office / "output" / "journal.sqlite") as journal:
            uncertain = journal.uncertain()
        assert uncertain, (out + err).decode()
        arrived = Counter(a for m in inbox.received for a in m.rcpt_tos)
        for row in uncertain:
            assert arrived[row.part("email").recipient] == 0  # never an accepted email « incertain »
        child = envoyer(office, "none", "--renvoyer-incertains")
        out, err = child.communicate(timeout=300)
        if child.returncode == 0:
            return
    raise AssertionError("envoyer never finished")


def pdf_text(data: bytes, folder: Path) -> str:
    path = folder / "piece.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


POINTS = [
    "plan:3",
    "render:5",
    "convert",
    "email-handed:1",
    "email-recorded:1",
    "email-recorded:7",
    "data:5",
    "email-recorded:16",
    "bundle-start:1",
    "bundle-written:1",
    "complete:1",
    "archive:1",
]


@pytest.mark.parametrize("point", POINTS)
def test_every_customer_exactly_once_whatever_the_crash(office, server, point, tmp_path):
    inbox, _ = server
    child = envoyer(office, "none" if point.startswith("data") else point)
    if point.startswith("data"):
        inbox.kill_at, inbox.victim = int(point.split(":")[1]), child.pid
    child.communicate(timeout=300)
    assert child.returncode == -signal.SIGKILL, f"the kill point {point} was never reached"
    if point == "convert":
        assert not inbox.received, "the child died after the conversion, not during it"
    kill_leftovers(office)
    inbox.kill_at = 0
    resume(office, inbox)

    # The SMTP server: each email customer exactly once, with its own letter.
    assert Counter(a for m in inbox.received for a in m.rcpt_tos) == Counter(address(c) for c in EMAIL)
    for message in inbox.received:
        (recipient,) = message.rcpt_tos
        letter = next(message.message.iter_attachments()).get_content()
        text = pdf_text(letter, tmp_path)
        code = recipient.split(".")[1].split("@")[0].upper()
        assert number(code) in text and all(number(c) not in text for c in CODES if c != code)
    # The print bundles: each postal letter exactly once, whatever number of bundles the runs wrote.
    bundles = "".join(
        subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True, check=True).stdout
        for p in (office / "output").glob("courriers_*.pdf")
    )
    found = {code: len(re.findall(rf"\b{number(code)}\b", bundles)) for code in BOTH | POST}
    assert found == dict.fromkeys(BOTH | POST, 1)
    # The journal says the same: one reminder per customer, every channel sent; the proposal archived.
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        rows = journal.reminders()
    assert sorted(row.customer_code for row in rows if row.status != "cancelled") == CODES
    assert {(part.part, part.status) for row in rows for part in row.parts if row.status != "cancelled"} <= {
        ("email", "sent"), ("courrier", "sent"),
    }  # fmt: skip
    assert not (office / "output" / "proposition_2026-11-23.xlsx").exists()
    shutil.rmtree(office.parent / "tmp", ignore_errors=True)
