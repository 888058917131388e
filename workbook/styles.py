"""Cell styles of the proposal workbook, built once per workbook and shared by every cell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook

EURO = '#,##0.00\\ "€";[Red]\\-#,##0.00\\ "€"'
DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
FORMULA_STARTS = ("=", "+", "-", "@")

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")  # light yellow: "you may change this"
_thin = Side(style="thin", color="BFBFBF")

# name -> NamedStyle keyword arguments
_STYLES: dict[str, dict[str, Any]] = {
    "rl_header": {
        "font": Font(bold=True, color="FFFFFF"),
        "fill": HEADER_FILL,
        "alignment": Alignment(vertical="center", wrap_text=True),
        "border": Border(bottom=_thin),
    },
    "rl_title": {"font": Font(bold=True, size=14, color="1F4E78")},
    "rl_bold": {"font": Font(bold=True)},
    "rl_euro": {"number_format": EURO},
    "rl_euro_bold": {"number_format": EURO, "font": Font(bold=True)},
    "rl_date": {"number_format": DATE, "alignment": Alignment(horizontal="left")},
    "rl_datetime": {"number_format": DATETIME, "alignment": Alignment(horizontal="left")},
    "rl_edit": {"fill": EDITABLE_FILL, "border": Border(left=_thin, right=_thin, top=_thin, bottom=_thin)},
    "rl_edit_text": {
        "fill": EDITABLE_FILL,
        "number_format": "@",
        "border": Border(left=_thin, right=_thin, top=_thin, bottom=_thin),
    },
    "rl_validate": {
        "fill": PatternFill("solid", fgColor="FFD966"),
        "font": Font(bold=True, size=13),
        "border": Border(left=_thin, right=_thin, top=_thin, bottom=_thin),
    },
    "rl_wrap": {"alignment": Alignment(wrap_text=True, vertical="top")},
}


@dataclass(frozen=True)
class Styler:
    """Makes styled write-only cells; a value from the data is always text, never a formula."""

    # style name -> the style array of a cell with that style: copying it is three times faster than
    # `cell.style = name`, which counts on files of 100,000 invoices.
    prototypes: dict[str, StyleArray]

    @classmethod
    def install(cls, workbook: Workbook) -> Styler:
        sheet = workbook.create_sheet("prototypes")
        prototypes = {}
        for name, options in _STYLES.items():
            workbook.add_named_style(NamedStyle(name, **options))
            cell = WriteOnlyCell(sheet, None)
            cell.style = name
            prototypes[name] = cell._style
        workbook.remove(sheet)
        return cls(prototypes)

    def cell(self, sheet: Any, value: Any, style: str | None = None) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value)
        if style:
            cell._style = StyleArray(self.prototypes[style])
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            # A customer named "=1+2" stays a name: openpyxl would write a formula, and Excel would
            # turn the text into one when the cell is edited.
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def text(self, sheet: Any, value: str) -> Any:
        """A value from the data for ws.append: a cell only when it needs protecting, for speed."""
        if value.startswith(FORMULA_STARTS):
            return self.cell(sheet, value)
        return value
