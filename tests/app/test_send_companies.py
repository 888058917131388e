"""Two companies in one export ([[societes]]), from `preparer` to the second letter, on real parts: the
exports of tests/data/societes, LibreOffice, pdftotext, an SMTP server on 127.0.0.1, the SQLite journal.

C1 is a customer of both companies, and both have an invoice FA-001: two customers, two sequences."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from pypdf import PdfWriter

from journal import Journal, read_quote_history
from models.quotes import QuoteHistory
from tests.app.conftest import run, validate
from tests.app.test_send import pdf_text
from tests.conftest import ROOT
from tests.letters.test_letters_payment import images, png
from tests.mail.mail_servers import Inbox, free_port
from tests.workbook.excel import set_cells, table

DATA = ROOT / "tests" / "data" / "societes"
LYON_IBAN, PARIS_IBAN = "FR32 1027 8073 0000 0201 8470 184", "FR14 2004 1010 0505 0001 3M02 606"
LOGO = (300, 100)  # pixels of LYON's own logo
NAMES = {"LYON": "Menuiserie Lefèvre Lyon SARL", "PARIS": "Menuiserie Lefèvre Paris SAS"}

COMPANIES = f"""
[[societes]]
code = "LYON"
nom = "Menuiserie Lefèvre Lyon SARL"
adresse = ["3 rue Neuve"]
code_postal = "69002"
ville = "Lyon"
iban = "{LYON_IBAN}"
signataire = "Camille Martin"
forme_juridique = "SARL"
rcs = "Lyon 812 345 678"
email_expediteur = "compta@lyon.example"
logo = "logos/lyon.png"

[[societes]]
code = "PARIS"
nom = "Menuiserie Lefèvre Paris SAS"
adresse = ["10 rue de Rivoli"]
code_postal = "75004"
ville = "Paris"
iban = "{PARIS_IBAN}"
signataire = "Jean Durand"
forme_juridique = "SAS"
rcs = "Paris 901 234 567"
nom_expediteur = "Comptabilité Paris"
"""


@pytest.fixture
def group(tmp_path: Path, closed_url: str) -> Iterator[tuple[Path, Inbox]]:
    """A group's folder: the two-company exports, the shipped settings with two [[societes]] blocks (and
    the shipped, empty [societe]), LYON's logo, and a real SMTP server written into .env."""
    folder = tmp_path / "groupe"
    (folder / "input").mkdir(parents=True)
    shutil.copyfile(DATA / "factures_societes.xlsx", folder / "input" / "factures.xlsx")
    shutil.copyfile(DATA / "reglements_societes.csv", folder / "input" / "reglements.csv")
    shutil.copyfile(DATA / "clients_societes.csv", folder / "input" / "clients.csv")
    shutil.copytree(ROOT / "templates_word", folder / "templates_word")
    (folder / "logos").mkdir()
    (folder / "logos" / "lyon.png").write_bytes(png(*LOGO))
    settings = (ROOT / "relance.toml").read_text(encoding="utf-8")
    settings = settings.replace("[penalites]\n", f'[penalites]\nsource_bce = "{closed_url}"\n', 1)
    (folder / "relance.toml").write_text(settings + COMPANIES, encoding="utf-8")
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, server_hostname="localhost")
    controller.start()
    (folder / ".env").write_text(
        f"SMTP_HOST=127.0.0.1\nSMTP_PORT={port}\nSMTP_SECURITY=aucune\nSMTP_USER=\n"
        "MAIL_FROM=compta@groupe.example\nMAIL_FROM_NAME=Service comptabilité\n",
        encoding="utf-8",
    )
    yield folder, inbox
    controller.stop()


def clients(path: Path) -> dict[tuple[str, str], dict]:
    return {(row["Société"], row["Code client"]): row for row in table(path, "Clients")}


def test_two_companies_two_letterheads_two_bundles_two_sequences(group, tmp_path):
    folder, inbox = group
    code, out, err = run(folder, "preparer")
    assert code == 0, err
    assert "  Par société : LYON 2, PARIS 2\n" in out
    proposal = folder / "output" / "proposition_2026-11-23.xlsx"
    rows = clients(proposal)
    assert list(rows) == [("LYON", "C1"), ("LYON", "C3"), ("PARIS", "C2"), ("PARIS", "C4"), ("PARIS", "C1")]
    # C1 of LYON owes FA-001 less the 200 it paid on it; C1 of PARIS owes its own FA-001, 3 days late
    # (its 300 paid FA-009, PARIS's oldest, never LYON's FA-001 of the same due date).
    lyon, paris = rows["LYON", "C1"], rows["PARIS", "C1"]
    assert (lyon["Client"], lyon["Total échu"], lyon["À relancer"]) == ("Boulangerie Martin", 1000, "Oui")
    assert (paris["Client"], paris["Total échu"], paris["Motif"]) == (
        "Boulangerie Martin Paris", 500, "Trop tôt : prochaine relance (niveau 1) possible le 27/11/2026",
    )  # fmt: skip
    assert rows["LYON", "C3"]["Total échu"] == 800  # its credit note nets LYON's invoice only
    assert rows["PARIS", "C2"]["Client"] == "Garage Lemoine"  # a customer of every company
    invoices = [(r["Société"], r["N° facture"], r["Reste dû"]) for r in table(proposal, "Factures")]
    assert ("LYON", "FA-001", 1000) in invoices and ("PARIS", "FA-001", 500) in invoices
    assert ("PARIS", "FA-009", 300) not in invoices

    validate(proposal)
    code, out, err = run(folder, "envoyer", "--oui")
    assert code == 0, out + err
    assert "Courriers à imprimer et poster : output/courriers_LYON_2026-11-23.pdf" in out
    assert "Courriers à imprimer et poster : output/courriers_PARIS_2026-11-23.pdf" in out

    # Each company's email comes from its sender, with its own letter attached.
    by_address = {m.rcpt_tos[0]: m.message for m in inbox.received}
    assert set(by_address) == {"compta@martin.example", "etoile@cafe.example"}
    lyon_mail, paris_mail = by_address["compta@martin.example"], by_address["etoile@cafe.example"]
    assert str(lyon_mail["From"]) == "Service comptabilité <compta@lyon.example>"
    assert str(paris_mail["From"]) == "Comptabilité Paris <compta@groupe.example>"
    for message, own, other in ((lyon_mail, "LYON", "PARIS"), (paris_mail, "PARIS", "LYON")):
        (attachment,) = message.iter_attachments()
        assert attachment.get_filename().startswith(f"Relance_Menuiserie_Lefevre_{own.title()}_")
        letter = pdf_text(attachment.get_content(), tmp_path)
        assert_company(letter, own, other)

    # One bundle per company: each company's letters, letterhead and account only.
    output = folder / "output"
    lyon_bundle = pdf_text(output / "courriers_LYON_2026-11-23.pdf", tmp_path)
    paris_bundle = pdf_text(output / "courriers_PARIS_2026-11-23.pdf", tmp_path)
    assert "Dupont & Fils" in lyon_bundle and "Garage Lemoine" not in lyon_bundle
    assert "Garage Lemoine" in paris_bundle and "Dupont & Fils" not in paris_bundle
    assert_company(lyon_bundle, "LYON", "PARIS")
    assert_company(paris_bundle, "PARIS", "LYON")
    assert (1, *LOGO) in images(output / "courriers_LYON_2026-11-23.pdf")  # LYON's own logo
    assert all((w, h) != LOGO for _, w, h in images(output / "courriers_PARIS_2026-11-23.pdf"))

    # The journal knows each reminder's company.
    with Journal.open(output / "journal.sqlite") as journal:
        sent = {(row.company, row.customer_code): row.level for row in journal.reminders()}
    assert sent == {("LYON", "C1"): 1, ("LYON", "C3"): 1, ("PARIS", "C2"): 1, ("PARIS", "C4"): 1}
    report = next((output / "archives").glob("*.txt")).read_text(encoding="utf-8")
    assert "LYON C1 Boulangerie Martin : niveau 1, Email" in report

    # Two weeks later each (company, customer) moves on its own: LYON's C1 to level 2, PARIS's C1, never
    # reminded, to level 1 (LYON's letter listed an FA-001 too, but not PARIS's).
    code, _, err = run(folder, "preparer", "-q", day="2026-12-07", now=datetime(2026, 12, 7, 9, 0))
    assert code == 0, err
    rows = clients(output / "proposition_2026-12-07.xlsx")
    assert {key: (row["À relancer"], row["Niveau"]) for key, row in rows.items()} == {
        ("LYON", "C1"): ("Oui", 2), ("LYON", "C3"): ("Oui", 2),
        ("PARIS", "C1"): ("Oui", 1), ("PARIS", "C2"): ("Oui", 2), ("PARIS", "C4"): ("Oui", 2),
    }  # fmt: skip
    assert (rows["LYON", "C1"]["Nb relances"], rows["PARIS", "C1"]["Nb relances"]) == (1, None)


def assert_company(text: str, own: str, other: str) -> None:
    """A letter (or a bundle) of `own`: its name and IBAN, never the other company's."""
    ibans = {"LYON": LYON_IBAN, "PARIS": PARIS_IBAN}
    flat = " ".join(text.split())
    assert NAMES[own] in flat and ibans[own] in flat
    assert NAMES[other] not in flat and ibans[other] not in flat


def test_a_wrong_iban_of_one_company_stops_the_lot_and_names_it(group):
    folder, inbox = group
    settings = folder / "relance.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(PARIS_IBAN, PARIS_IBAN[:-1] + "7"),
                        encoding="utf-8")  # fmt: skip
    assert run(folder, "preparer", "-q")[0] == 0
    validate(folder / "output" / "proposition_2026-11-23.xlsx")
    code, _, err = run(folder, "envoyer", "--oui")
    assert code == 1
    assert (
        "La clé iban de la société PARIS ([[societes]]) de relance.toml ne va pas "
        f"(« {PARIS_IBAN[:-1]}7 ») : cet IBAN n'est pas valide (sa clé de contrôle est fausse) : vérifiez-le "
        "sur un RIB ; corrigez-la avant d'envoyer." in err
    )
    assert inbox.received == []


def test_a_row_naming_no_company_stops_the_preparation(group):
    folder, _ = group
    payments = folder / "input" / "reglements.csv"
    payments.write_text(payments.read_text(encoding="utf-8") + "20/11/2026;C4;50,00;;MARSEILLE\r\n",
                        encoding="utf-8")  # fmt: skip
    (folder / "input" / "devis.csv").write_text(
        "N° devis;Code client;Société;Date;Validité;Montant\nD-1;C1;LYON;01/09/2026;01/10/2026;10\n"
        "D-2;C1;;01/09/2026;01/10/2026;10\n", encoding="utf-8"
    )
    code, _, err = run(folder, "preparer")
    assert code == 1
    assert "rien n'est préparé (2 points à corriger)" in err  # the quotes' told with the exports'
    assert (
        "reglements.csv, ligne 5, colonne « Société » : « MARSEILLE » n'est le code d'aucune société de "
        "relance.toml (LYON, PARIS)" in err
    )
    assert "devis.csv, ligne 3, colonne « Société » : vide ; chaque ligne dit sa société (LYON, PARIS)" in err
    assert not (folder / "output" / "proposition_2026-11-23.xlsx").exists()


def test_simulation_status_and_cancel_with_per_company_files(group):
    folder, inbox = group
    assert run(folder, "preparer", "-q")[0] == 0
    validate(folder / "output" / "proposition_2026-11-23.xlsx")
    code, out, err = run(folder, "envoyer", "--simulation")
    assert code == 0, err
    simulation = folder / "output" / "simulation"
    assert {p.name for p in simulation.glob("courriers_*")} == {
        "courriers_LYON_2026-11-23.pdf", "courriers_PARIS_2026-11-23.pdf",
    }  # fmt: skip
    senders = {
        p.name: str(BytesParser(policy=policy.default).parsebytes(p.read_bytes())["From"])
        for p in simulation.glob("*.eml")
    }
    assert senders == {
        "001_LYON_C1_niveau-1.eml": "Service comptabilité <compta@lyon.example>",
        "004_PARIS_C4_niveau-1.eml": "Comptabilité Paris <compta@groupe.example>",
    }
    assert inbox.received == []
    with Journal.open(folder / "output" / "journal.sqlite") as journal:
        assert journal.lots() == []

    assert run(folder, "envoyer", "--oui")[0] == 0
    code, out, _ = run(folder, "etat")
    assert code == 0 and "2026-11-23-1" in out
    code, out, _ = run(folder, "annuler", "2026-11-23-1", "--oui")
    assert code == 0
    for company in ("LYON", "PARIS"):
        assert (
            f"  output/courriers_{company}_2026-11-23.pdf renommé "
            f"courriers_{company}_2026-11-23_ANNULE.pdf : ne l'imprimez pas.\n"
        ) in out
    assert "  - Boulangerie Martin (LYON C1) : compta@martin.example\n" in out
    rows = clients(_prepared(folder))
    assert (rows["LYON", "C1"]["Niveau"], rows["LYON", "C1"]["Nb relances"]) == (1, None)


def _prepared(folder: Path) -> Path:
    """A new proposal after the cancellation: its letters no longer count."""
    assert run(folder, "preparer", "-q")[0] == 0
    return max((folder / "output").glob("proposition_2026-11-23*.xlsx"))


def test_the_societe_filter_prepares_the_companies_it_names(group):
    folder, _ = group
    shutil.copyfile(DATA / "devis_societes.xlsx", folder / "input" / "devis.xlsx")
    code, _, err = run(folder, "preparer", "-q", "--societe", "paris")
    assert code == 0, err
    proposal = folder / "output" / "proposition_2026-11-23.xlsx"
    assert list(clients(proposal)) == [("PARIS", "C2"), ("PARIS", "C4"), ("PARIS", "C1")]
    assert {row["Société"] for row in table(proposal, "Factures")} == {"PARIS"}
    assert list(quotes(proposal)) == [("PARIS", "D-002"), ("PARIS", "D-001")]  # the quotes too


def test_a_proposal_of_one_company_is_not_sent_once_there_are_several(group):
    folder, inbox = group
    settings = folder / "relance.toml"
    several = settings.read_text(encoding="utf-8")
    one = several.replace(COMPANIES, "").replace('nom = ""\n', 'nom = "Menuiserie Lefèvre SARL"\n', 1)
    settings.write_text(one, encoding="utf-8")
    for name in ("factures.xlsx", "reglements.csv"):  # one company's exports: no duplicate numbers
        (folder / "input" / name).unlink()
    (folder / "input" / "factures.csv").write_text(
        "N° facture;Code client;Date facture;Échéance;Montant TTC\nFA-001;C4;01/09/2026;01/10/2026;100\n",
        encoding="utf-8",
    )
    assert run(folder, "preparer", "-q")[0] == 0
    validate(folder / "output" / "proposition_2026-11-23.xlsx")
    settings.write_text(several, encoding="utf-8")
    code, _, err = run(folder, "envoyer", "--oui")
    assert code == 1
    assert err.splitlines()[-1] == (
        "Erreur : La proposition proposition_2026-11-23.xlsx a été préparée pour une seule société et "
        "relance.toml en a maintenant plusieurs ([[societes]]) : lancez « preparer » pour en écrire une "
        "nouvelle."
    )
    assert inbox.received == []


def quotes(path: Path) -> dict[tuple[str, str], dict]:
    return {(row["Société"], row["N° devis"]): row for row in table(path, "Devis")}


def set_quote_cells(path: Path, column: str, values: dict[tuple[str, str], str]) -> None:
    """Type `values` ((company, quote number) -> value) in `column` of the Devis sheet, as Excel would."""
    book = openpyxl.load_workbook(path)
    sheet = book["Devis"]
    titles = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[titles.index("Société")].value, row[titles.index("N° devis")].value)
        if key in values:
            row[titles.index(column)].value = values[key]
    book.save(path)


def test_quotes_of_two_companies_each_followed_up_for_its_company(group, tmp_path):
    """D-001 is a quote of LYON and another of PARIS, both to a customer C1 (two customers): each is
    followed up on its company's letterhead, from its sender, and counted in its company's history."""
    folder, inbox = group
    shutil.copyfile(DATA / "devis_societes.xlsx", folder / "input" / "devis.xlsx")
    copies = folder / "input" / "devis_pdf" / "PARIS"  # PARIS's copy of its D-001; LYON has none
    copies.mkdir(parents=True)
    blank = PdfWriter()
    blank.add_blank_page(200, 200)
    blank.write(copies / "D-001.pdf")
    code, out, err = run(folder, "preparer")
    assert code == 0, err
    assert "  3 devis échu(s) à relancer : voir l'onglet Devis.\n" in out
    proposal = folder / "output" / "proposition_2026-11-23.xlsx"
    rows = table(proposal, "Devis")
    assert list(rows[0])[:4] == ["Société", "Code client", "Client", "N° devis"]
    assert [(r["Société"], r["N° devis"], r["Client"], r["Montant"], r["Canal"], r["À relancer"])
            for r in rows] == [
        ("LYON", "D-001", "Boulangerie Martin", 3600, "Email", "Oui"),
        ("PARIS", "D-002", "Garage Lemoine", 950, "Courrier", "Oui"),  # a customer of every company
        ("PARIS", "D-001", "Boulangerie Martin Paris", 1800, "Email", "Oui"),
    ]  # fmt: skip
    assert not [row for row in table(proposal, "Anomalies") if row["Fichier"] == "devis.xlsx"]

    validate(proposal)
    code, out, err = run(folder, "envoyer", "--oui")
    assert code == 0, out + err
    sent = {m.rcpt_tos[0]: m.message for m in inbox.received if "devis" in str(m.message["Subject"])}
    assert set(sent) == {"compta@martin.example", "paris@martin.example"}
    lyon, paris = sent["compta@martin.example"], sent["paris@martin.example"]
    assert (str(lyon["From"]), lyon["Subject"]) == (
        "Service comptabilité <compta@lyon.example>", f"Notre devis n° D-001 du 01/09/2026 — {NAMES['LYON']}"
    )
    assert (str(paris["From"]), paris["Subject"]) == (
        "Comptabilité Paris <compta@groupe.example>", f"Notre devis n° D-001 du 01/10/2026 — {NAMES['PARIS']}"
    )
    names = {code: [part.get_filename() for part in message.iter_attachments()]
             for code, message in (("LYON", lyon), ("PARIS", paris))}  # fmt: skip
    assert names == {
        "LYON": ["Devis_D-001_Menuiserie_Lefevre_Lyon_SARL_2026-11-23.pdf"],
        "PARIS": ["Devis_D-001_Menuiserie_Lefevre_Paris_SAS_2026-11-23.pdf", "Devis_D-001.pdf"],
    }
    for message, own, other, amount in ((lyon, "LYON", "PARIS", "3 600,00 €"),
                                        (paris, "PARIS", "LYON", "1 800,00 €")):
        letter = tmp_path / f"devis_{own}.pdf"
        letter.write_bytes(next(message.iter_attachments()).get_content())
        text = " ".join(pdf_text(letter, tmp_path).split())
        assert "notre devis n° D-001" in text and amount in text
        assert NAMES[own] in text and NAMES[other] not in text
        assert ((1, *LOGO) in images(letter)) is (own == "LYON")  # LYON's own logo, on its letters only
    output = folder / "output"
    lyon_bundle = " ".join(pdf_text(output / "courriers_LYON_2026-11-23.pdf", tmp_path).split())
    paris_bundle = " ".join(pdf_text(output / "courriers_PARIS_2026-11-23.pdf", tmp_path).split())
    assert "notre devis n° D-002" in paris_bundle and "devis n°" not in lyon_bundle
    assert_company(paris_bundle, "PARIS", "LYON")

    # The journal: each follow-up its company's, each quote's history by (company, number).
    journal = output / "journal.sqlite"
    with Journal.open(journal) as opened:
        kinds = {(row.kind, row.company, row.invoices[0].number) for row in opened.reminders()
                 if row.kind == "devis"}  # fmt: skip
    assert kinds == {("devis", "LYON", "D-001"), ("devis", "PARIS", "D-001"), ("devis", "PARIS", "D-002")}
    first = QuoteHistory(1, date(2026, 11, 23))
    assert read_quote_history(journal) == {("LYON", "D-001"): first, ("PARIS", "D-001"): first,
                                           ("PARIS", "D-002"): first}  # fmt: skip
    report = next((output / "archives").glob("*.txt")).read_text(encoding="utf-8")
    assert "PARIS C1 Boulangerie Martin Paris : relance n° 1 du devis D-001, Email" in report

    # 16 days later, LYON's D-001 alone gets its second follow-up...
    code, _, err = run(folder, "preparer", "-q", day="2026-12-09", now=datetime(2026, 12, 9, 9, 0))
    assert code == 0, err
    proposal = output / "proposition_2026-12-09.xlsx"
    assert {key: row["Relances déjà faites"] for key, row in quotes(proposal).items()} == {
        ("LYON", "D-001"): 1, ("PARIS", "D-002"): 1, ("PARIS", "D-001"): 1,
    }  # fmt: skip
    set_quote_cells(proposal, "À relancer", {("PARIS", "D-001"): "Non", ("PARIS", "D-002"): "Non"})
    set_cells(proposal, "Clients", "À relancer", dict.fromkeys(("C1", "C2", "C3", "C4"), "Non"))
    validate(proposal)
    code, out, err = run(folder, "envoyer", "--oui", day="2026-12-09", now=datetime(2026, 12, 9, 10, 0))
    assert code == 0, out + err
    (second,) = [m.message for m in inbox.received[len(inbox.received) - 1:]]
    assert (second["To"], second["Subject"]) == ("compta@martin.example", lyon["Subject"])
    assert "Nous vous en avions déjà écrit le 23/11/2026." in " ".join(
        second.get_body(("plain",)).get_content().split()
    )
    assert read_quote_history(journal)["LYON", "D-001"] == QuoteHistory(2, date(2026, 12, 9))
    assert read_quote_history(journal)["PARIS", "D-001"] == first

    # ...so that later LYON's D-001 has had its two (relances_max) and PARIS's D-001 only one.
    code, _, err = run(folder, "preparer", "-q", day="2026-12-28", now=datetime(2026, 12, 28, 9, 0))
    assert code == 0, err
    later = quotes(output / "proposition_2026-12-28.xlsx")
    assert {key: row["Relances déjà faites"] for key, row in later.items()} == {
        ("PARIS", "D-002"): 1, ("PARIS", "D-001"): 1,
    }  # fmt: skip
