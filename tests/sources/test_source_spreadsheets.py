"""Reading spreadsheets (.xlsx by openpyxl, .xls and .ods by LibreOffice) through calamine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from models.errors import RelanceError
from models.records import Anomaly, Source
from models.settings import Settings
from sources import read_exports
from tests.sources.samples import read


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_spreadsheet_with_title_hidden_sheet_dates_serials_and_bad_cells(
    input_dir: Path, suffix: str
) -> None:
    name = f"factures.{suffix}"
    exports = read(input_dir, {name: f"factures_excel.{suffix}"})
    assert [
        (i.number, i.customer_code, i.date, i.due_date, i.amount, i.paid, i.dispute, i.source)
        for i in exports.invoices
    ] == [
        # a number cell 1042 is the invoice "1042"; real date cells
        ("1042", "C001", date(2026, 1, 5), date(2026, 2, 4), Decimal("1234.56"), Decimal("0.00"), "",
         Source(name, 4)),
        # customer code 2002 as a number; datetime cell; serial 46060 in a General cell; text amount
        ("F-1043", "2002", date(2026, 1, 6), date(2026, 2, 7), Decimal("1234.56"), None, "Oui",
         Source(name, 5)),
        ("F-1044", "C003", date(2026, 1, 15), date(2026, 2, 14), Decimal("-600.00"), None, "",
         Source(name, 6)),
        # 99.999 rounds to 100.00; "46100" typed as text is a serial too; litige 1
        ("F-1047", "C005", date(2026, 1, 19), date(2026, 3, 19), Decimal("100.00"), Decimal("50.00"),
         "Oui", Source(name, 11)),
    ]
    assert exports.anomalies == (
        Anomaly(name, 7, "Date d'échéance", "31/02/2026", "Date illisible : ligne ignorée."),
        Anomaly(name, 8, "Total TTC", "abc", "Montant illisible : ligne ignorée."),
        Anomaly(name, 9, "N° facture", "", "Numéro de facture vide : ligne ignorée."),
        Anomaly(name, 12, "Code client", "", "Code client vide : ligne ignorée."),
    )
    assert exports.invoices[0].customer_name == "Boulangerie Lefèvre"


def test_header_on_row_one_and_short_rows(input_dir: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Code client", "Raison sociale", "Courriel", "CP", "Type", "Exclu des relances"])
    sheet.append(["C1", "Alpha", "a@alpha.fr", 6000, "Particulier", True])
    sheet.append([101.0, "Beta"])  # Excel stops the row where the data stops
    sheet.append([None, None, None, None, None, None])
    workbook.save(input_dir / "clients.xlsx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["N° facture", "Code client", "Date", "Échéance", "Montant"])
    workbook.save(input_dir / "factures.xlsx")
    exports = read_exports(input_dir, Settings())
    alpha, beta = exports.customers["C1"], exports.customers["101"]
    assert (alpha.email, alpha.postal_code, alpha.private, alpha.do_not_chase) == (
        "a@alpha.fr", "06000", True, True)
    assert (beta.name, beta.email, beta.postal_code, beta.private, beta.do_not_chase) == (
        "Beta", "", "", False, False)
    assert exports.invoices == ()
    assert exports.anomalies == ()


def test_corrupt_spreadsheet_names_the_file(input_dir: Path) -> None:
    with pytest.raises(RelanceError, match=r"^Le fichier factures\.xlsx ne peut pas être lu : il est abîmé"):
        read(input_dir, {"factures.xlsx": "factures_abime.xlsx"})
