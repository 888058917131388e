"""The proposal workbook as Excel will show it: sheets, exact headers, values, dropdowns, safety."""

import itertools
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest

from models.proposal import build_proposal
from models.records import Anomaly
from models.settings import Settings
from tests.models.factories import SETTINGS, TODAY, customer, invoice, sent
from tests.workbook.excel import PREPARED, table, write
from workbook import layout as L
from workbook.columns import CUSTOMER_SHEET, INVOICE_SHEET
from workbook.writer import write_proposal


def sample_proposal():
    customers = {
        "C1": customer("C1", address=("3 place Sathonay",), postal_code="69001", city="Lyon"),
        "C2": customer("C2", email="").__class__(code="C2", name="=1+2", email=""),
        "C3": customer("C3").__class__(code="C3", name="Dupont & Fils <SARL>", email="a@b.example"),
    }
    invoices = [
        invoice("F1", "1200.50", due="2026-09-01", customer="C1"),
        invoice("F2", "300", due="2026-11-20", customer="C1"),
        invoice("@F3", "80", due="2026-10-01", customer="C2"),
        invoice("F4", "50", due="2026-10-01", customer="C3", dispute="Oui"),
        invoice("F5", "999", due="2027-01-01", customer="C3"),
    ]
    proposal = build_proposal(invoices, [], customers, [sent(1, "2026-10-01", "F1")], SETTINGS, TODAY)
    anomaly = Anomaly("factures.csv", 12, "Échéance", "=cmd|'/c calc'!A1", "Date illisible : ligne ignorée.")
    return replace(proposal, anomalies=(anomaly,))


@pytest.fixture
def written(tmp_path):
    return write(sample_proposal(), tmp_path)


def test_sheets_and_exact_headers(written):
    book = openpyxl.load_workbook(written)
    assert book.sheetnames == [L.SUMMARY, L.CUSTOMERS, L.INVOICES, L.ANOMALIES, L.AGEING, L.META]
    assert [c.value for c in book["Clients"][1]] == [
        "Code client", "Client", "Total échu", "À relancer", "Motif", "Niveau", "Libellé niveau",
        "Nb relances", "Dernière relance", "Canal", "Téléphone", "Email", "Adresse", "Code postal", "Ville",
        "Pays", "Total dû", "Réclamer pénalités", "Pénalités", "Indemnité", "Pénalités : remarque", "Message",
        "ID",
    ]  # fmt: skip
    assert [c.value for c in book["Factures"][1]] == [
        "Code client", "N° facture", "Date facture", "Échéance", "Montant TTC", "Reste dû",
        "Jours de retard", "Niveau", "Nb relances", "Dernière relance", "Inclure", "Motif", "Pénalités",
        "Indemnité", "ID",
    ]  # fmt: skip
    assert [c.value for c in book["Anomalies"][1]] == ["Fichier", "Ligne", "Colonne", "Valeur", "Message"]
    assert book[L.META].sheet_state == "hidden"
    assert list(written.parent.iterdir()) == [written]  # no temporary file left


def test_editable_columns_never_stand_side_by_side():
    """So that sorting a few columns apart always moves a read-only cell the reader checks."""
    for spec in (CUSTOMER_SHEET, INVOICE_SHEET):
        editable = [column.editable for column in spec.columns]
        assert not any(a and b for a, b in itertools.pairwise(editable)), spec.name


def test_summary_has_validation_cell_set_to_non_with_dropdown(written):
    sheet = openpyxl.load_workbook(written)[L.SUMMARY]
    assert (sheet["A3"].value, sheet["B3"].value) == ("Envoi validé", "Non")
    lists = [(dv.formula1, str(dv.sqref)) for dv in sheet.data_validations.dataValidation]
    assert ('"Oui,Non"', "B3") in lists
    assert sheet["B5"].value == datetime(2026, 11, 23) and sheet["B5"].number_format == "dd/mm/yyyy"
    values = [r[0].value for r in sheet.iter_rows()]
    assert "Total à relancer" in values


def test_customer_rows_values_and_formats(written):
    book = openpyxl.load_workbook(written)
    sheet = book["Clients"]
    data = {row["Code client"]: row for row in table(written, "Clients")}
    c1 = data["C1"]
    assert (c1["Total dû"], c1["Total échu"], c1["Niveau"], c1["Nb relances"]) == (1500.5, 1500.5, 2, 1)
    assert (c1["Canal"], c1["À relancer"], c1["Motif"], c1["Email"]) == (
        "Email",
        "Oui",
        None,
        "compta@client.example",
    )
    assert (c1["Adresse"], c1["Code postal"], c1["Ville"]) == ("3 place Sathonay", "69001", "Lyon")
    assert c1["Dernière relance"] == datetime(2026, 10, 1)
    assert c1["ID"].startswith('["C", "C1", "')
    assert (data["C2"]["Canal"], data["C2"]["Client"]) == ("Courrier", "=1+2")
    assert data["C3"]["Client"] == "Dupont & Fils <SARL>"
    assert data["C3"]["Motif"] == "Aucune facture à relancer : facture en litige"
    assert sheet["C2"].number_format.startswith("#,##0.00")
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:W4"
    assert sheet.column_dimensions["W"].hidden
    assert sheet.row_dimensions[1].height >= 32  # wrapped titles show in full


def test_the_level_label_follows_the_level_by_a_formula(written):
    sheet = openpyxl.load_workbook(written)["Clients"]
    meta = openpyxl.load_workbook(written)[L.META]
    assert [(meta.cell(r, 4).value, meta.cell(r, 5).value) for r in (1, 2, 3)] == [
        (1, "Rappel amiable"), (2, "Relance ferme"), (3, "Mise en demeure"),
    ]  # fmt: skip
    formula = sheet["G2"].value
    assert formula == (
        '=IF(F2="","",IF(F2=2,"Relance ferme",IFERROR(VLOOKUP(VALUE(F2),_relance!$D$1:$E$3,2,FALSE),"?")))'
    )


def test_dropdowns_on_every_editable_column(written):
    book = openpyxl.load_workbook(written)
    clients = {str(dv.sqref): dv.formula1 for dv in book["Clients"].data_validations.dataValidation}
    assert clients == {
        "F2:F4": '"1,2,3"',
        "J2:J4": '"Email,Courrier,Email + courrier,Téléphone"',
        "D2:D4": '"Oui,Non"',
        "R2:R4": '"Oui,Non"',
    }
    invoices = {str(dv.sqref): dv.formula1 for dv in book["Factures"].data_validations.dataValidation}
    assert invoices == {"K2:K5": '"Oui,Non"'}


def test_data_never_becomes_a_formula(written):
    book = openpyxl.load_workbook(written)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if sheet.title == "Clients" and cell.column_letter == "G" and cell.row > 1:
                    continue  # « Libellé niveau », Relance's own formula
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    anomalies = book["Anomalies"]
    assert anomalies["D2"].value == "=cmd|'/c calc'!A1" and anomalies["D2"].quotePrefix
    assert "=1+2" in (book["Clients"]["B3"].value, book["Clients"]["B2"].value, book["Clients"]["B4"].value)


def test_invoice_rows(written):
    data = {row["N° facture"]: row for row in table(written, "Factures")}
    assert list(data) == ["F1", "F2", "@F3", "F4"]  # chased customers first; F5 is not due
    f1, f2 = data["F1"], data["F2"]
    assert (f1["Montant TTC"], f1["Reste dû"], f1["Jours de retard"], f1["Niveau"], f1["Inclure"]) == (
        1200.5, 1200.5, 83, 2, "Oui",
    )  # fmt: skip
    assert (f1["Nb relances"], f1["Dernière relance"]) == (1, datetime(2026, 10, 1))
    assert (f2["Niveau"], f2["Nb relances"]) == (2, None)  # joins its customer's letter, never reminded
    assert f1["Échéance"] == datetime(2026, 9, 1) and f1["ID"].startswith('["F", "C1", "F1", "')
    assert (data["F4"]["Inclure"], data["F4"]["Motif"]) == ("Non", "Facture en litige")


def test_ageing_sheet_with_totals_and_chart(written):
    sheet = openpyxl.load_workbook(written)["Balance âgée"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Code client", "Client", "Non échu", "1 à 30 jours", "31 à 60 jours", "61 à 90 jours",
                       "Plus de 90 jours", "Total"]  # fmt: skip
    assert rows[-1][0] == "Total" and rows[-1][-1] == pytest.approx(float(Decimal("2629.50")))
    assert len(sheet._charts) == 1


def test_never_overwrites(written):
    with pytest.raises(FileExistsError):
        write_proposal(sample_proposal(), written, prepared_at=PREPARED, proposal_id="x", files=[])


def test_penalties_show_a_figure_or_blank_with_the_reason(tmp_path):
    private = customer("P").__class__(code="P", name="Particulier", email="p@x.example", private=True)
    proposal = build_proposal(
        [invoice("F1", "1000", due="2026-10-01", customer="C1"),
         invoice("F2", "500", due="2026-10-01", customer="P"),
         invoice("F3", "800", due="2026-10-01", customer="C9")],
        [],
        {"C1": customer("C1"), "P": private, "C9": customer("C9")},
        [sent(2, "2026-11-01", "F1", customer="C1"), sent(2, "2026-11-01", "F2", customer="P"),
         sent(2, "2026-11-01", "F3", customer="C9")],
        SETTINGS,
        TODAY,
    )  # fmt: skip
    unpriced = build_proposal(
        [invoice("F3", "800", due="2026-10-01", customer="C9")], [], {"C9": customer("C9")},
        [sent(2, "2026-11-01", "F3", customer="C9")], Settings(), TODAY,
    )  # fmt: skip
    kept = tuple(line for line in proposal.customers if line.customer.code != "C9")
    path = write(replace(proposal, customers=kept + unpriced.customers), tmp_path)
    clients = {row["Code client"]: row for row in table(path, "Clients")}
    # 1000 € × 12.15 % × 53 days / 365 = 17.64 €; the mise en demeure claims it from a business only
    c1 = clients["C1"]
    assert (c1["Niveau"], c1["Réclamer pénalités"], c1["Pénalités"], c1["Indemnité"]) == (3, "Oui", 17.64, 40)
    assert c1["Pénalités : remarque"] is None
    p = clients["P"]
    assert (p["Réclamer pénalités"], p["Pénalités"], p["Indemnité"]) == ("Non", None, None)
    assert (
        p["Pénalités : remarque"]
        == "Client particulier : ni pénalités ni indemnité (réservées aux professionnels)"
    )
    c9 = clients["C9"]
    assert (c9["Pénalités"], c9["Pénalités : remarque"]) == (
        None,
        "Taux BCE manquant : voir l'onglet Anomalies",
    )
    invoices = {row["N° facture"]: row for row in table(path, "Factures")}
    assert (invoices["F1"]["Pénalités"], invoices["F1"]["Indemnité"]) == (17.64, 40)
    assert (invoices["F2"]["Pénalités"], invoices["F2"]["Indemnité"]) == (None, None)
