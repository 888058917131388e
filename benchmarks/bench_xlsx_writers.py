"""Writing a proposal-sized workbook: openpyxl write-only (what workbook/writer.py uses) vs XlsxWriter.

    python benchmarks/bench_xlsx_writers.py [--invoices 81063] [--customers 42247]

Writes, in a temporary folder, a Factures-like sheet (15 columns: texts, dates, amounts in a money
format, a day count, an Oui/Non list with a validation, a hidden ID) and a Clients-like sheet
(18 columns) three ways: openpyxl write-only with a style per typed cell (as the writer does),
openpyxl write-only with plain values, and XlsxWriter in constant_memory mode with formats. The
default sizes are those of the proposal of the 1M set. Prints each one's time; a measure for the
lead (issue 10), not a target.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import NamedStyle
from openpyxl.worksheet.datavalidation import DataValidation

MONEY = '#,##0.00\\ "€";-#,##0.00\\ "€"'


def rows(count: int, width: int):
    base = date(2025, 1, 1)
    for n in range(count):
        due = base + timedelta(days=n % 700)
        yield [f"C{n % 50000:05d}", f"FA-2025-{n:06d}", due, due + timedelta(days=30),
               Decimal(n % 100000) / 100 + 1, Decimal(n % 90000) / 100, (n % 600) - 30, n % 3 + 1,
               "Oui", "Virement", "", f"Citée sans changer de niveau ; suivant possible le {n % 28 + 1}/12",
               Decimal(n % 5000) / 100, Decimal(40), f"{n:032x}", *[""] * (width - 15)][:width]


def with_openpyxl(path: Path, invoices: int, customers: int, styled: bool) -> None:
    book = Workbook(write_only=True)
    if styled:
        for name, fmt in (("date", "DD/MM/YYYY"), ("money", MONEY)):
            style = NamedStyle(name=name, number_format=fmt)
            book.add_named_style(style)
    for title, count, width in (("Factures", invoices, 15), ("Clients", customers, 18)):
        sheet = book.create_sheet(title)
        sheet.column_dimensions["O"].hidden = True
        sheet.freeze_panes = "A2"
        sheet.append([f"Colonne {i}" for i in range(width)])
        for values in rows(count, width):
            if styled:
                cells = []
                for value in values:
                    if isinstance(value, date | Decimal):
                        cell = WriteOnlyCell(sheet, value)
                        cell.style = "date" if isinstance(value, date) else "money"
                        cells.append(cell)
                    else:
                        cells.append(value)
                sheet.append(cells)
            else:
                sheet.append(values)
        validation = DataValidation(type="list", formula1='"Oui,Non"', allow_blank=True)
        validation.add(f"I2:I{count + 1}")
        sheet.data_validations.append(validation)
    book.save(path)


def with_xlsxwriter(path: Path, invoices: int, customers: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = {"date": book.add_format({"num_format": "dd/mm/yyyy"}),
               "money": book.add_format({"num_format": MONEY})}
    for title, count, width in (("Factures", invoices, 15), ("Clients", customers, 18)):
        sheet = book.add_worksheet(title)
        sheet.set_column(14, 14, None, None, {"hidden": True})
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, [f"Colonne {i}" for i in range(width)])
        for r, values in enumerate(rows(count, width), start=1):
            for c, value in enumerate(values):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, formats["date"])
                elif isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value), formats["money"])
                else:
                    sheet.write(r, c, value)
        sheet.data_validation(1, 8, count, 8, {"validate": "list", "source": ["Oui", "Non"]})
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=81063)
    parser.add_argument("--customers", type=int, default=42247)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sizes = (args.invoices, args.customers)
        for name, write in (
            ("openpyxl write-only, styled cells", lambda p: with_openpyxl(p, *sizes, True)),
            ("openpyxl write-only, plain values", lambda p: with_openpyxl(p, *sizes, False)),
            ("XlsxWriter constant_memory, formats", lambda p: with_xlsxwriter(p, *sizes)),
        ):
            path = Path(folder) / f"{name.split()[0]}.xlsx"
            start = time.perf_counter()
            write(path)
            print(f"{name:<40} {time.perf_counter() - start:6.2f} s  {path.stat().st_size / 1e6:5.1f} MB")
            path.unlink()


if __name__ == "__main__":
    main()
