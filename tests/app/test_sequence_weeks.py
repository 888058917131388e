"""Six weeks of a real office: prepare → validate → send → payments arrive → prepare…, the clock moving
between runs. Every letter's level, its dates and the sentences it says about earlier reminders are read
back from the real PDFs (pdftotext): never gentler after firmer, and every sentence true."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from journal import Journal
from tests.app.conftest import COMPANY, COMPANY_BLANK, ROOT, run, validate
from tests.workbook.excel import table

CLIENTS = """Code client;Raison sociale;Civilité;Adresse;Code postal;Ville;Email;Type
A;Transports Bonnet SAS;Société;4 rue Garibaldi;69006;Lyon;compta@bonnet.example;Professionnel
B;Imprimerie Vidal SARL;;8 quai Perrache;69002;Lyon;compta@vidal.example;Professionnel
C;M. Jean-Pierre Rousseau;;12 rue Mercière;69002;Lyon;;Particulier
"""
INVOICES = """N° facture;Code client;Date facture;Échéance;Montant TTC
A1;A;01/08/2026;01/09/2026;1 000,00
A2;A;20/08/2026;20/09/2026;400,00
B1;B;05/08/2026;05/09/2026;600,00
B2;B;25/08/2026;25/09/2026;250,00
C1;C;05/08/2026;05/09/2026;300,00
"""
PAYMENTS = {  # day -> lines added to reglements.csv that day
    date(2026, 9, 18): "18/09/2026;B;600,00;B1\n",  # B pays its first invoice in full
    date(2026, 10, 1): "01/10/2026;A;500,00;A1\n",  # A pays half of A1: its sequence goes on
}


@pytest.fixture
def office(tmp_path: Path, closed_url: str) -> Path:
    folder = tmp_path / "bureau"
    (folder / "input").mkdir(parents=True)
    (folder / "input" / "clients.csv").write_text(CLIENTS, encoding="utf-8")
    (folder / "input" / "factures.csv").write_text(INVOICES, encoding="utf-8")
    (folder / "input" / "reglements.csv").write_text("Date règlement;Code client;Montant;N° facture\n")
    shutil.copytree(ROOT / "templates_word", folder / "templates_word")
    settings = (ROOT / "relance.toml").read_text(encoding="utf-8").replace(COMPANY_BLANK, COMPANY)
    settings = settings.replace("[penalites]\n", f'[penalites]\nsource_bce = "{closed_url}"\n', 1)
    (folder / "relance.toml").write_text(settings, encoding="utf-8")
    (folder / ".env").write_text("SMTP_HOST=\n", encoding="utf-8")
    return folder


def week(office: Path, day: date, sent_on: date) -> tuple[dict[str, str], dict[str, dict]]:
    """Prepare on `day` (the « échues au » date), validate as is, send on `sent_on`; the text of each
    letter sent, by customer code, and the rows of the proposal's Clients sheet."""
    for when, lines in PAYMENTS.items():
        if when <= day:
            payments = office / "input" / "reglements.csv"
            if lines not in payments.read_text():
                payments.write_text(payments.read_text() + lines)
    prepared = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
    code, _, err = run(office, "preparer", "-q", day=day.isoformat(), now=prepared)
    assert code == 0, err
    (proposal,) = (office / "output").glob("proposition_*.xlsx")  # sent ones are archived
    rows = {row["Code client"]: row for row in table(proposal, "Clients")}
    validate(proposal)
    sending = datetime.combine(sent_on, datetime.min.time()) + timedelta(hours=10)
    code, out, err = run(office, "envoyer", "--oui", day=day.isoformat(), now=sending)
    assert code == 0, out + err
    letters = {}
    lots = office / "output" / "lots"
    for lot in lots.iterdir() if lots.exists() else []:
        if lot.name.startswith(sent_on.isoformat()):
            for pdf in lot.glob("*.pdf"):
                if pdf.stem.endswith("_courrier"):
                    continue  # the printed copy of an emailed letter
                customer = pdf.stem.split("_")[1]
                letters[customer] = pdf_text(pdf)
    return letters, rows


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def test_six_weeks_never_gentler_after_firmer_and_every_sentence_true(office):
    # Week 1, prepared Monday 14/09, sent on Wednesday 16/09: the letters are dated the day they leave.
    letters, _ = week(office, date(2026, 9, 14), date(2026, 9, 16))
    assert sorted(letters) == ["A", "B", "C"]
    a = letters["A"]
    assert "Rappel amiable" in a and "Il s'agit sans doute d'un simple oubli" in a
    assert "Lyon, le 16 septembre 2026" in a and "au plus tard le 24 septembre 2026" in a
    assert "déjà écrit" not in a and "A2" not in a  # A2 is not due yet
    assert "Madame, Monsieur," in a  # a company
    assert "Monsieur, Sauf erreur" in letters["C"]  # « M. Jean-Pierre Rousseau »

    # Week 2 (21/09): A2 fell due on 20/09, but A is in a sequence: no new « Rappel amiable » for it; the
    # relance ferme waits 14 days after the rappel of 16/09.
    letters, rows = week(office, date(2026, 9, 21), date(2026, 9, 21))
    assert letters == {}
    assert rows["A"]["Motif"] == "Trop tôt : prochaine relance (niveau 2) possible le 30/09/2026"

    # Week 3 (05/10): level 2 for A, with A2 joined; the letter says which invoice was reminded, when.
    # B paid B1 on 18/09: its first sequence is closed, and B2 (due 25/09) opens a new one at level 1.
    letters, _ = week(office, date(2026, 10, 5), date(2026, 10, 5))
    assert sorted(letters) == ["A", "B", "C"]
    a = letters["A"]
    assert "Relance ferme" in a
    assert (
        "Nous vous avons déjà écrit à ce sujet le 16 septembre 2026 (rappel amiable). La facture A2 n'avait "
        "pas encore fait l'objet d'une relance."
    ) in a
    assert re.search(r"A1 .*16/09/2026", a) and re.search(r"A2 .*aucune", a)  # the « Relances » column
    assert "Rappel amiable" in letters["B"] and "déjà écrit" not in letters["B"]

    # Week 4 (12/10): the mise en demeure waits 14 days after the relance ferme.
    letters, rows = week(office, date(2026, 10, 12), date(2026, 10, 12))
    assert letters == {}
    assert rows["A"]["Motif"] == "Trop tôt : prochaine relance (niveau 3) possible le 19/10/2026"

    # Week 5 (19/10): A paid half of A1 on 01/10: still unpaid, so the mise en demeure, for both.
    letters, _ = week(office, date(2026, 10, 19), date(2026, 10, 19))
    a = letters["A"]
    assert "MISE EN DEMEURE" in a
    assert "Lettre recommandée" not in a  # the emailed copy; only the printed one says it
    assert (
        "Nous vous avons déjà écrit à ce sujet le 16 septembre 2026 (rappel amiable) et le 5 octobre 2026 "
        "(relance ferme). Le tableau indique pour chaque facture les relances déjà envoyées."
    ) in a
    assert "500,00 €" in a  # A1's remaining after the partial payment
    printed = next((office / "output" / "lots").glob("2026-10-19-*/*_A_niveau-3_courrier.pdf"))
    assert "Lettre recommandée avec accusé de réception" in pdf_text(printed)

    # Week 6 (26/10): A is in litigation: no letter, and the proposal says why.
    letters, rows = week(office, date(2026, 10, 26), date(2026, 10, 26))
    assert "A" not in letters
    assert rows["A"]["Motif"].startswith("Contentieux : mise en demeure envoyée le 19/10/2026")
    with Journal.open(office / "output" / "journal.sqlite") as journal:
        levels = [(r.customer_code, r.level, r.sent_at.date().isoformat()) for r in journal.reminders()]
    assert [entry for entry in levels if entry[0] == "A"] == [
        ("A", 1, "2026-09-16"), ("A", 2, "2026-10-05"), ("A", 3, "2026-10-19"),
    ]  # fmt: skip
    # B: a first sequence closed by its payment, then a second one that goes on from level 1
    assert [entry for entry in levels if entry[0] == "B"] == [
        ("B", 1, "2026-09-16"), ("B", 1, "2026-10-05"), ("B", 2, "2026-10-19"),
    ]  # fmt: skip
