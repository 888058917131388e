"""The « Devis » sheet: written only with quotes, read back with the same proofs as the other sheets,
its choices checked cell by cell."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from models.quotes import PENDING, Quote, QuoteHistory, QuoteProposal, follow_ups
from models.records import Customer, Source
from models.settings import Settings
from tests.models.factories import TODAY, d
from tests.workbook.excel import set_cells, sort, table, write
from tests.workbook.test_writer import sample_proposal
from workbook.quote_edits import read_quote_choices
from workbook.reader import read_proposal, read_status

CUSTOMERS = {
    "C1": Customer("C1", "Boulangerie Martin", "compta@martin.example", ("3 place Sathonay",), "69001",
                   "Lyon", source=Source("clients.csv", 2)),
    "C2": Customer("C2", "=1+2", "", ("4 rue Garibaldi",), "69006", "Lyon", source=Source("clients.csv", 3)),
}  # fmt: skip


def with_quotes():
    quotes = (
        Quote("D-1", "C1", "", d("2026-09-01"), d("2026-10-01"), Decimal("3600.00"), PENDING,
              Source("devis.csv", 2)),
        Quote("D-2", "C2", "", None, d("2026-11-01"), Decimal("450.50"), PENDING, Source("devis.csv", 3)),
        Quote("D-3", "C9", "Inconnu", d("2026-09-01"), d("2026-11-10"), Decimal("80.00"), PENDING,
              Source("devis.csv", 4)),
        Quote("D-4", "C1", "", d("2026-09-01"), d("2026-10-01"), Decimal("10.00"), "accepted",
              Source("devis.csv", 5)),
    )  # fmt: skip
    history = {"D-1": QuoteHistory(1, d("2026-10-20"))}
    lines, anomalies = follow_ups(quotes, history, CUSTOMERS, Settings().quotes, TODAY)
    return replace(sample_proposal(), quotes=QuoteProposal(quotes, lines, anomalies, ("devis.csv",)))


@pytest.fixture
def written(tmp_path):
    return write(with_quotes(), tmp_path)


def test_without_quotes_no_sheet_and_nothing_said(tmp_path):
    path = write(sample_proposal(), tmp_path)
    book = openpyxl.load_workbook(path)
    assert "Devis" not in book.sheetnames
    assert not any("Devis" in str(row[0]) for row in book["Synthèse"].iter_rows(values_only=True))
    assert read_proposal(path).quotes == {} and not read_status(path).has_quotes


def test_the_devis_sheet_its_columns_and_rows(written):
    book = openpyxl.load_workbook(written)
    assert book.sheetnames.index("Devis") == book.sheetnames.index("Factures") + 1
    rows = table(written, "Devis")
    assert list(rows[0]) == [
        "Code client", "Client", "N° devis", "Date", "Validité", "Montant", "Jours échus", "À relancer",
        "Relances déjà faites", "Dernière relance", "Canal", "Email", "Message", "ID",
    ]  # fmt: skip
    shown = [{k: v for k, v in row.items() if k != "ID"} for row in rows]
    assert shown == [
        {"Code client": "C1", "Client": "Boulangerie Martin", "N° devis": "D-1", "Date": datetime(2026, 9, 1),
         "Validité": datetime(2026, 10, 1), "Montant": 3600, "Jours échus": 53, "À relancer": "Oui",
         "Relances déjà faites": 1, "Dernière relance": datetime(2026, 10, 20), "Canal": "Email",
         "Email": "compta@martin.example", "Message": None},
        {"Code client": "C2", "Client": "=1+2", "N° devis": "D-2", "Date": None,
         "Validité": datetime(2026, 11, 1), "Montant": 450.5, "Jours échus": 22, "À relancer": "Oui",
         "Relances déjà faites": 0, "Dernière relance": None, "Canal": "Courrier", "Email": None,
         "Message": None},
        {"Code client": "C9", "Client": "Inconnu", "N° devis": "D-3", "Date": datetime(2026, 9, 1),
         "Validité": datetime(2026, 11, 10), "Montant": 80, "Jours échus": 13, "À relancer": "Non",
         "Relances déjà faites": 0, "Dernière relance": None, "Canal": "Courrier", "Email": None,
         "Message": None},
    ]  # fmt: skip
    sheet = book["Devis"]
    assert sheet.column_dimensions["N"].hidden
    lists = sorted(dv.formula1 for dv in sheet.data_validations.dataValidation)
    assert lists == ['"Email,Courrier"', '"Oui,Non"']
    summary = [row for row in book["Synthèse"].iter_rows(values_only=True) if row[0]]
    assert summary[[r[0] for r in summary].index("Devis lus")][:4] == ("Devis lus", "devis.csv", None, 4)
    chased = summary[[r[0] for r in summary].index("Devis à relancer")]
    assert (chased[3], chased[5]) == (2, 4050.5)
    assert read_status(written).to_chase == 1 + 2  # a customer and two quotes: something to validate


def test_read_back_sorted_whole_with_the_choices(written):
    sort(written, "Devis", key=lambda row: row["Montant"])
    set_cells(written, "Devis", "À relancer", {"D-2": "non"})
    set_cells(written, "Devis", "Canal", {"D-1": "courrier"})
    set_cells(written, "Devis", "Message", {"D-1": "Notre offre tient toujours."})
    edited = read_proposal(written)
    assert edited.problems == ()
    choices = read_quote_choices(edited, Settings())
    assert choices.problems == ()
    assert [(c.number, c.code, c.chase, c.channel, c.message, c.where, c.channel_cell)
            for c in choices.quotes.values()] == [
        ("D-3", "C9", False, "courrier", "", "Devis, ligne 2", "Devis!K2"),
        ("D-2", "C2", False, "courrier", "", "Devis, ligne 3", "Devis!K3"),
        ("D-1", "C1", True, "courrier", "Notre offre tient toujours.", "Devis, ligne 4", "Devis!K4"),
    ]  # fmt: skip


def test_columns_sorted_apart_and_cells_that_mean_nothing_are_problems(written):
    titles = [c.value for c in openpyxl.load_workbook(written)["Devis"][1] if c.value != "ID"]
    sort(written, "Devis", key=lambda row: row["Montant"], columns=titles)
    messages = [p.message for p in read_proposal(written).problems]
    assert messages[0].startswith("Onglet Devis, ligne 2 : le devis (code client, n°) affiché « C9 / D-3 » "
                                  "n'est pas celui de cette ligne (« C1 / D-1 »)")  # fmt: skip
    assert len(messages) == 2  # D-2 stayed in its row


def test_a_channel_other_than_email_or_post_and_a_formula_are_refused(written):
    set_cells(written, "Devis", "Canal", {"D-1": "Téléphone"})
    book = openpyxl.load_workbook(written)
    book["Devis"]["H3"] = "=1+1"
    book.save(written)
    edited = read_proposal(written)
    assert [p.message for p in edited.problems] == [
        "Onglet Devis, cellule Devis!H3 (« À relancer ») : une formule (« =1+1 ») n'est pas lue ; écrivez la "
        "valeur elle-même."
    ]
    assert [p.message for p in read_quote_choices(edited, Settings()).problems] == [
        "Canal inconnu dans la proposition, onglet Devis, cellule Devis!K2 : « Téléphone » ; une relance de "
        "devis part par Email ou par Courrier.",
    ]


def test_a_deleted_devis_sheet_is_told(written):
    book = openpyxl.load_workbook(written)
    del book["Devis"]
    book.save(written)
    with pytest.raises(Exception, match="n'a pas d'onglet « Devis »"):
        read_proposal(written)
