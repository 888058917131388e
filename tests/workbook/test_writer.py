"""The proposal workbook as Excel will show it: sheets, exact headers, values, dropdowns, safety."""

from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from models.proposal import build_proposal
from models.records import Anomaly
from models.settings import Settings
from tests.models.factories import TODAY, customer, invoice, sent
from workbook import layout as L
from workbook.writer import write_proposal

PREPARED = datetime(2026, 11, 23, 8, 30)


def sample_proposal():
    customers = {
        "C1": customer("C1"),
        "C2": customer("C2", email=""),
        "C3": customer("C3"),
    }
    customers["C2"] = customers["C2"].__class__(code="C2", name="=1+2", email="")
    customers["C3"] = customers["C3"].__class__(code="C3", name="Dupont & Fils <SARL>", email="a@b.example")
    invoices = [
        invoice("F1", "1200.50", due="2026-09-01", customer="C1"),
        invoice("F2", "300", due="2026-11-20", customer="C1"),
        invoice("@F3", "80", due="2026-10-01", customer="C2"),
        invoice("F4", "50", due="2026-10-01", customer="C3", dispute="Oui"),
        invoice("F5", "999", due="2027-01-01", customer="C3"),
    ]
    proposal = build_proposal(invoices, [], customers, {"F1": sent(1, "2026-10-01")}, Settings(), TODAY)
    anomaly = Anomaly("factures.csv", 12, "Échéance", "=cmd|'/c calc'!A1", "Date illisible : ligne ignorée.")
    return proposal.__class__(
        proposal.reference_date, proposal.customers, (anomaly,), proposal.ageing, proposal.settings
    )


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "proposition_2026-11-23.xlsx"
    write_proposal(sample_proposal(), path, prepared_at=PREPARED, proposal_id="abc", files=["factures.csv"])
    return path


def rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_sheets_and_exact_headers(written):
    book = openpyxl.load_workbook(written)
    assert book.sheetnames == [L.SUMMARY, L.CUSTOMERS, L.INVOICES, L.ANOMALIES, L.AGEING, L.META]
    assert [c.value for c in book["Clients"][1]] == list(L.CUSTOMER_HEADERS)
    assert [c.value for c in book["Factures"][1]] == [
        "Code client", "N° facture", "Date facture", "Échéance", "Montant TTC", "Reste dû",
        "Jours de retard", "Niveau", "Dernière relance", "Nb relances", "Inclure", "Motif", "Pénalités",
        "Indemnité", "ID",
    ]  # fmt: skip
    assert [c.value for c in book["Anomalies"][1]] == ["Fichier", "Ligne", "Colonne", "Valeur", "Message"]
    assert book[L.META].sheet_state == "hidden"
    assert list(tmp for tmp in written.parent.iterdir()) == [written]  # no temporary file left


def test_summary_has_validation_cell_set_to_non_with_dropdown(written):
    sheet = openpyxl.load_workbook(written)[L.SUMMARY]
    assert (sheet["A3"].value, sheet["B3"].value) == ("Envoi validé", "Non")
    lists = [(dv.formula1, str(dv.sqref)) for dv in sheet.data_validations.dataValidation]
    assert ('"Oui,Non"', "B3") in lists
    assert sheet["B5"].value == datetime(2026, 11, 23) and sheet["B5"].number_format == "dd/mm/yyyy"
    values = [r[0] for r in rows(sheet)]
    assert "Total à relancer" in values


def test_customer_rows_values_and_formats(written):
    sheet = openpyxl.load_workbook(written)["Clients"]
    data = {r[0]: dict(zip(L.CUSTOMER_HEADERS, r, strict=True)) for r in rows(sheet)[1:]}
    c1 = data["C1"]
    assert (c1["Total dû"], c1["Total échu"], c1["Niveau"], c1["Libellé niveau"]) == (
        1500.5,
        1500.5,
        2,
        "Relance ferme",
    )
    assert (c1["Canal"], c1["À relancer"], c1["Motif"], c1["Nb relances"]) == ("Email", "Oui", None, 1)
    assert c1["Dernière relance"] == datetime(2026, 10, 1) and c1["ID"] == "C:C1"
    assert (data["C2"]["Canal"], data["C2"]["Client"]) == ("Courrier", "=1+2")
    assert data["C3"]["Client"] == "Dupont & Fils <SARL>"
    assert data["C3"]["Motif"] == "Aucune facture à relancer : facture en litige"
    assert sheet["E2"].number_format.startswith("#,##0.00")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:R4"
    assert sheet.column_dimensions["R"].hidden


def test_dropdowns_on_every_editable_column(written):
    book = openpyxl.load_workbook(written)
    clients = {str(dv.sqref): dv.formula1 for dv in book["Clients"].data_validations.dataValidation}
    assert clients == {
        "G2:G4": '"1,2,3"',
        "I2:I4": '"Email,Courrier,Email + courrier,Téléphone"',
        "J2:J4": '"Oui,Non"',
        "O2:O4": '"Oui,Non"',
    }
    invoices = {str(dv.sqref): dv.formula1 for dv in book["Factures"].data_validations.dataValidation}
    assert invoices == {"K2:K5": '"Oui,Non"'}


def test_data_never_becomes_a_formula(written):
    book = openpyxl.load_workbook(written)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    anomalies = book["Anomalies"]
    assert anomalies["D2"].value == "=cmd|'/c calc'!A1" and anomalies["D2"].quotePrefix
    assert book["Clients"]["B3"].value == "=1+2" or book["Clients"]["B2"].value == "=1+2"


def test_invoice_rows(written):
    sheet = openpyxl.load_workbook(written)["Factures"]
    data = {r[1]: dict(zip(L.INVOICE_HEADERS, r, strict=True)) for r in rows(sheet)[1:]}
    assert list(data) == ["F1", "F2", "@F3", "F4"]  # chased customers first; F5 is not due
    f1 = data["F1"]
    assert (f1["Montant TTC"], f1["Reste dû"], f1["Jours de retard"], f1["Niveau"], f1["Inclure"]) == (
        1200.5, 1200.5, 83, 2, "Oui",
    )  # fmt: skip
    assert f1["Échéance"] == datetime(2026, 9, 1) and f1["ID"] == "F:C1:F1"
    assert (data["F4"]["Inclure"], data["F4"]["Motif"]) == ("Non", "Facture en litige")


def test_ageing_sheet_with_totals_and_chart(written):
    sheet = openpyxl.load_workbook(written)["Balance âgée"]
    table = rows(sheet)
    assert table[0] == ["Code client", "Client", "Non échu", "1 à 30 jours", "31 à 60 jours", "61 à 90 jours",
                        "Plus de 90 jours", "Total"]  # fmt: skip
    assert table[-1][0] == "Total" and table[-1][-1] == pytest.approx(float(Decimal("2629.50")))
    assert len(sheet._charts) == 1


def test_never_overwrites(written):
    with pytest.raises(FileExistsError):
        write_proposal(sample_proposal(), written, prepared_at=PREPARED, proposal_id="x", files=[])


def test_penalty_columns(tmp_path):
    from tests.models.factories import SETTINGS

    proposal = build_proposal(
        [invoice("F1", "1000", due="2026-10-01", customer="C1"),
         invoice("F2", "500", due="2026-10-01", customer="P")],
        [],
        {"C1": customer("C1"), "P": customer("P").__class__(code="P", name="Particulier", email="p@x.example",
                                                              private=True)},
        {"F1": sent(2, "2026-11-01"), "F2": sent(2, "2026-11-01")},
        SETTINGS,
        TODAY,
    )  # fmt: skip
    path = tmp_path / "p.xlsx"
    write_proposal(proposal, path, prepared_at=PREPARED, proposal_id="x", files=[])
    book = openpyxl.load_workbook(path)
    clients = {r[0]: dict(zip(L.CUSTOMER_HEADERS, r, strict=True)) for r in rows(book["Clients"])[1:]}
    # 1000 € × 12.15 % × 53 days / 365 = 17.64 €; the mise en demeure claims it from a business only
    assert (clients["C1"]["Niveau"], clients["C1"]["Réclamer pénalités"]) == (3, "Oui")
    assert (clients["C1"]["Pénalités"], clients["C1"]["Indemnité"]) == (17.64, 40)
    assert (clients["P"]["Réclamer pénalités"], clients["P"]["Pénalités"], clients["P"]["Indemnité"]) == (
        "Non",
        0,
        0,
    )
    invoices = {r[1]: dict(zip(L.INVOICE_HEADERS, r, strict=True)) for r in rows(book["Factures"])[1:]}
    assert (invoices["F1"]["Pénalités"], invoices["F1"]["Indemnité"]) == (17.64, 40)
