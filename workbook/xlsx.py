"""Writing Relance's workbooks with XlsxWriter: the styles as formats, row by row, data kept as data.

XlsxWriter in constant-memory mode writes each row as it comes (about 40 % faster than openpyxl's
write-only mode with styled cells, benchmarks/bench_xlsx_writers.py); openpyxl and calamine read the
result back. A text from the data is always written as text, never a formula or a link: a customer
named « =1+2 » stays a name, and keeps a quote prefix so that Excel does not make it a formula when the
cell is edited.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from models.errors import write_error

EURO = '#,##0.00\\ "€";[Red]\\-#,##0.00\\ "€"'
FORMULA_STARTS = ("=", "+", "-", "@")
_THIN = {"color": "#BFBFBF"}
_BOX = {"border": 1, "border_color": "#BFBFBF"}

# name -> XlsxWriter format properties
STYLES: dict[str, dict[str, Any]] = {
    "rl_header": {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "valign": "vcenter",
                  "text_wrap": True, "bottom": 1, "bottom_color": _THIN["color"]},
    "rl_title": {"bold": True, "font_size": 14, "font_color": "#1F4E78"},
    "rl_bold": {"bold": True},
    "rl_euro": {"num_format": EURO},
    "rl_euro_bold": {"num_format": EURO, "bold": True},
    "rl_date": {"num_format": "dd/mm/yyyy", "align": "left"},
    "rl_datetime": {"num_format": "dd/mm/yyyy hh:mm", "align": "left"},
    "rl_edit": {"bg_color": "#FFF2CC", **_BOX},
    "rl_edit_text": {"bg_color": "#FFF2CC", "num_format": "@", **_BOX},
    "rl_validate": {"bg_color": "#FFD966", "bold": True, "font_size": 13, **_BOX},
    "rl_wrap": {"text_wrap": True, "valign": "top"},
}  # fmt: skip


class Book:
    """An XlsxWriter workbook with Relance's formats, written under a temporary name then renamed."""

    def __init__(self, path: Path) -> None:
        if path.exists():  # an edited proposal is never overwritten
            raise FileExistsError(path)
        self.path = path
        self.temporary = path.with_name(f".{path.stem}.en-cours{path.suffix}")
        self.workbook: Workbook = xlsxwriter.Workbook(
            str(self.temporary),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
             "strings_to_numbers": False, "default_date_format": "dd/mm/yyyy"},
        )  # fmt: skip
        self.formats = {name: self.workbook.add_format(props) for name, props in STYLES.items()}
        self.quoted = {name: self.workbook.add_format({**props, "quote_prefix": True})
                       for name, props in STYLES.items()}  # fmt: skip
        self.quoted[""] = self.workbook.add_format({"quote_prefix": True})

    def sheet(self, title: str, widths: Sequence[float], headers: Sequence[str] = ()) -> Rows:
        """A new sheet, printed landscape on A4, one page wide; with headers: a frozen, wrapped title
        row repeated on every printed page."""
        sheet = self.workbook.add_worksheet(title)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        rows = Rows(self, sheet)
        if headers:
            sheet.repeat_rows(0)
            sheet.freeze_panes(1, 0)
            sheet.set_row(0, 32)  # points: two lines of a wrapped title, in Excel and LibreOffice alike
            rows.append([(header, "rl_header") for header in headers])
        return rows

    def close(self) -> None:
        """Write the file whole, then give it its name; a full disk is one sentence, no half file."""
        try:
            self.workbook.close()
            if self.path.exists():
                raise FileExistsError(self.path)
            os.replace(self.temporary, self.path)
        except FileExistsError:
            raise
        except OSError as error:
            raise write_error(error, str(self.path.parent)) from None
        except FileCreateError as error:  # XlsxWriter's own wrapping of the OSError
            wrapped = error.args[0] if error.args else None
            cause = wrapped if isinstance(wrapped, OSError) else OSError(str(error))
            raise write_error(cause, str(self.path.parent)) from None
        finally:
            self.temporary.unlink(missing_ok=True)


class Rows:
    """Appends rows to one sheet; a cell is a value, or (value, style name), or a Formula."""

    def __init__(self, book: Book, sheet: Worksheet) -> None:
        self.book = book
        self.sheet = sheet
        self.next = 0  # the next row to write (0-based)

    def append(self, cells: Iterable[Any]) -> None:
        row = self.next
        write = self._write
        for column, cell in enumerate(cells):
            if isinstance(cell, tuple):
                write(row, column, cell[0], cell[1])
            elif isinstance(cell, Formula):
                self.sheet.write_formula(row, column, cell.text, None, cell.value)
            else:
                write(row, column, cell, "")
        self.next += 1

    def _write(self, row: int, column: int, value: Any, style: str) -> None:
        sheet = self.sheet
        if value is None or value == "":
            if style:
                sheet.write_blank(row, column, None, self.book.formats[style])
            return
        if isinstance(value, str):
            quoted = value.startswith(FORMULA_STARTS)
            cell_format = (
                (self.book.quoted if quoted else self.book.formats).get(style) if (style or quoted) else None
            )
            sheet.write_string(row, column, value, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, self.book.formats.get(style))
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(row, column, float(value), self.book.formats.get(style))
        elif isinstance(value, datetime | date):
            sheet.write_datetime(row, column, value, self.book.formats.get(style))
        else:
            raise TypeError(f"cannot write {value!r}")

    def dropdown(self, column: int, options: Iterable[str], rows: int, *, allow_blank: bool = True) -> None:
        """A list to choose from in `column`, on the `rows` data rows under the title row."""
        if rows == 0:
            return
        values = list(options)
        self.sheet.data_validation(
            1, column, rows, column,
            {"validate": "list", "source": values, "ignore_blank": allow_blank,
             "error_title": "Valeur non prévue",
             "error_message": f"Choisissez une valeur de la liste : {', '.join(values)}."},
        )  # fmt: skip

    def filters(self, columns: int, rows: int) -> None:
        """The filter arrows over the table: title row and `rows` data rows."""
        self.sheet.autofilter(0, 0, rows, columns - 1)

    def hide_column(self, column: int, width: float) -> None:
        self.sheet.set_column(column, column, width, None, {"hidden": True})


class Formula:
    """A formula of Relance's own (never from the data), with the value it shows until recalculated."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: str) -> None:
        self.text = text
        self.value = value


Writer = Callable[[Book], None]
