"""Expired quotes end to end on real parts: a devis.xlsx, the proposal edited with openpyxl, a real SMTP
server on 127.0.0.1, real LibreOffice PDFs read back with pdftotext, the SQLite journal, later runs."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from journal import read_history, read_quote_history
from models.quotes import QuoteHistory
from tests.app.conftest import ROOT, run, validate
from tests.app.test_send import pdf_text
from tests.workbook.excel import set_cells, table

# (number, customer, date, valid until, amount, status) as the quoting tool exports them
QUOTES = [
    ("D-101", "C1", date(2026, 9, 1), date(2026, 10, 31), 3600, "En attente"),
    ("D-102", "C2", date(2026, 9, 1), date(2026, 10, 1), 1200, "Accepté"),  # accepted: never followed up
    ("D-103", "C3", date(2026, 9, 15), date(2026, 11, 10), 980, None),  # no status: pending; C3 has no email
    ("D-104", "C4", date(2026, 11, 1), date(2026, 12, 31), 500, "En attente"),  # still valid
    ("D-105", "C4", date(2026, 9, 1), date(2026, 10, 1), 700, "Refusé"),
    ("D-106", "C1", date(2026, 9, 1), date(2026, 11, 1), 250, "En cours"),
]
PROPOSAL = Path("output") / "proposition_2026-11-23.xlsx"
LETTER = (
    "Nous nous permettons de revenir vers vous au sujet de notre devis n° D-101 du 01/09/2026 d'un montant "
    "de 3 600,00 €, dont la validité est arrivée à échéance le 31/10/2026."
)


def write_quotes(path: Path, rows: list[tuple]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["N° devis", "Code client", "Date devis", "Validité", "Montant TTC", "Statut"])
    for row in rows:
        sheet.append(list(row))
    book.save(path)


@pytest.fixture
def quotes_office(office: Path) -> Path:
    """The office of the command tests, with a quotes export, prepared again."""
    write_quotes(office / "input" / "devis.xlsx", QUOTES)
    (office / PROPOSAL).unlink()
    code, _, err = run(office, "preparer", "-q")
    assert code == 0, err
    return office


def prepare(office: Path, day: str) -> Path:
    code, _, err = run(office, "preparer", "-q", day=day, now=datetime.fromisoformat(f"{day} 09:00"))
    assert code == 0, err
    return office / "output" / f"proposition_{day}.xlsx"


def devis(path: Path) -> dict[str, dict]:
    return {row["N° devis"]: row for row in table(path, "Devis")}


def flat(text: str) -> str:
    return " ".join(text.split())


def by_subject(inbox) -> Counter[tuple[str, str]]:
    return Counter((m.rcpt_tos[0], m.message["Subject"]) for m in inbox.received)


def test_expired_quotes_prepared_edited_sent_journaled_and_followed_up_later(quotes_office, smtp, tmp_path):
    office = quotes_office
    proposal = office / PROPOSAL
    rows = devis(proposal)
    assert [(n, r["Client"], r["Jours échus"], r["À relancer"], r["Canal"], r["Relances déjà faites"])
            for n, r in rows.items()] == [
        ("D-101", "Boulangerie Martin", 23, "Oui", "Email", 0),
        ("D-106", "Boulangerie Martin", 22, "Oui", "Email", 0),
        ("D-103", "Dupont & Fils <SARL>", 13, "Oui", "Courrier", 0),
    ]  # fmt: skip
    set_cells(proposal, "Devis", "À relancer", {"D-106": "Non"})
    set_cells(proposal, "Devis", "Message", {"D-101": "Nous pouvons démarrer le chantier dès janvier."})
    validate(proposal)
    inbox = smtp()
    code, out, err = run(office, "envoyer", "--oui")
    assert code == 0, out + err
    assert (
        "À envoyer : 6 relance(s), dont 2 relance(s) de devis — 4 email(s) par email (127.0.0.1), "
        "2 courrier(s), 0 appel(s) — 9 660,50 € au total dû"
    ) in out
    # the quote follow-up is a letter of its own, never mixed into C1's payment reminder
    subject = "Notre devis n° D-101 du 01/09/2026 — Menuiserie Lefèvre SARL"
    assert by_subject(inbox)[("compta@martin.example", subject)] == 1
    assert sum(1 for to, _ in by_subject(inbox) if to == "compta@martin.example") == 2
    (message,) = [m.message for m in inbox.received if m.message["Subject"] == subject]
    body = message.get_body(("plain",)).get_content()
    assert LETTER in flat(body) and "Nous pouvons démarrer le chantier dès janvier." in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "Devis_D-101_Menuiserie_Lefevre_SARL_2026-11-23.pdf"
    letter = flat(pdf_text(attachment.get_content(), tmp_path))
    assert LETTER in letter and "Nous pouvons démarrer le chantier dès janvier." in letter
    for word in ("Total dû", "pénalités", "Scannez", "D-106", "FA-001"):  # a courteous letter, and only it
        assert word not in letter and word not in body
    bundle = flat(pdf_text(office / "output" / "courriers_2026-11-23.pdf", tmp_path))
    assert "notre devis n° D-103 du 15/09/2026 d'un montant de 980,00 €" in bundle
    assert "FA-004" in bundle  # C3's invoice reminder, its own letter in the same bundle
    # journaled as their own kind: the invoice history is what it would have been without quotes
    journal = office / "output" / "journal.sqlite"
    assert read_quote_history(journal) == {
        ("", "D-101"): QuoteHistory(1, date(2026, 11, 23)), ("", "D-103"): QuoteHistory(1, date(2026, 11, 23))
    }
    assert {n: h.last_level for n, h in read_history(journal).items()} == dict.fromkeys(
        ["FA-001", "FA-002", "FA-003", "FA-004", "FA-005"], 1
    )
    report = (office / "output" / "archives" / "proposition_2026-11-23_lot-2026-11-23-1.txt").read_text()
    assert "C1 Boulangerie Martin : relance n° 1 du devis D-101, Email" in report
    code, out, _ = run(office, "etat")
    assert "Journal : 4 relance(s) envoyée(s) en 1 lot(s)" in out
    assert "  Relances de devis : 2 (à part des relances de factures).\n" in out

    # A week later: too early for D-101 and D-103 (intervalle_jours 15); D-106 was never sent
    assert list(devis(prepare(office, "2026-11-30"))) == ["D-106"]
    (office / "output" / "proposition_2026-11-30.xlsx").unlink()

    # 16 days later: D-101's second follow-up, its count and last date advanced
    proposal = prepare(office, "2026-12-09")
    rows = devis(proposal)
    assert list(rows) == ["D-101", "D-106", "D-103"]
    assert (rows["D-101"]["Relances déjà faites"], rows["D-101"]["Dernière relance"]) == (
        1, datetime(2026, 11, 23)
    )
    set_cells(proposal, "Devis", "À relancer", {"D-106": "Non", "D-103": "Non"})
    set_cells(proposal, "Clients", "À relancer", {code: "Non" for code in ("C1", "C2", "C3", "C4")})
    validate(proposal)
    code, out, err = run(office, "envoyer", "--oui", day="2026-12-09", now=datetime(2026, 12, 9, 10))
    assert code == 0, out + err
    second = [m.message for m in inbox.received[-1:]]
    assert second[0]["Subject"] == subject
    body = flat(second[0].get_body(("plain",)).get_content())
    assert "Nous vous en avions déjà écrit le 23/11/2026." in body
    assert read_quote_history(journal)["", "D-101"] == QuoteHistory(2, date(2026, 12, 9))

    # relances_max (2) reached: D-101 is no longer proposed; an accepted quote is no longer proposed either
    write_quotes(office / "input" / "devis.xlsx",
                 [(*row[:5], "Accepté") if row[0] == "D-103" else row for row in QUOTES])  # fmt: skip
    assert list(devis(prepare(office, "2027-01-15"))) == ["D-106", "D-104"]


def test_simulation_shows_the_quote_letter_and_records_nothing(quotes_office, tmp_path):
    validate(quotes_office / PROPOSAL)
    code, out, err = run(quotes_office, "envoyer", "--simulation")
    assert code == 0, err
    assert "dont 3 relance(s) de devis" in out
    simulation = quotes_office / "output" / "simulation"
    assert sorted(p.name for p in simulation.glob("*devis*.pdf")) == [
        "005_C1_devis-D-101.pdf", "006_C1_devis-D-106.pdf", "007_C3_devis-D-103.pdf"
    ]
    assert LETTER in flat(pdf_text(simulation / "005_C1_devis-D-101.pdf", tmp_path))
    assert read_quote_history(quotes_office / "output" / "journal.sqlite") == {}


def test_a_follow_up_that_cannot_reach_its_customer_stops_everything_with_the_cell_named(office, smtp):
    write_quotes(office / "input" / "devis.xlsx",
                 [*QUOTES, ("D-107", "C9", date(2026, 9, 1), date(2026, 10, 1), 90, None)])  # fmt: skip
    (office / PROPOSAL).unlink()
    code, _, err = run(office, "preparer", "-q")
    assert code == 0, err
    proposal = office / PROPOSAL
    rows = devis(proposal)
    assert (rows["D-107"]["À relancer"], rows["D-107"]["Canal"]) == ("Non", "Courrier")
    anomalies = [row["Message"] for row in table(proposal, "Anomalies")]
    assert ("Devis D-107 : client C9 absent du fichier clients, sans email ni adresse : proposé avec "
            "« À relancer » à Non.") in anomalies  # fmt: skip
    set_cells(proposal, "Devis", "À relancer", {"D-107": "Oui"})
    set_cells(proposal, "Devis", "Canal", {"D-103": "Email"})
    validate(proposal)
    inbox = smtp()
    code, _, err = run(office, "envoyer", "--oui")
    assert code == 1 and inbox.received == []
    assert "(2 points à corriger)" in err
    assert (
        "Devis D-103, Dupont & Fils <SARL> (Devis, ligne 5) : canal « Email » mais pas d'adresse email dans "
        "le fichier clients ; complétez-le ou choisissez le canal Courrier en Devis!K5."
    ) in err
    assert (
        "Devis D-107, C9 (Devis, ligne 2) : le client C9 est absent du fichier clients ; ajoutez-le (email "
        "ou adresse) ou mettez Non dans « À relancer »."
    ) in err


def test_a_failed_quote_email_is_retried_by_the_next_run_and_sent_once(quotes_office, smtp):
    validate(quotes_office / PROPOSAL)
    inbox = smtp(replies={4: "451 4.3.0 Réessayez plus tard"})  # the first quote email, after 3 reminders
    code, out, _ = run(quotes_office, "envoyer", "--oui")
    assert code == 3
    assert "Échec : Boulangerie Martin (C1), devis D-101 : " in out
    code, out, err = run(quotes_office, "envoyer", "--oui")
    assert code == 0, out + err
    assert "n'est plus à relancer" not in out  # D-106 left in the first run: resumed, nothing to say
    sent = by_subject(inbox)
    assert max(sent.values()) == 1
    assert sorted(s for to, s in sent if "devis" in s) == [
        "Notre devis n° D-101 du 01/09/2026 — Menuiserie Lefèvre SARL",
        "Notre devis n° D-106 du 01/09/2026 — Menuiserie Lefèvre SARL",
    ]
    assert set(read_quote_history(quotes_office / "output" / "journal.sqlite")) == {
        ("", "D-101"), ("", "D-103"), ("", "D-106")
    }


def test_without_a_quotes_file_nothing_changes(office):
    book = openpyxl.load_workbook(office / PROPOSAL)
    assert "Devis" not in book.sheetnames
    code, out, _ = run(office, "envoyer", "--oui")
    assert code == 0 and "devis" not in out


def test_the_demo_follows_up_its_three_expired_quotes(tmp_path):
    program = tmp_path / "Relance"
    shutil.copytree(ROOT / "templates_word", program / "templates_word")
    shutil.copytree(ROOT / "demo", program / "demo", ignore=shutil.ignore_patterns("output"))
    code, out, err = run(program / "demo", "preparer", day="2026-06-15", root=program)
    assert code == 0, err
    assert "  3 devis échu(s) à relancer : voir l'onglet Devis.\n" in out
    assert "5 anomalies dans les données" in out  # the quotes add none
    rows = devis(program / "demo" / "output" / "proposition_2026-06-15.xlsx")
    assert [(n, r["Code client"], r["Jours échus"], r["Canal"], r["Montant"]) for n, r in rows.items()] == [
        ("DV-2026-018", "CL0032", 45, "Email", 6840),
        ("DV-2026-024", "CL0033", 18, "Email", 2952),
        ("DV-2026-027", "CL0021", 9, "Courrier", 5160),
    ]
