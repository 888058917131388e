"""What accountants do to a proposal in Excel, done with openpyxl on the real file: edit cells, sort all
the columns or only some of them (Excel's « continue with the current selection »), paste cells."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from models.proposal import Proposal
from tests.models.factories import TODAY
from workbook.writer import write_proposal

PREPARED = datetime(2026, 11, 23, 8, 30)


def write(proposal: Proposal, folder: Path, proposal_id: str = "abc") -> Path:
    path = folder / "proposition_2026-11-23.xlsx"
    write_proposal(proposal, path, prepared_at=PREPARED, proposal_id=proposal_id, files=["f.csv"])
    return path


def headers(sheet: Any) -> list[str]:
    return [cell.value for cell in sheet[1]]


def table(path: Path, name: str) -> list[dict[str, Any]]:
    """The rows of a sheet as dictionaries by header, in the sheet's order."""
    sheet = openpyxl.load_workbook(path)[name]
    titles = headers(sheet)
    return [dict(zip(titles, row, strict=False)) for row in sheet.iter_rows(min_row=2, values_only=True)]


def set_cells(path: Path, name: str, column: str, values: Mapping[str, Any]) -> None:
    """Type `values` (customer code; invoice number on Factures, quote number on Devis -> value) in
    `column` of `name`."""
    book = openpyxl.load_workbook(path)
    sheet = book[name]
    titles = headers(sheet)
    key = titles.index({"Clients": "Code client", "Devis": "N° devis"}.get(name, "N° facture"))
    target = titles.index(column)
    for row in sheet.iter_rows(min_row=2):
        if row[key].value in values:
            row[target].value = values[row[key].value]
    book.save(path)


def sort(
    path: Path,
    name: str,
    key: Callable[[dict[str, Any]], Any],
    columns: Sequence[str] | None = None,
    reverse: bool = False,
) -> None:
    """Sort the rows of a sheet by `key`, moving only `columns` (None: all of them, hidden ID included);
    the other cells stay where they were, as with Excel's « continue with the current selection »."""
    book = openpyxl.load_workbook(path)
    sheet = book[name]
    titles = headers(sheet)
    moved = [titles.index(c) for c in (columns or titles)]
    rows = [list(row) for row in sheet.iter_rows(min_row=2)]
    values = [[(cell.value, cell.data_type) for cell in row] for row in rows]

    def by_key(i: int) -> Any:
        return key(dict(zip(titles, (value for value, _ in values[i]), strict=False)))

    order = sorted(range(len(rows)), key=by_key, reverse=reverse)
    for target, source in enumerate(order):
        for column in moved:
            value, kind = values[source][column]
            cell = rows[target][column]
            cell.value = value
            if kind == "s" and isinstance(value, str):
                cell.data_type = "s"  # Excel keeps a text cell text when it moves
    book.save(path)


def copy_cells(path: Path, name: str, source_row: int, target_row: int, columns: Sequence[str]) -> None:
    """Copy some cells of one row onto another (rows numbered as Excel shows them)."""
    book = openpyxl.load_workbook(path)
    sheet = book[name]
    titles = headers(sheet)
    for column in columns:
        index = titles.index(column) + 1
        sheet.cell(target_row, index).value = sheet.cell(source_row, index).value
    book.save(path)


def validate(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    book["Synthèse"]["B3"] = "Oui"
    book.save(path)


__all__ = ["PREPARED", "TODAY", "copy_cells", "set_cells", "sort", "table", "validate", "write"]
