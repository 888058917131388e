"""Read a proposal workbook back, as the accountant left it: validation cell, and rows by hidden ID."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import python_calamine
from openpyxl.utils import get_column_letter

from models.errors import RelanceError
from sources.cells import parse_flag, text_of
from workbook import layout as L


@dataclass(frozen=True)
class SheetRow:
    """One row of an edited sheet: its number as Excel shows it, and its values by header."""

    sheet: str
    row: int
    values: dict[str, Any]
    columns: Mapping[str, int]  # header -> column position (0-based), shared by the sheet's rows

    def cell(self, header: str) -> str:
        """Where a value stands, as Excel names it: « Clients!J5 »."""
        return f"{self.sheet}!{get_column_letter(self.columns[header] + 1)}{self.row}"


@dataclass(frozen=True)
class ProposalStatus:
    """What `etat` and the sending step need to know first: is this proposal validated?"""

    path: Path
    proposal_id: str
    reference_date: date
    validated: bool | None  # None: the cell holds something else than Oui/Non
    validated_value: str
    validated_cell: str  # e.g. "Synthèse!B3"


@dataclass(frozen=True)
class EditedProposal:
    """The proposal as edited: rows matched by their hidden ID; rows added by hand kept apart."""

    status: ProposalStatus
    customers: dict[str, SheetRow]
    invoices: dict[str, SheetRow]
    added: tuple[SheetRow, ...]


def is_open_in_excel(path: Path) -> bool:
    """Whether the owner file Excel writes beside a workbook it has open is there: `~$name.xlsx`
    (Excel), or `~$` replacing the first two characters (Word's way, seen with some Office versions)."""
    return any(path.with_name(name).exists() for name in ("~$" + path.name, "~$" + path.name[2:]))


def read_status(path: Path) -> ProposalStatus:
    """Read only the validation cell and the metadata: quick, for `etat` and the next-step choice."""
    with _open(path) as workbook:
        return _status(path, workbook)


def read_proposal(path: Path) -> EditedProposal:
    """Read every editable row back; a renamed or deleted column stops with the sheet and column."""
    with _open(path) as workbook:
        status = _status(path, workbook)
        customers, added = _rows(path, workbook, L.CUSTOMERS, L.CUSTOMER_HEADERS)
        invoices, added_invoices = _rows(path, workbook, L.INVOICES, L.INVOICE_HEADERS)
    return EditedProposal(status, customers, invoices, added + added_invoices)


class _open:
    """Open with calamine; Excel's lock becomes the sentence users need."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> python_calamine.CalamineWorkbook:
        try:
            self.handle = self.path.open("rb")
            self.workbook = python_calamine.CalamineWorkbook.from_filelike(self.handle)
        except PermissionError:
            raise RelanceError(
                f"La proposition {self.path.name} est ouverte dans Excel : fermez le fichier dans Excel "
                "puis recommencez."
            ) from None
        except (OSError, python_calamine.CalamineError, ValueError) as error:
            raise RelanceError(
                f"La proposition {self.path.name} ne peut pas être lue ({error}) : "
                "supprimez-la et préparez-en une nouvelle."
            ) from None
        return self.workbook

    def __exit__(self, *exc: object) -> None:
        self.workbook.close()
        self.handle.close()


def _sheet(path: Path, workbook: python_calamine.CalamineWorkbook, name: str) -> list[list[Any]]:
    if name not in workbook.sheet_names:
        raise RelanceError(
            f"La proposition {path.name} n'a pas d'onglet « {name} » : ce n'est pas une proposition "
            "de Relance, ou l'onglet a été renommé ou supprimé."
        )
    return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _status(path: Path, workbook: python_calamine.CalamineWorkbook) -> ProposalStatus:
    meta = {text_of(row[0]): row[1] for row in _sheet(path, workbook, L.META) if len(row) >= 2}
    if meta.get("format") != L.FORMAT_NAME:
        raise RelanceError(f"Le fichier {path.name} n'est pas une proposition de Relance.")
    try:
        reference = date.fromisoformat(text_of(meta.get("date_reference")))
    except ValueError:
        raise RelanceError(f"La proposition {path.name} est abîmée (date de référence illisible).") from None
    validated, value, where = None, "", f"{L.SUMMARY}!B3"
    for number, row in enumerate(_sheet(path, workbook, L.SUMMARY), start=1):
        if row and text_of(row[0]) == L.VALIDATED_LABEL:
            value = text_of(row[1]) if len(row) > 1 else ""
            validated, where = parse_flag(value), f"{L.SUMMARY}!B{number}"
            break
    else:
        raise RelanceError(
            f"La proposition {path.name} n'a plus de cellule « {L.VALIDATED_LABEL} » dans l'onglet "
            f"{L.SUMMARY} : préparez-en une nouvelle."
        )
    return ProposalStatus(path, text_of(meta.get("proposition")), reference, validated, value, where)


def _rows(
    path: Path, workbook: python_calamine.CalamineWorkbook, name: str, headers: Sequence[str]
) -> tuple[dict[str, SheetRow], tuple[SheetRow, ...]]:
    data = _sheet(path, workbook, name)
    found = [text_of(cell) for cell in data[0]] if data else []
    missing = [header for header in headers if header not in found and header not in L.OPTIONAL_HEADERS]
    if missing:
        raise RelanceError(
            f"Dans la proposition {path.name}, l'onglet {name} n'a plus de colonne "
            f"« {missing[0]} » : remettez-la ou préparez une nouvelle proposition."
        )
    index = {header: found.index(header) for header in headers if header in found}
    by_id: dict[str, SheetRow] = {}
    added: list[SheetRow] = []
    for number, cells in enumerate(data[1:], start=2):
        if not any(text_of(cell) for cell in cells):
            continue
        values = {h: (cells[i] if i < len(cells) else None) for h, i in index.items()}
        row = SheetRow(name, number, values, index)
        key = text_of(values[L.ID_HEADER])
        if key:
            by_id[key] = row
        else:
            added.append(row)
    return by_id, tuple(added)
