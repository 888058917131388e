"""Read a proposal workbook back, as the accountant left it: the validation cell, and each row proven to be
the row `preparer` wrote (its visible identity and read-only cells agree with its sealed hidden ID)."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import python_calamine
from openpyxl.utils import get_column_letter

from models.errors import RelanceError
from models.problems import Problem
from models.quotes import QuoteKey
from sources.cells import parse_flag, text_of
from workbook import layout as L
from workbook.columns import Sheet, quote_sheet, sheets
from workbook.formulas import formula_cells
from workbook.identity import broken_seals, parse_row_id

# Told once after the problems of rows that do not add up.
ROWS_HINT = (
    "Triez ou filtrez toujours toutes les colonnes ensemble (avec les flèches des en-têtes) et ne modifiez "
    "que les cellules jaunes ; sinon repartez de la proposition d'origine, ou lancez « preparer » pour en "
    "écrire une nouvelle."
)


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
    prepared_at: datetime | None = None
    to_chase: int | None = None  # customers proposed for a letter (None: not written by this version)
    version: int = L.FORMAT_VERSION
    has_quotes: bool = False  # written with a « Devis » sheet (input/ had a devis* file)
    companies: tuple[str, ...] = ()  # [[societes]]: the codes of the companies it was prepared for


@dataclass(frozen=True)
class EditedProposal:
    """The proposal as edited: rows by identity (customer code; code and invoice number), the rows added
    by hand apart, and every row that does not add up as a problem. With [[societes]], the rows are in
    `parts`, one EditedProposal of this shape per company code (the rows its « Société » column names)."""

    status: ProposalStatus
    customers: dict[str, SheetRow]
    invoices: dict[tuple[str, str], SheetRow]
    added: tuple[SheetRow, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    # « Devis » rows by quote (company, number): the company "" with one company; never in `parts`
    quotes: dict[QuoteKey, SheetRow] = field(default_factory=dict)
    parts: dict[str, EditedProposal] = field(default_factory=dict)  # [[societes]]: per company code


def is_open_in_excel(path: Path) -> bool:
    """Whether a program holds the workbook open: Excel's owner file `~$name.xlsx` (or `~$` replacing the
    first two characters, Word's way), or LibreOffice's lock file `.~lock.name.xlsx#`."""
    names = ("~$" + path.name, "~$" + path.name[2:], f".~lock.{path.name}#")
    return any(path.with_name(name).exists() for name in names)


def read_status(path: Path) -> ProposalStatus:
    """Read only the validation cell and the metadata: quick, for `etat` and the next-step choice."""
    with _open(path) as workbook:
        return _status(path, workbook)


def read_proposal(path: Path) -> EditedProposal:
    """Read every row back and prove it; what does not add up is returned as problems, all of them."""
    with _open(path) as workbook:
        status = _status(path, workbook)
        if status.version != L.FORMAT_VERSION:
            raise RelanceError(
                f"La proposition {path.name} a été préparée par une version précédente de Relance : "
                "lancez « preparer » pour en écrire une nouvelle."
            )
        problems: list[Problem] = []
        companies = bool(status.companies)
        specs = (*sheets(companies), *((quote_sheet(companies),) if status.has_quotes else ()))
        data = {spec.name: _sheet(path, workbook, spec.name) for spec in specs}
    formulas = _formulas(path, data, specs)
    reading = _Rows(status.proposal_id, problems, formulas)
    customer_sheet, invoice_sheet, *quote_specs = specs
    customers = reading.rows(customer_sheet, data[customer_sheet.name])
    invoices = reading.rows(invoice_sheet, data[invoice_sheet.name])
    found = {key: row for spec in quote_specs for key, row in reading.rows(spec, data[spec.name]).items()}
    # by (company, number): the identity is (company, code, number), or (code, number) with one company
    quotes = {(key[0] if companies else "", key[-1]): row for key, row in found.items()}
    if not status.companies:
        return EditedProposal(
            status,
            {key[0]: row for key, row in customers.items()},
            {(key[0], key[1]): row for key, row in invoices.items()},
            tuple(reading.added),
            tuple(problems),
            quotes,
        )
    codes = dict.fromkeys([*status.companies, *(key[0] for key in (*customers, *invoices))])
    parts = {
        code: EditedProposal(
            status,
            {key[1]: row for key, row in customers.items() if key[0] == code},
            {(key[1], key[2]): row for key, row in invoices.items() if key[0] == code},
        )
        for code in codes
    }
    return EditedProposal(status, {}, {}, tuple(reading.added), tuple(problems), quotes, parts)


class _open:
    """Open with calamine; Excel's lock becomes the sentence users need."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> python_calamine.CalamineWorkbook:
        if self.path.suffix.lower() != ".xlsx":
            raise RelanceError(
                f"La proposition {self.path.name} n'est pas au format .xlsx : dans Excel ou LibreOffice, "
                "« Enregistrer sous… » et choisissez le format « Classeur Excel (.xlsx) »."
            )
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
    meta = {text_of(row[0]): row[1] for row in _sheet(path, workbook, L.META) if len(row) >= 2 and row[0]}
    if meta.get("format") != L.FORMAT_NAME:
        raise RelanceError(f"Le fichier {path.name} n'est pas une proposition de Relance.")
    try:
        reference = date.fromisoformat(text_of(meta.get("date_reference")))
    except ValueError:
        raise RelanceError(f"La proposition {path.name} est abîmée (date de référence illisible).") from None
    try:
        prepared: datetime | None = datetime.fromisoformat(text_of(meta.get("preparee_le")))
    except ValueError:
        prepared = None
    to_chase = meta.get("a_relancer")
    validated, value, where = None, "", f"{L.SUMMARY}!{L.VALIDATED_CELL}"
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
    version = meta.get("version")
    companies = tuple(code for code in text_of(meta.get(L.COMPANIES_KEY)).split("|") if code)
    return ProposalStatus(
        path,
        text_of(meta.get("proposition")),
        reference,
        validated,
        value,
        where,
        prepared,
        int(to_chase) if isinstance(to_chase, int | float) else None,
        int(version) if isinstance(version, int | float) else 1,
        "devis" in meta,
        companies,
    )


def _formulas(
    path: Path, sheets: Mapping[str, list[list[Any]]], specs: tuple[Sheet, ...]
) -> dict[str, dict[str, str]]:
    """Formulas and error values in the editable columns, as they stand in this file."""
    columns = {}
    for spec in specs:
        data = sheets[spec.name]
        found = [text_of(cell) for cell in data[0]] if data else []
        columns[spec.name] = [
            get_column_letter(found.index(c.title) + 1) for c in spec.editable if c.title in found
        ]
    try:
        return formula_cells(path, columns)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError) as error:
        raise RelanceError(
            f"La proposition {path.name} ne peut pas être lue ({error}) : supprimez-la et préparez-en "
            "une nouvelle."
        ) from None


# How a message names what a row's visible identity shows.
class _Rows:
    """Reads the rows of one sheet after the other, proving each; problems go to the shared list."""

    def __init__(self, proposal_id: str, problems: list[Problem], formulas: dict[str, dict[str, str]]):
        self.proposal_id = proposal_id
        self.problems = problems
        self.formulas = formulas
        self.added: list[SheetRow] = []

    def problem(self, row: SheetRow, message: str) -> None:
        self.problems.append(Problem(f"{row.sheet}!{row.row:07d}", message))

    def rows(self, spec: Sheet, data: list[list[Any]]) -> dict[tuple[str, ...], SheetRow]:
        found = [text_of(cell) for cell in data[0]] if data else []
        missing = [c.title for c in spec.columns if c.title not in found and not c.optional]
        if missing:
            names = ", ".join(f"« {title} »" for title in missing)
            self.problems.append(
                Problem(
                    f"{spec.name}!0000000",
                    f"L'onglet {spec.name} n'a plus {'la colonne' if len(missing) == 1 else 'les colonnes'} "
                    f"{names} : remettez-la ou lancez « preparer » pour écrire une nouvelle proposition.",
                )
            )
            return {}
        index = {title: found.index(title) for title in spec.titles if title in found}
        kind = spec.name[0]
        by_id: dict[tuple[str, ...], SheetRow] = {}
        for number, cells in enumerate(data[1:], start=2):
            if not any(text_of(cell) for cell in cells):
                continue
            values = {h: (cells[i] if i < len(cells) else None) for h, i in index.items()}
            row = SheetRow(spec.name, number, values, index)
            written = text_of(values[L.ID_HEADER])
            if not written:
                self.added.append(row)
                continue
            row_id = parse_row_id(written, kind, len(spec.identity))
            if row_id is None:
                self.problem(
                    row,
                    f"Onglet {spec.name}, ligne {number} : la cellule cachée {row.cell(L.ID_HEADER)} "
                    "(« ID ») a été modifiée ; Relance ne peut plus dire à qui est cette ligne.",
                )
                continue
            if not self._proven(spec, row, row_id):
                continue
            self._formulas_in(spec, row)
            twin = by_id.get(row_id.identity)
            if twin is None:
                by_id[row_id.identity] = row
            else:
                self._same_choices(spec, twin, row, row_id.identity)
        return by_id

    def _proven(self, spec: Sheet, row: SheetRow, row_id: Any) -> bool:
        visible = tuple(text_of(row.values[title]) for title in spec.identity)
        if visible != row_id.identity:
            self.problem(
                row,
                f"Onglet {spec.name}, ligne {row.row} : {spec.what} affiché « {' / '.join(visible)} » "
                f"n'est pas celui de cette ligne (« {' / '.join(row_id.identity)} ») : des colonnes ont été "
                "triées, déplacées ou collées à part des autres.",
            )
            return False
        witnesses = [(column, row.values[column.title]) for column in spec.witnesses]
        broken = broken_seals(self.proposal_id, row_id, witnesses)
        if broken:
            cells = ", ".join(f"{row.cell(column.title)} (« {column.title} »)" for column in broken)
            plural = len(broken) > 1
            self.problem(
                row,
                f"Onglet {spec.name}, ligne {row.row} ({' / '.join(visible)}) : "
                f"{'les cellules' if plural else 'la cellule'} {cells} "
                f"{'ne contiennent' if plural else 'ne contient'} plus ce que Relance y avait écrit : "
                "des cellules ont été triées, collées ou modifiées à part de leur ligne.",
            )
            return False
        return True

    def _formulas_in(self, spec: Sheet, row: SheetRow) -> None:
        found = self.formulas.get(spec.name, {})
        for column in spec.editable:
            if column.title not in row.columns:
                continue
            reference = row.cell(column.title).split("!")[1]
            content = found.get(reference)
            if content is None:
                continue
            what = "une erreur d'Excel" if content.startswith("#") else "une formule"
            self.problem(
                row,
                f"Onglet {spec.name}, cellule {row.cell(column.title)} (« {column.title} ») : {what} "
                f"(« {content} ») n'est pas lue ; écrivez la valeur elle-même.",
            )

    def _same_choices(
        self, spec: Sheet, first: SheetRow, second: SheetRow, identity: tuple[str, ...]
    ) -> None:
        """A row copied whole is harmless when it says the same; when the copies disagree, nobody can tell
        which one the accountant meant."""
        for column in spec.editable:
            a, b = text_of(first.values.get(column.title)), text_of(second.values.get(column.title))
            if a != b:
                self.problem(
                    second,
                    f"Onglet {spec.name}, lignes {first.row} et {second.row} : deux lignes pour "
                    f"« {' / '.join(identity)} » disent des choses différentes (« {column.title} » : « {a} » "
                    f"et « {b} ») ; supprimez celle qui est fausse.",
                )
                return
