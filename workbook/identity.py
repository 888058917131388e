"""A row's proof of identity: the hidden ID names the row and seals its read-only cells.

The hidden ID of a `Clients` / `Factures` row holds the row's own identity (customer code, invoice
number) and a short seal of each read-only cell `preparer` wrote in it, salted with the proposal's id.
Reading the edited workbook back, the visible identity must be the ID's, and each read-only cell must
still match its seal: a sort of some columns apart from the others, cells pasted from another row or
another proposal, an edited or moved ID, all show as a disagreement on a named cell. Sorting or
filtering whole rows moves the ID with its cells and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sources.cells import parse_amount, parse_date, text_of
from workbook.columns import AMOUNT, DATE, INT, Column

CENT = Decimal("0.01")
SEAL_LENGTH = 4  # hex digits per cell: one chance in 65,536 that a moved cell goes unnoticed


@dataclass(frozen=True)
class RowId:
    """What a hidden ID says: the row's identity (code, or code and invoice number) and its seals."""

    identity: tuple[str, ...]
    seals: str


def normalized(kind: str, value: Any) -> str:
    """The value of a read-only cell as text that survives Excel and LibreOffice saving the file:
    amounts to the cent, dates as days, counts as integers, text trimmed."""
    if value is None or value == "":
        return ""
    if type(value) is str and kind not in (AMOUNT, DATE, INT):
        return value.strip()  # the common case, first
    if type(value) is Decimal and kind == AMOUNT:
        return f"{value.quantize(CENT, ROUND_HALF_UP):.2f}"  # as written; parse_amount would give the same
    try:
        if kind == AMOUNT:
            amount = parse_amount(value)
            return "" if amount is None else f"{amount:.2f}"
        if kind == DATE:
            day = value.date() if isinstance(value, datetime) else value
            day = day if isinstance(day, date) else parse_date(value)
            return "" if day is None else day.isoformat()
        if kind == INT:
            return str(int(float(value)))
    except (TypeError, ValueError):
        pass  # not what was written: it will not match its seal, which is the point
    return text_of(value)


def seal(proposal_id: str, column: Column, value: Any) -> str:
    text = f"{proposal_id}\x1f{column.title}\x1f{normalized(column.kind, value)}"
    return hashlib.blake2s(text.encode("utf-8"), digest_size=SEAL_LENGTH // 2).hexdigest()


def row_id(
    proposal_id: str, kind: str, identity: Sequence[str], witnesses: Sequence[tuple[Column, Any]]
) -> str:
    """The hidden ID written in a row: ["C", code, seals] or ["F", code, number, seals]."""
    seals = "".join(seal(proposal_id, column, value) for column, value in witnesses)
    return json.dumps([kind, *identity, seals], ensure_ascii=False)


def parse_row_id(text: str, kind: str, size: int) -> RowId | None:
    """The ID of a row, or None when the cell does not hold one written by Relance for this sheet."""
    try:
        parts = json.loads(text)
    except ValueError:
        return None
    if (
        not isinstance(parts, list)
        or len(parts) != size + 2
        or parts[0] != kind
        or not all(isinstance(part, str) for part in parts)
    ):
        return None
    return RowId(tuple(parts[1:-1]), parts[-1])


def broken_seals(proposal_id: str, row: RowId, witnesses: Sequence[tuple[Column, Any]]) -> list[Column]:
    """The read-only cells of a row that no longer hold what `preparer` wrote there."""
    if len(row.seals) != SEAL_LENGTH * len(witnesses):
        return [column for column, _ in witnesses]
    return [
        column
        for index, (column, value) in enumerate(witnesses)
        if row.seals[index * SEAL_LENGTH : (index + 1) * SEAL_LENGTH] != seal(proposal_id, column, value)
    ]
