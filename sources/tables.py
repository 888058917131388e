"""Opening one export file (CSV/TXT or spreadsheet) as numbered rows of raw cells."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import python_calamine

from models.errors import RelanceError
from sources.cells import normalize_header, text_of

log = logging.getLogger("relance")

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
TEXT_SUFFIXES = frozenset({".csv", ".txt"})
SEPARATORS = (";", "\t", "|", ",")  # preference order when everything else ties
_SNIFF_LINES = 20
_SNIFF_CHARS = 1 << 16

Row = tuple[int, Sequence[object]]  # (physical row number, 1-based; cells)


class Table(NamedTuple):
    """The non-blank rows of a file, and the fastest way to read one of its cells as text."""

    rows: Iterator[Row]
    text: Callable[[Any], str]  # str.strip for CSV, whose cells are all text; else text_of


def read_rows(path: Path, known_titles: frozenset[str]) -> Table:
    """The non-blank rows of the file's first sheet, numbered as Excel or a text editor shows them."""
    if _is_spreadsheet(path):
        return Table(_spreadsheet_rows(path), text_of)
    return Table(_csv_rows(path, known_titles), str.strip)


def _is_spreadsheet(path: Path) -> bool:
    """By content, not name: many programs "export to Excel" as tab-separated text named .xls."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        raise _cannot_open(path, error) from None
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # zip (xlsx, ods) or OLE (xls)
        return True
    # Text in a spreadsheet's clothes is read as CSV; anything else goes to calamine to be refused.
    return path.suffix.lower() in SPREADSHEET_SUFFIXES and (not head or b"\x00" in head)


def _cannot_open(path: Path, error: Exception) -> RelanceError:
    if isinstance(error, PermissionError):
        return RelanceError(
            f"Le fichier {path.name} ne peut pas être ouvert : il est sans doute ouvert dans Excel "
            f"ou un autre programme ; fermez-le dans Excel puis recommencez."
        )
    log.debug("%s : %r", path, error)  # the library's own words, in English, for the log only
    return RelanceError(
        f"Le fichier {path.name} ne peut pas être lu : il est abîmé ou n'est pas vraiment au format "
        f"{path.suffix.lower()} ; ouvrez-le dans Excel et enregistrez-le de nouveau."
    )


# --- spreadsheets -----------------------------------------------------------------------------


def _spreadsheet_rows(path: Path) -> Iterator[Row]:
    try:
        # Python's open() first: Excel's lock on Windows then surfaces as a PermissionError,
        # whereas calamine reports every I/O failure as a bare OSError.
        with path.open("rb") as handle:
            workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
            sheet = workbook.get_sheet_by_index(_first_visible_sheet(workbook))
            # skip_empty_area=False keeps leading empty rows, so that index + 1 is Excel's row.
            data = sheet.to_python(skip_empty_area=False)
            workbook.close()
    except (OSError, python_calamine.CalamineError, ValueError) as error:
        raise _cannot_open(path, error) from None
    return _numbered(data)


def _first_visible_sheet(workbook: python_calamine.CalamineWorkbook) -> int:
    for position, meta in enumerate(workbook.sheets_metadata):
        if (
            meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ):
            return position
    return 0


def _numbered(data: list[list[object]]) -> Iterator[Row]:
    for position, cells in enumerate(data, start=1):
        # any(cells) alone would drop a row of zeros; the second test runs only for falsy rows.
        if any(cells) or any(c != "" and c is not None for c in cells):
            yield position, cells


# --- CSV and TXT ------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """Text of a CSV as French software writes it: UTF-8 (with or without BOM), else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")  # cp1252 leaves five bytes undefined; latin-1 maps every byte


def detect_separator(text: str, known_titles: frozenset[str]) -> str:
    """The separator giving the most recognised column titles in the first lines."""
    head = text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES]  # not the whole file's lines
    best, best_score = SEPARATORS[0], (-1, -1)
    for separator in SEPARATORS:
        rows = [row for row in csv.reader(head, delimiter=separator) if row]
        titles = max(
            (sum(1 for c in row if normalize_header(c) in known_titles) for row in rows), default=0
        )
        widths = [len(row) for row in rows if len(row) > 1]
        consistent = max((widths.count(w) for w in set(widths)), default=0)
        score = (titles, consistent)
        if score > best_score:  # strict: earlier separators win ties
            best, best_score = separator, score
    return best


def _csv_rows(path: Path, known_titles: frozenset[str]) -> Iterator[Row]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _cannot_open(path, error) from None
    text = decode(raw)
    separator = detect_separator(text, known_titles)
    return _csv_records(text, separator, path.name)


def _csv_records(text: str, separator: str, name: str) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    last_line = 0
    try:
        for cells in reader:
            # A record starts on the line after the previous one ended (quoted fields may span
            # lines); blank lines come back as [] and are skipped, their numbers still counted.
            first_line, last_line = last_line + 1, reader.line_num
            if any(cells):
                yield first_line, cells
    except csv.Error as error:
        # In its lenient mode csv only fails when a quote left open swallowed the lines after it
        # into one huge field: the record that went wrong started right after the last good one.
        log.debug("%s : %s", name, error)
        raise RelanceError(
            f"Le fichier {name} est mal formé à la ligne {last_line + 1} : "
            f"vérifiez les guillemets de cette ligne ou exportez-le de nouveau."
        ) from None
