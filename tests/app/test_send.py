"""`envoyer` against real parts: LibreOffice, pdftotext, an SMTP server on 127.0.0.1, the SQLite journal."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from journal import Journal, read_history
from tests.app.conftest import EMAILS, ROOT, run, validate
from tests.conftest import libreoffice_convert
from tests.workbook.excel import set_cells, table


def pdf_text(data: bytes | Path, tmp_path: Path) -> str:
    path = data if isinstance(data, Path) else tmp_path / "piece.pdf"
    if not isinstance(data, Path):
        path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def recipients(inbox) -> Counter[str]:
    return Counter(address for message in inbox.received for address in message.rcpt_tos)


def test_without_smtp_emails_become_eml_files_and_letters_a_bundle(office, tmp_path):
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    lots = office / "output" / "lots" / "2026-11-23-1"
    assert sorted(p.suffix for p in lots.iterdir()) == [".docx"] * 4 + [".eml"] * 3 + [".pdf"] * 4
    assert "3 email(s) écrit(s) en fichiers .eml dans output/lots/2026-11-23-1" in out
    assert "Courriers à imprimer et poster : output/courriers_2026-11-23.pdf" in out
    bundle = pdf_text(office / "output" / "courriers_2026-11-23.pdf", tmp_path)
    assert "Dupont & Fils <SARL>" in bundle and "FA-004" in bundle and "Boulangerie" not in bundle
    letter = pdf_text(next(lots.glob("*_C1_*.pdf")), tmp_path)
    for text in ("Boulangerie Martin", "FA-001", "FA-002", "1 500,50 €"):
        assert text in letter
    # the journal knows, the proposal is archived with its report
    history = read_history(office / "output" / "journal.sqlite")
    assert {n: h.last_level for n, h in history.items()} == dict.fromkeys(
        ["FA-001", "FA-002", "FA-003", "FA-004", "FA-005"], 1
    )
    assert not (office / "output" / "proposition_2026-11-23.xlsx").exists()
    report = (office / "output" / "archives" / "proposition_2026-11-23_lot-2026-11-23-1.txt").read_text()
    assert "C3 Dupont & Fils <SARL> : niveau 1, Courrier" in report


def test_second_envoyer_sends_nothing_and_next_preparation_escalates_later(office):
    assert run(office, "envoyer", "--oui")[0] == 0
    assert run(office, "envoyer", "--oui")[:2] == (
        0,
        "Rien à envoyer : aucune proposition en attente dans output/ (celles déjà envoyées sont dans "
        "output/archives/) ; lancez « preparer » pour en faire une.\n",
    )
    run(office, "preparer", "-q")
    proposal = office / "output" / "proposition_2026-11-23.xlsx"
    rows = {row["Code client"]: row for row in table(proposal, "Clients")}
    assert (rows["C1"]["À relancer"], rows["C1"]["Motif"], rows["C1"]["Nb relances"]) == (
        "Non",
        "Trop tôt : prochaine relance (niveau 2) possible le 07/12/2026",
        1,
    )


def test_emails_reach_a_real_smtp_server_with_the_right_letter(office, smtp, tmp_path):
    inbox = smtp()
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert recipients(inbox) == Counter(EMAILS)
    by_address = {m.rcpt_tos[0]: m.message for m in inbox.received}
    message = by_address["compta@sgee.example"]
    assert message["Subject"].startswith("Rappel amiable")
    assert str(message["From"]) == "Service comptabilité <compta@atelier.example>"
    body = message.get_body(("plain",)).get_content()
    assert "FA-003" in body
    (attachment,) = [part for part in message.iter_attachments()]
    assert attachment.get_content_type() == "application/pdf"
    text = pdf_text(attachment.get_content(), tmp_path)
    assert "Société Générale d'Équipements Élévateurs" in text and "FA-003" in text and "4 800,00 €" in text
    assert "3 email(s) envoyé(s)." in out


def test_a_temporary_failure_is_retried_by_the_next_run_and_nobody_gets_two(office, smtp):
    inbox = smtp(replies={3: "451 4.3.0 Réessayez plus tard"})
    code, out, _ = run(office, "envoyer", "--oui")
    assert code == 3
    assert "1 en échec" in out and "Échec : " in out
    assert len(inbox.received) == 2
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()  # not archived: not complete
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, out + err
    assert recipients(inbox) == Counter(EMAILS)  # each exactly once


def test_a_customer_who_paid_since_the_proposal_receives_nothing(office, smtp):
    inbox = smtp()
    payments = office / "input" / "reglements.csv"
    payments.write_text(payments.read_text() + "20/11/2026;C4;2 400,00;FA-005\n", encoding="utf-8")
    code, out, _ = run(office, "envoyer", "--oui")
    assert code == 0
    assert "garage@lemoine.example" not in recipients(inbox)
    assert "Garage Lemoine (C4) ne doit plus rien d'échu : pas de relance." in out


def killed_while_sending(office, smtp):
    """A send killed while the server held its second email: the server keeps it, the journal cannot
    know. The inbox."""
    arrived, release = threading.Event(), threading.Event()

    def hold_second_message():
        if inbox.data_count == 2:
            arrived.set()
            release.wait(30)

    inbox = smtp(on_data=hold_second_message)
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "relance.py"), "envoyer", "--oui", "--dossier", str(office),
         "--date", "2026-11-23"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert arrived.wait(120), "the second email never reached the server"
        child.kill()  # the power cut: the server may or may not keep the message
        child.wait(30)
    finally:
        release.set()
    return inbox


def test_a_run_killed_while_sending_never_sends_twice(office, smtp):
    inbox = killed_while_sending(office, smtp)
    code, out, _ = run(office, "envoyer", "--oui")
    assert code == 3  # the uncertain one is listed, not resent
    assert "Envoi incertain" in out and "--incertains-envoyes" in out
    assert max(recipients(inbox).values()) == 1
    assert set(recipients(inbox)) == EMAILS  # the held message was kept by the server
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        assert len(journal.uncertain()) == 1
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()  # the lot is not complete


def test_an_uncertain_email_found_in_the_sent_messages_counts_as_sent_without_leaving_again(office, smtp):
    inbox = killed_while_sending(office, smtp)
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        (row,) = journal.uncertain()
    code, out, err = run(office, "envoyer", "--oui", "--incertains-envoyes")
    assert code == 0, out + err
    assert "Comptés comme envoyés" in out and row.part("email").recipient in out
    assert recipients(inbox) == Counter(EMAILS)  # nothing left twice
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        assert journal.uncertain() == []
        (again,) = [r for r in journal.reminders() if r.id == row.id]
    assert again.part("email").status == "sent"
    assert not (office / "output" / "proposition_2026-11-23.xlsx").exists()  # the lot is complete: archived
    history = read_history(office / "output" / "journal.sqlite")
    assert all(history[invoice.number].last_level == 1 for invoice in row.invoices)  # it counts


def test_the_double_click_asks_what_became_of_an_uncertain_email(office, smtp):
    inbox = killed_while_sending(office, smtp)
    # later (Enter), then confirm the rest: the others leave, the uncertain one is listed once, not
    # resent, and the lot stays open
    code, out, _ = run(office, interactive=True, answer=["", "o"])
    assert code == 3 and out.count("Envoi incertain") == 1
    assert recipients(inbox) == Counter(EMAILS)
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()
    # found in the sent messages: counted as sent, nothing leaves again
    code, out, err = run(office, interactive=True, answer=["o"])
    assert code == 0, out + err
    assert "Comptés comme envoyés" in out
    assert recipients(inbox) == Counter(EMAILS)
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        assert journal.uncertain() == []
    assert not (office / "output" / "proposition_2026-11-23.xlsx").exists()


def test_an_uncertain_email_the_user_did_not_find_is_sent_again_when_asked(office, smtp):
    inbox = killed_while_sending(office, smtp)
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        (row,) = journal.uncertain()
    address = row.part("email").recipient
    code, out, err = run(office, "envoyer", interactive=True, answer=["r", "o"])  # resend, then confirm
    assert code == 0, out + err
    assert recipients(inbox) == Counter(EMAILS) + Counter([address])  # the user's choice: once more
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        assert journal.uncertain() == []


def test_both_answers_to_an_uncertain_email_at_once_are_refused(office):
    code, out, err = run(office, "envoyer", "--oui", "--renvoyer-incertains", "--incertains-envoyes")
    assert (code, out) == (1, "")
    assert "pas les deux" in err
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()


def test_not_validated_proposal(office):
    path = office / "output" / "proposition_2026-11-23.xlsx"
    validate(path, "Non")
    assert run(office, "envoyer", "--oui")[::2] == (
        1,
        "Erreur : La proposition output/proposition_2026-11-23.xlsx n'est pas validée : mettez Oui dans la "
        "cellule Synthèse!B3 (« Envoi validé ») de l'onglet Synthèse, enregistrez, fermez le fichier et "
        "relancez.\n",
    )


def test_proposal_open_in_excel(office):
    (office / "output" / "~$proposition_2026-11-23.xlsx").write_bytes(b"owner")
    code, _, err = run(office, "envoyer", "--oui")
    assert (code, err) == (
        1,
        "Erreur : La proposition output/proposition_2026-11-23.xlsx est ouverte dans Excel ou LibreOffice : "
        "fermez le fichier puis recommencez.\n",
    )


def test_without_a_terminal_it_needs_oui(office, smtp):
    inbox = smtp()
    code, _, err = run(office, "envoyer")
    assert (code, err) == (
        1,
        "Erreur : Envoi non confirmé : sans terminal, Relance ne pose pas de question ; ajoutez --oui pour "
        "envoyer.\n",
    )
    assert inbox.received == []


def test_interactive_confirmation(office, smtp):
    inbox = smtp()
    code, out, _ = run(office, "envoyer", interactive=True, answer="n")
    assert (code, inbox.received) == (0, [])
    assert (
        "À envoyer : 4 relance(s) — 3 email(s) par email (127.0.0.1), 1 courrier(s), 0 appel(s) — 9 660,50 € "
        "au total ; lettres datées du 23/11/2026.\n"
    ) in out
    assert out.endswith("Envoi abandonné : rien n'a été envoyé.\n")
    # the double-click: a validated proposal waits, so it is sent once confirmed
    code, out, _ = run(office, interactive=True, answer="o")
    assert code == 0 and recipients(inbox) == Counter(EMAILS)


def test_simulation_sends_and_records_nothing(office, smtp):
    inbox = smtp()
    code, out, err = run(office, "envoyer", "--simulation")
    assert code == 0, err
    assert (
        "Simulation (l’envoi réel ferait) : 4 relance(s) — 3 email(s) par le serveur SMTP 127.0.0.1 de .env "
        "(ici écrits en fichiers .eml), 1 courrier(s), 0 appel(s)"
    ) in out
    files = sorted(p.name for p in (office / "output" / "simulation").iterdir())
    assert len([f for f in files if f.endswith(".eml")]) == 3
    assert "courriers_2026-11-23.pdf" in files
    assert inbox.received == []
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        runs = [r.command for r in journal.runs()]
        assert (journal.lots(), journal.history(), runs) == ([], {}, ["preparer"])
    assert (office / "output" / "proposition_2026-11-23.xlsx").exists()


def test_simulation_without_smtp_says_the_emails_would_be_files(office):
    code, out, err = run(office, "envoyer", "--simulation")
    assert code == 0, err
    assert (
        "Simulation (l’envoi réel ferait) : 4 relance(s) — 3 email(s) en fichiers .eml (pas de serveur SMTP "
        "dans .env), 1 courrier(s), 0 appel(s)"
    ) in out


def test_cancel_a_lot_gives_levels_back(office):
    assert run(office, "envoyer", "--oui")[0] == 0
    code, out, err = run(office, "annuler", "2026-11-23-1")
    assert (code, err.splitlines()[-1]) == (
        1,
        "Erreur : Annulation du lot 2026-11-23-1 non confirmée : sans terminal, Relance ne pose pas de "
        "question ; ajoutez --oui pour annuler.",
    )
    code, out, _ = run(office, "annuler", "2026-11-23-1", interactive=True, answer="n")
    assert out.endswith("Annulation abandonnée : le lot reste compté.\n") and read_history(
        office / "output" / "journal.sqlite"
    )
    code, out, _ = run(office, "annuler", "2026-11-23-1", "--oui")
    assert code == 0
    assert out.startswith("Lot 2026-11-23-1 annulé : ses relances ne comptent plus")
    # the cancelled lot's bundle cannot be printed by mistake
    renamed = (
        "  output/courriers_2026-11-23.pdf renommé courriers_2026-11-23_ANNULE.pdf : ne l'imprimez pas.\n"
    )
    assert renamed in out
    assert (office / "output" / "courriers_2026-11-23_ANNULE.pdf").exists()
    assert not (office / "output" / "courriers_2026-11-23.pdf").exists()
    # the office has no SMTP server: its emails were .eml files, which the user may not have sent yet
    assert "Ces emails avaient été écrits en fichiers .eml : ne les envoyez pas s'ils ne sont pas" in out
    assert "  - Boulangerie Martin (C1) : compta@martin.example (output/lots/2026-11-23-1/" in out
    assert read_history(office / "output" / "journal.sqlite") == {}
    assert run(office, "annuler", "2026-99-99-1", "--oui")[2] == (
        "Erreur : Lot inconnu : 2026-99-99-1 (lots existants : 2026-11-23-1).\n"
    )


def test_wrong_smtp_password_stops_before_anything(office, smtp):
    inbox = smtp(login=("moi", "secret"))
    env = office / ".env"
    env.write_text(env.read_text().replace("SMTP_USER=\n", "SMTP_USER=moi\nSMTP_PASSWORD='faux'\n"))
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1
    assert err.splitlines()[-1] == (
        "Erreur : Le serveur SMTP 127.0.0.1 a refusé l'identifiant ou le mot de passe : vérifiez SMTP_USER "
        "et SMTP_PASSWORD dans .env."
    )
    assert inbox.received == [] and not (office / "output" / "lots").exists()
    # with the right password, everything leaves
    env.write_text(env.read_text().replace("'faux'", "'secret'"))
    assert run(office, "envoyer", "--oui")[0] == 0
    assert set(recipients(inbox)) == EMAILS


def test_a_proposal_resaved_by_libreoffice_is_sent(office, smtp, tmp_path, lo_profile):
    inbox = smtp()
    path = office / "output" / "proposition_2026-11-23.xlsx"
    set_cells(path, "Clients", "À relancer", {"C2": "Non"})  # unticked
    resaved = libreoffice_convert(path, tmp_path / "lo", "xlsx", lo_profile)
    path.write_bytes(resaved.read_bytes())
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert set(recipients(inbox)) == EMAILS - {"compta@sgee.example"}


@pytest.mark.parametrize("level", ["7", "Fax"])
def test_unknown_level_or_channel_stops_before_anything(office, smtp, level):
    inbox = smtp()
    path = office / "output" / "proposition_2026-11-23.xlsx"
    set_cells(path, "Clients", "Niveau" if level == "7" else "Canal", {"C1": level})
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and "cellule Clients!" in err
    assert inbox.received == []


def test_phone_channel_gives_a_call_list_and_invoice_copies_are_attached(office, smtp, tmp_path, lo_profile):
    inbox = smtp()
    path = office / "output" / "proposition_2026-11-23.xlsx"
    set_cells(path, "Clients", "Canal", {"C1": "Téléphone"})
    copies = office / "input" / "factures_pdf"
    copies.mkdir()
    for number, source in (("FA-003", "C2"), ("FA-004", "C3")):
        text = _text_file(tmp_path, f"Copie de la facture {number} ({source})")
        libreoffice_convert(text, tmp_path, "pdf", lo_profile).rename(copies / f"{number}.pdf")
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, err
    assert "Appels à passer : output/appels_2026-11-23.xlsx" in out
    calls = openpyxl.load_workbook(office / "output" / "appels_2026-11-23.xlsx")["Appels"]
    rows = list(calls.iter_rows(values_only=True))
    assert rows[1][:3] == ("C1", "Boulangerie Martin", "04 78 00 00 01") and "FA-001" in rows[1][5]
    assert "compta@martin.example" not in recipients(inbox)
    # the invoice copy follows the letter, in the email and in the bundle
    message = {m.rcpt_tos[0]: m.message for m in inbox.received}["compta@sgee.example"]
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["Relance_Menuiserie_Lefevre_SARL_2026-11-23.pdf", "Facture_FA-003.pdf"]
    assert "Copie de la facture FA-004 (C3)" in pdf_text(
        office / "output" / "courriers_2026-11-23.pdf", tmp_path
    )
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        assert {r.customer_code: (r.channel, r.status) for r in journal.reminders()}["C1"] == (
            "telephone",
            "sent",
        )


def _text_file(folder: Path, text: str) -> Path:
    path = folder / f"{abs(hash(text))}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_double_click_with_a_proposal_waiting_for_validation(office):
    validate(office / "output" / "proposition_2026-11-23.xlsx", "Non")
    code, out, _ = run(office)
    assert code == 0
    assert out == (
        "La proposition output/proposition_2026-11-23.xlsx attend votre validation : mettez Oui dans la "
        "cellule Synthèse!B3 (« Envoi validé ») de l'onglet Synthèse, enregistrez, puis relancez Relance.\n"
    )
    code, out, _ = run(office, interactive=True, answer="o")
    assert code == 0 and out.splitlines()[1] == "Proposition écrite : output/proposition_2026-11-23_2.xlsx"
