"""The proposal of several companies ([[societes]]): a « Société » column in Clients, Factures and Balance
âgée, read-only and sealed, and each row read back as its company's."""

from dataclasses import replace
from decimal import Decimal

import openpyxl
import pytest

from models.group import merge
from models.proposal import build_proposal
from models.quotes import PENDING, Quote, QuoteHistory, QuoteProposal, follow_ups_by_company
from models.records import Source
from models.settings import Company
from tests.models.factories import SETTINGS, TODAY, customer, d, invoice
from tests.workbook.excel import table, write
from workbook.quote_edits import read_quote_choices
from workbook.reader import read_proposal, read_status

LYON, PARIS = Company(name="Lyon SARL", code="LYON"), Company(name="Paris SAS", code="PARIS")
GROUP = replace(SETTINGS, companies=(LYON, PARIS))


def two_companies():
    """C1 in both companies, with an invoice F1 in each."""
    parts = []
    for code, amount in (("LYON", "100"), ("PARIS", "300")):
        customers = {"C1": customer("C1", company=code)}
        parts.append((code, build_proposal([invoice("F1", amount)], (), customers, (), GROUP, TODAY)))
    return merge(parts, GROUP, TODAY)


@pytest.fixture
def written(tmp_path):
    return write(two_companies(), tmp_path)


def test_each_sheet_shows_the_company_of_each_row(written):
    clients = table(written, "Clients")
    assert [(row["Société"], row["Code client"], row["Total échu"]) for row in clients] == [
        ("LYON", "C1", 100), ("PARIS", "C1", 300),
    ]  # fmt: skip
    assert [(row["Société"], row["N° facture"]) for row in table(written, "Factures")] == [
        ("LYON", "F1"), ("PARIS", "F1"),
    ]  # fmt: skip
    ageing = table(written, "Balance âgée")
    assert [(row["Société"], row["Code client"]) for row in ageing[:2]] == [("LYON", "C1"), ("PARIS", "C1")]
    summary = [row for row in openpyxl.load_workbook(written)["Synthèse"].iter_rows(values_only=True)]
    assert ("Société LYON", "Lyon SARL", "1 client(s) à relancer") in [tuple(r[:3]) for r in summary]
    assert read_status(written).companies == ("LYON", "PARIS")


def test_rows_are_read_back_per_company(written):
    edited = read_proposal(written)
    assert (edited.problems, edited.customers, edited.invoices) == ((), {}, {})
    assert list(edited.parts) == ["LYON", "PARIS"]
    assert {code: list(part.customers) for code, part in edited.parts.items()} == {
        "LYON": ["C1"], "PARIS": ["C1"],
    }  # fmt: skip
    assert list(edited.parts["PARIS"].invoices) == [("C1", "F1")]
    assert edited.parts["PARIS"].customers["C1"].values["Total échu"] == 300


def test_a_company_changed_in_a_row_is_refused(written):
    book = openpyxl.load_workbook(written)
    book["Clients"]["A2"] = "PARIS"  # the LYON row now says PARIS: its letter would go out as PARIS's
    book.save(written)
    (problem,) = read_proposal(written).problems
    assert problem.message.startswith(
        "Onglet Clients, ligne 2 : le client (société, code) affiché « PARIS / C1 » n'est pas celui de cette "
        "ligne (« LYON / C1 »)"
    )


def test_one_company_writes_no_company_column(tmp_path):
    proposal = build_proposal([invoice("F1", "100")], (), {"C1": customer("C1")}, (), SETTINGS, TODAY)
    path = write(proposal, tmp_path)
    assert "Société" not in table(path, "Clients")[0]
    assert read_status(path).companies == ()


def with_quotes():
    """Both companies have a quote D-1 of their customer C1: two quotes, two rows."""
    quotes = tuple(
        Quote("D-1", "C1", "", d("2026-09-01"), d("2026-10-01"), Decimal(amount), PENDING,
              Source("devis.csv", row), code)
        for row, code, amount in ((2, "LYON", "3600.00"), (3, "PARIS", "1800.00"))
    )  # fmt: skip
    customers = {code: {"C1": customer("C1", company=code)} for code in ("LYON", "PARIS")}
    history = {("PARIS", "D-1"): QuoteHistory(1, d("2026-10-20"))}
    lines, anomalies = follow_ups_by_company(quotes, history, customers, GROUP.quotes, TODAY)
    return replace(two_companies(), quotes=QuoteProposal(quotes, lines, anomalies, ("devis.csv",)))


def test_the_devis_sheet_shows_each_quotes_company_and_reads_it_back(tmp_path):
    path = write(with_quotes(), tmp_path)
    summary = [tuple(row[:3]) for row in openpyxl.load_workbook(path)["Synthèse"].iter_rows(values_only=True)]
    assert ("Société LYON", "Lyon SARL", "1 client(s) à relancer, 1 devis") in summary
    assert ("Société PARIS", "Paris SAS", "1 client(s) à relancer, 1 devis") in summary
    rows = table(path, "Devis")
    assert list(rows[0])[:4] == ["Société", "Code client", "Client", "N° devis"]
    assert [(r["Société"], r["N° devis"], r["Montant"], r["Relances déjà faites"]) for r in rows] == [
        ("LYON", "D-1", 3600, 0), ("PARIS", "D-1", 1800, 1),
    ]  # fmt: skip
    book = openpyxl.load_workbook(path)
    book["Devis"]["L3"] = "Courrier"  # « Canal » of PARIS's D-1
    book.save(path)
    edited = read_proposal(path)
    assert edited.problems == ()
    choices = read_quote_choices(edited, GROUP).quotes
    assert [(key, c.company, c.channel, c.channel_cell) for key, c in choices.items()] == [
        (("LYON", "D-1"), "LYON", "email", "Devis!L2"), (("PARIS", "D-1"), "PARIS", "courrier", "Devis!L3"),
    ]  # fmt: skip


def test_a_company_changed_in_a_devis_row_is_refused(tmp_path):
    path = write(with_quotes(), tmp_path)
    book = openpyxl.load_workbook(path)
    book["Devis"]["A2"] = "PARIS"  # LYON's D-1 now says PARIS: its follow-up would go out as PARIS's
    book.save(path)
    (problem,) = read_proposal(path).problems
    assert problem.message.startswith(
        "Onglet Devis, ligne 2 : le devis (société, code client, n°) affiché « PARIS / C1 / D-1 » n'est pas "
        "celui de cette ligne (« LYON / C1 / D-1 »)"
    )
