"""Runs nobody watches: the weekly --planifie run, the lock, the log file, pythonw's missing streams."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from email import policy
from email.parser import BytesParser

import pytest

from app.lock import RunLock
from tests.app.conftest import EMAILS, ROOT, run, validate
from tests.workbook.excel import set_cells


def notify_env(office, port: int, password: str = "") -> None:
    login = f"SMTP_USER=moi\nSMTP_PASSWORD='{password}'\n" if password else "SMTP_USER=\n"
    (office / ".env").write_text(
        f"SMTP_HOST=127.0.0.1\nSMTP_PORT={port}\nSMTP_SECURITY=aucune\n{login}"
        "MAIL_FROM=compta@atelier.example\nNOTIFY_EMAIL=expert@cabinet.example\n",
        encoding="utf-8",
    )


def port_of(office) -> int:
    text = (office / ".env").read_text()
    return int(text.split("SMTP_PORT=")[1].split()[0])


def test_scheduled_run_sends_a_validated_proposal_without_asking(office, smtp):
    inbox = smtp()
    code, out, err = run(office, "--planifie")
    assert code == 0, err
    assert {a for m in inbox.received for a in m.rcpt_tos} == EMAILS
    assert "Proposition archivée" in out


def test_a_scheduled_send_that_leaves_a_reminder_behind_tells_the_accountant(office, smtp):
    """Nobody watches the weekly run: a refused address (or an uncertain email) would otherwise stall
    the lot, week after week, in silence."""
    inbox = smtp(refuse_rcpt={"compta@martin.example": "550 5.1.1 Boîte inconnue"})
    notify_env(office, port_of(office))
    code, out, err = run(office, "--planifie")
    assert code == 3, out + err
    sent = {a for m in inbox.received for a in m.rcpt_tos}
    assert sent == (EMAILS - {"compta@martin.example"}) | {"expert@cabinet.example"}
    (notice,) = [m.message for m in inbox.received if m.rcpt_tos == ["expert@cabinet.example"]]
    assert notice["Subject"] == "Relance : envoi incomplet du lot 2026-11-23-1 — 1 relance(s) à vérifier"
    body = notice.get_body(("plain",)).get_content()
    assert "proposition_2026-11-23.xlsx (lot 2026-11-23-1)" in body
    assert "Boulangerie Martin (C1), email compta@martin.example : " in body and "550" in body
    assert "le passage planifié le reprend au lieu de préparer une nouvelle proposition" in body
    assert "Notification envoyée à expert@cabinet.example." in out
    # What the notification says to do: « Non » for that customer; the next run completes the lot.
    proposal = office / "output" / "proposition_2026-11-23.xlsx"
    set_cells(proposal, "Clients", "À relancer", {"C1": "Non"})
    code, out, err = run(office, "--planifie")
    assert code == 0, out + err
    assert not proposal.exists() and "Proposition archivée" in out
    assert len(inbox.received) == len(sent)  # nothing more left


def test_without_notify_email_an_incomplete_scheduled_send_says_nobody_was_told(office, smtp):
    smtp(refuse_rcpt={"compta@martin.example": "550 5.1.1 Boîte inconnue"})
    code, out, _ = run(office, "--planifie")
    assert code == 3
    assert "Pas de NOTIFY_EMAIL dans .env : personne n'a été prévenu de cet envoi incomplet." in out


def test_scheduled_run_prepares_and_notifies_the_accountant(office, smtp, tmp_path):
    inbox = smtp()
    notify_env(office, port_of(office))
    (office / "output" / "proposition_2026-11-23.xlsx").unlink()
    assert run(office, "preparer", "-q", day="2026-11-16")[0] == 0  # last week's, never validated
    code, out, err = run(office, "--planifie")
    assert code == 0, err
    # the old proposal is superseded, never sent
    assert (office / "output" / "archives" / "proposition_2026-11-16_remplacee.xlsx").exists()
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()
    (message,) = [m.message for m in inbox.received]
    assert message["To"] == "expert@cabinet.example"
    assert message["Subject"] == "Relance : proposition du 23/11/2026 à valider — 4 client(s), 9 660,50 €"
    body = message.get_body(("plain",)).get_content()
    assert "Clients à relancer : 4, pour 5 facture(s) et 9 660,50 €." in body
    assert "Boulangerie Martin (C1) : 1 500,50 €, niveau 1" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "proposition_2026-11-23.xlsx"
    assert attachment.get_content()[:2] == b"PK"  # the workbook itself
    assert "Notification envoyée à expert@cabinet.example." in out
    # a second run the same day does nothing, sends nothing
    assert run(office, "--planifie")[:2] == (
        0,
        "La proposition du jour output/proposition_2026-11-23.xlsx attend déjà sa validation : "
        "rien à faire.\n",
    )
    assert len(inbox.received) == 1


def test_scheduled_run_without_smtp_writes_the_notification_with_a_named_sender(office):
    """MAIL_FROM written « Nom <adresse> » and no SMTP_HOST: the notification is an .eml, not a crash."""
    (office / ".env").write_text(
        'MAIL_FROM="Service comptabilité <compta@atelier.example>"\nNOTIFY_EMAIL=expert@cabinet.example\n',
        encoding="utf-8",
    )
    (office / "output" / "proposition_2026-11-23.xlsx").unlink()
    code, out, err = run(office, "--planifie")
    assert code == 0, err
    assert "Pas de serveur SMTP dans .env : notification écrite dans output/notification_2026-11-23" in out
    data = (office / "output" / "notification_2026-11-23.eml").read_bytes()
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert (message["From"].addresses[0].display_name, message["From"].addresses[0].addr_spec) == (
        "Service comptabilité",
        "compta@atelier.example",
    )


def test_a_second_run_is_refused_while_one_holds_the_lock(office):
    with RunLock(office / "output", "envoyer", datetime(2026, 11, 23, 8, 3)):
        code, out, err = run(office, "preparer")
    assert (code, out) == (5, "")
    assert err.startswith("Erreur : Relance est déjà en cours depuis 08:03 (lancé par ")
    assert "commande « envoyer »" in err
    assert run(office, "preparer", "-q")[0] == 0  # released: the next run goes


def test_two_real_processes_one_is_refused(office):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; sys.path.insert(0, sys.argv[1]);"
         "from datetime import datetime; from pathlib import Path; from app.lock import RunLock;"
         "lock = RunLock(Path(sys.argv[2]), 'envoyer', datetime.now()); lock.acquire();"
         "print('ok', flush=True); time.sleep(60)", str(ROOT), str(office / "output")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        child = subprocess.run(
            [sys.executable, str(ROOT / "relance.py"), "preparer", "--dossier", str(office)],
            capture_output=True, text=True, encoding="utf-8", timeout=120,
        )  # fmt: skip
        assert child.returncode == 5 and "Relance est déjà en cours" in child.stderr
    finally:
        holder.kill()
        holder.wait()
    # the holder died without releasing: its lock is stale and taken over
    assert run(office, "preparer", "-q")[0] == 0


def test_log_file_has_each_step_and_never_the_password(office, smtp):
    from tests.mail.mail_servers import Logins  # noqa: F401 — the server below checks the login

    inbox = smtp(login=("moi", "s3cr3t-$mot#passe"))
    notify_env(office, port_of(office), password="s3cr3t-$mot#passe")
    code, _, err = run(office, "envoyer", "--oui", "-v")
    assert code == 0, err
    assert len(inbox.received) == 3
    log = (office / "output" / "logs" / "relance.log").read_text(encoding="utf-8")
    assert "s3cr3t" not in log
    assert "Relance faite (email) : Boulangerie Martin (C1), niveau 1, email" in log
    assert "Conversion de 4 lettre(s) en PDF" in log
    assert log.splitlines()[0][:19].count("-") == 2  # "2026-11-23 09:00:00 …" timestamps


def test_unexpected_error_goes_to_the_log_with_exit_4(office, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("division by zero")  # a defect of Relance, injected

    monkeypatch.setattr("app.cli.run", bug)
    code, _, err = run(office, "preparer")
    assert code == 4
    assert err == (
        "Erreur inattendue (ZeroDivisionError) : le détail est dans output/logs/relance.log ; merci de le "
        "transmettre à qui maintient Relance.\n"
    )
    log = (office / "output" / "logs" / "relance.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "ZeroDivisionError: division by zero" in log


@pytest.mark.parametrize("streams", ["sys.stdout = None", "sys.stdout = sys.stderr = None"])
def test_a_run_without_console_streams(office, streams):
    """pythonw: no console at all; the run must still do its work."""
    validate(office / "output" / "proposition_2026-11-23.xlsx", "Non")
    script = (
        f"import runpy, sys; {streams}; sys.argv = ['relance.py', 'preparer', '--dossier', {str(office)!r}];"
        f"runpy.run_path({str(ROOT / 'relance.py')!r}, run_name='__main__')"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert child.returncode == 0, child.stderr
    assert len(list((office / "output").glob("proposition_*.xlsx"))) == 2
