"""`envoyer` never sends the wrong thing to the wrong customer: edited workbooks as Excel leaves them,
older proposals, one state per channel, bad invoice copies, full disks — against a real SMTP server."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfWriter

from journal import Journal
from tests.app.conftest import EMAILS, NOW, run, validate
from tests.conftest import libreoffice_convert
from tests.workbook.excel import set_cells, sort

PROPOSAL = "output/proposition_2026-11-23.xlsx"


def received(inbox) -> Counter[str]:
    return Counter(address for message in inbox.received for address in message.rcpt_tos)


def letter_text(message, tmp_path: Path) -> str:
    """The text of the letter attached to an email, read from the real PDF."""
    pdf = tmp_path / "lettre.pdf"
    pdf.write_bytes(next(message.message.iter_attachments()).get_content())
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def journal_rows(office: Path):
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        return {row.customer_code: row for row in journal.reminders()}


# --- rows of the workbook -----------------------------------------------------------------------


def test_a_partial_sort_stops_everything_and_a_whole_sort_sends_each_letter_to_its_customer(
    office, smtp, tmp_path
):
    inbox = smtp()
    path = office / PROPOSAL
    visible = [c.value for c in openpyxl.load_workbook(path)["Clients"][1] if c.value != "ID"]
    backup = tmp_path / "backup.xlsx"
    shutil.copy(path, backup)
    sort(path, "Clients", key=lambda row: row["Client"], columns=visible)  # the hidden ID stays behind
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and inbox.received == []
    assert "ne peut pas être envoyée, rien n'est parti" in err
    assert "le code client affiché" in err and "Triez ou filtrez toujours toutes les colonnes ensemble" in err
    shutil.copy(backup, path)
    sort(path, "Clients", key=lambda row: row["Client"])  # all the columns: fine
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert received(inbox) == Counter(EMAILS)
    own = {
        "compta@martin.example": "FA-001",
        "compta@sgee.example": "FA-003",
        "garage@lemoine.example": "FA-005",
    }
    for message in inbox.received:
        text = letter_text(message, tmp_path)
        assert own[message.rcpt_tos[0]] in text
        assert all(number not in text for address, number in own.items() if address != message.rcpt_tos[0])


def test_an_email_column_sorted_alone_stops_everything(office, smtp):
    inbox = smtp()
    sort(office / PROPOSAL, "Clients", key=lambda row: str(row["Email"] or ""), columns=["Email"])
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and inbox.received == []
    assert "la colonne Email a été triée ou déplacée à part des autres" in err


def test_every_problem_of_the_workbook_is_told_at_once(office, smtp):
    inbox = smtp()
    path = office / PROPOSAL
    set_cells(path, "Clients", "Niveau", {"C1": 7})
    set_cells(path, "Clients", "Canal", {"C2": "Fax"})
    set_cells(path, "Clients", "Message", {"C4": "=1+2"})
    set_cells(path, "Factures", "Inclure", {"FA-004": "bof"})
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and inbox.received == []
    assert "(4 points à corriger)" in err
    for what in (
        "Niveau inconnu",
        "Canal inconnu",
        "(« Message ») : une formule (« =1+2 »)",
        "(« Inclure »)",
    ):
        assert what in err, what


# --- only the newest proposal ---------------------------------------------------------------------


def test_a_proposal_prepared_before_the_last_lot_is_refused(office, smtp):
    inbox = smtp()
    older = office / "output" / "proposition_2026-11-16.xlsx"
    code, _, _ = run(office, "preparer", "-q", day="2026-11-16", now=NOW - timedelta(days=7))
    assert code == 0
    validate(older)
    # the newest (23/11) goes first, an hour after it was prepared
    assert run(office, "envoyer", "--oui", now=NOW + timedelta(hours=1))[0] == 0
    sent = len(inbox.received)
    code, _, err = run(office, "envoyer", "--oui", now=NOW + timedelta(hours=2))
    assert code == 1 and len(inbox.received) == sent
    assert (
        "avant l'envoi du lot 2026-11-23-1" in err and "enverrait les mêmes relances une seconde fois" in err
    )


def test_an_older_validated_proposal_is_refused_naming_the_newer_one(office, smtp):
    inbox = smtp()
    first = office / PROPOSAL
    code, _, _ = run(office, "preparer", "-q", now=NOW + timedelta(hours=1))  # _2.xlsx, not validated
    assert code == 0
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and inbox.received == []
    assert err == (
        f"Erreur : La proposition validée output/{first.name} est plus ancienne que "
        "output/proposition_2026-11-23_2.xlsx : seule la plus récente peut être envoyée ; validez "
        "proposition_2026-11-23_2.xlsx (ou supprimez-la pour revenir à l'autre).\n"
    )


def test_the_scheduled_run_archives_an_older_validated_proposal_and_says_so(office, smtp):
    inbox = smtp()
    (office / ".env").write_text((office / ".env").read_text() + "NOTIFY_EMAIL=expert@cabinet.example\n")
    assert run(office, "preparer", "-q", day="2026-11-22", now=NOW + timedelta(hours=1))[0] == 0
    out = run(office, "--planifie", day="2026-11-30", now=NOW + timedelta(days=7))[1]
    assert "Proposition remplacée : proposition_2026-11-23.xlsx (validée mais plus ancienne" in out
    assert not (office / PROPOSAL).exists()
    (notification,) = [m for m in inbox.received if m.rcpt_tos == ["expert@cabinet.example"]]
    body = notification.message.get_body(("plain",)).get_content()
    assert "Propositions remplacées, jamais envoyées" in body and "proposition_2026-11-23.xlsx" in body
    assert received(inbox) == Counter({"expert@cabinet.example": 1})  # no reminder sent from an old one


def test_a_proposal_saved_as_ods_is_refused_with_how_to_save_it(office):
    (office / "output" / "proposition_2026-11-23.ods").write_bytes(b"PK\x03\x04")
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1
    assert "est enregistrée au format .ods : Relance ne lit que le format .xlsx" in err


def test_a_proposal_validated_under_another_name_is_said_and_a_backup_copy_is_not(office, smtp):
    """Explorer's « Copie », Excel's « Enregistrer sous » with another name: the accountant's « Oui » may
    be in a file Relance does not read. Edited after the original: refused, naming both; older than
    it (a backup made first): ignored; a copy of a proposal already sent: ignored."""
    inbox = smtp()
    output = office / "output"
    original = output / "proposition_2026-11-23.xlsx"
    copy = output / "proposition_2026-11-23 - Copie.xlsx"
    shutil.copy(original, copy)
    (output / ".proposition_2026-11-23.en-cours.xlsx").write_bytes(b"")  # left by a crash: not a copy
    os.utime(original, (time.time() - 60, time.time() - 60))  # the copy was saved after the original
    status = run(office, "etat")[1]
    assert "Fichier output/proposition_2026-11-23 - Copie.xlsx : une copie de proposition" in status
    for args in (("envoyer", "--oui"), ()):  # the command and the double click
        code, _, err = run(office, *args)
        assert code == 1 and not inbox.received
        assert err == (
            "Erreur : Le fichier output/proposition_2026-11-23 - Copie.xlsx est une proposition enregistrée "
            "sous un autre nom : Relance ne lit que proposition_2026-11-23.xlsx. Si c'est la version que "
            "vous avez modifiée, fermez-la et renommez-la proposition_2026-11-23.xlsx (à la place de "
            "l'ancienne) ; sinon, supprimez-la.\n"
        )
    os.utime(copy, (time.time() - 120, time.time() - 120))  # a backup, older than the original
    assert run(office, "envoyer", "--oui")[0] == 0 and received(inbox) == Counter(EMAILS)
    os.utime(copy, None)  # the original is sent and archived: its copy is only a backup now
    assert run(office, "envoyer", "--oui")[0] == 0 and received(inbox) == Counter(EMAILS)


def test_a_proposal_open_in_libreoffice_is_not_read(office):
    (office / "output" / ".~lock.proposition_2026-11-23.xlsx#").write_text("x")
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and "est ouverte dans Excel ou LibreOffice" in err


# --- one state per channel --------------------------------------------------------------------------


def test_a_bundle_that_cannot_be_written_leaves_the_emails_sent_and_the_rerun_prints_only(
    office, smtp, monkeypatch
):
    inbox = smtp()
    set_cells(office / PROPOSAL, "Clients", "Canal", {"C1": "Email + courrier"})
    import app.deliver

    real = app.deliver.merge_pdfs

    def full_disk(parts, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(app.deliver, "merge_pdfs", full_disk)
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 1
    assert "Disque plein : libérez de la place dans output, puis relancez" in err
    assert received(inbox) == Counter(EMAILS)
    rows = journal_rows(office)
    assert [(p.part, p.status) for p in rows["C1"].parts] == [("email", "sent"), ("courrier", "failed")]
    monkeypatch.setattr(app.deliver, "merge_pdfs", real)
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert received(inbox) == Counter(EMAILS)  # nobody got a second email
    assert "Courriers à imprimer et poster : output/courriers_2026-11-23.pdf" in out
    assert {p.status for row in journal_rows(office).values() for p in row.parts} == {"sent"}


def test_an_unreadable_invoice_copy_fails_its_reminder_alone_and_a_rerun_completes_it(office, smtp, tmp_path):
    inbox = smtp()
    copies = office / "input" / "factures_pdf"
    copies.mkdir()
    (copies / "FA-004.pdf").write_bytes(b"%PDF-1.4 this is not a pdf")  # C3, by post
    code, out, _ = run(office, "envoyer", "--oui")
    assert code == 3
    assert (
        "Échec : Dupont & Fils <SARL> (C3) : la copie de facture input/factures_pdf/FA-004.pdf ne s'ouvre pas"
        in out
    )
    assert received(inbox) == Counter(EMAILS)
    assert not (office / "output" / "courriers_2026-11-23.pdf").exists()
    text = tmp_path / "copie.txt"
    text.write_text("Copie de la facture FA-004", encoding="utf-8")
    good = libreoffice_convert(text, tmp_path, "pdf", tmp_path / "profile")
    shutil.copy(good, copies / "FA-004.pdf")
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, out + err
    assert received(inbox) == Counter(EMAILS)
    assert "Courriers à imprimer et poster" in out
    assert run(office, "envoyer", "--oui")[0] == 0  # then nothing is left: no « rien de nouveau » loop


def test_an_address_corrected_after_a_refusal_is_the_one_journaled(office, smtp):
    inbox = smtp(refuse_rcpt={"compta@sgee.example": "550 5.1.1 Utilisateur inconnu"})
    code, out, _ = run(office, "envoyer", "--oui")
    assert code == 3 and "550 5.1.1" in out
    set_cells(office / PROPOSAL, "Clients", "Email", {"C2": "direction@sgee.example"})
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert received(inbox)["direction@sgee.example"] == 1
    email = journal_rows(office)["C2"].part("email")
    assert (email.status, email.recipient) == ("sent", "direction@sgee.example")
    assert any(name.endswith(".pdf") for name in email.files)


# --- files, templates, disks ------------------------------------------------------------------------


def test_an_invoice_number_never_reaches_a_file_outside_its_folder(office, smtp):
    inbox = smtp()
    invoices = office / "input" / "factures.csv"
    invoices.write_text(
        invoices.read_text(encoding="cp1252").replace("FA-001;", "../../secret;"), encoding="cp1252"
    )
    (office / "input" / "factures_pdf").mkdir()
    secret = PdfWriter()
    secret.add_blank_page(200, 200)
    with (office / "secret.pdf").open("wb") as stream:  # a valid PDF, two folders up from the copies
        secret.write(stream)
    assert run(office, "preparer", "-q")[0] == 0
    validate(office / "output" / "proposition_2026-11-23_2.xlsx")
    (office / PROPOSAL).unlink()
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    message = {m.rcpt_tos[0]: m.message for m in inbox.received}["compta@martin.example"]
    assert len(list(message.iter_attachments())) == 1  # the letter only


def test_a_template_that_cannot_be_filled_stops_before_anything(office, smtp):
    inbox = smtp()
    email = office / "templates_word" / "relance_1.email.txt"
    email.write_text(email.read_text(encoding="utf-8").replace("{{ total_du }}", "{{ total_du + 40 }}", 1))
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and inbox.received == []
    assert "Le modèle templates_word/relance_1.email.txt ne peut pas être rempli" in err


def test_writing_the_emails_on_a_full_disk_says_so_and_nothing_is_half_recorded(office, monkeypatch):
    import app.deliver

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.deliver, "write_eml", full_disk)
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1
    assert err.splitlines()[-1] == (
        "Erreur : Disque plein : libérez de la place dans output/lots/2026-11-23-1, puis relancez ; rien n'a "
        "été écrit à moitié."
    )
    monkeypatch.undo()
    assert run(office, "envoyer", "--oui")[0] == 0
    assert all(row.status == "sent" for row in journal_rows(office).values())


def test_preparing_on_a_full_disk_says_so(office, monkeypatch):
    import xlsxwriter.workbook

    def full_disk(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full_disk)
    code, _, err = run(office, "preparer")
    assert code == 1 and "Disque plein : libérez de la place dans" in err
    assert sorted(p.name for p in (office / "output").glob("proposition_*")) == [
        "proposition_2026-11-23.xlsx"
    ]


def test_a_real_full_disk_while_sending(office, tmp_path):
    """output/ on a small tmpfs filled up: one sentence, then a rerun once there is room sends the rest."""
    mount = tmp_path / "petit-disque"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(mount)]).returncode:
        pytest.skip("mounting a tmpfs needs root (the injected-error tests above cover the same paths)")
    try:
        shutil.copytree(office / "output", mount / "output")
        shutil.rmtree(office / "output")
        (office / "output").symlink_to(mount / "output")
        filler = mount / "output" / "remplissage"
        free = shutil.disk_usage(mount).free
        filler.write_bytes(b"\0" * (free - 60_000))
        code, _, err = run(office, "envoyer", "--oui")
        assert code == 1
        assert "Disque plein : libérez de la place dans " in err
        filler.unlink()
        code, out, err = run(office, "envoyer", "--oui")
        assert code == 0, out + err
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


# --- prepare and send agree on addresses ----------------------------------------------------------


def test_an_address_sending_would_refuse_is_an_anomaly_and_that_customer_goes_by_post(tmp_path, smtp, office):
    inbox = smtp()
    clients = office / "input" / "clients.csv"
    clients.write_text(
        clients.read_text(encoding="utf-8").replace("compta@sgee.example", "andré@sgee.example")
    )
    assert run(office, "preparer", "-q")[0] == 0
    newer = office / "output" / "proposition_2026-11-23_2.xlsx"
    anomalies = [
        row[4] for row in openpyxl.load_workbook(newer)["Anomalies"].iter_rows(min_row=2, values_only=True)
    ]
    assert any("Adresse email que l'envoi refuserait" in str(text) for text in anomalies)
    validate(newer)
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert "andré@sgee.example" not in received(inbox) and "compta@sgee.example" not in received(inbox)
    assert journal_rows(office)["C2"].channel == "courrier"
