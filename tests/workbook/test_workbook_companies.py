"""The proposal of several companies ([[societes]]): a « Société » column in Clients, Factures and Balance
âgée, read-only and sealed, and each row read back as its company's."""

from dataclasses import replace

import openpyxl
import pytest

from models.group import merge
from models.proposal import build_proposal
from models.settings import Company
from tests.models.factories import SETTINGS, TODAY, customer, invoice
from tests.workbook.excel import table, write
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
