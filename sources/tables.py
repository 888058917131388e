"""Opening one export file (CSV/TXT or spreadsheet) as a table of raw cells with their line numbers."""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine

from models.errors import RelanceError
from sources.cells import header_key
from sources.csv_text import OpenQuote, TextRecords, as_utf8, encoding_of, head_text, read_records

log = logging.getLogger("relance")

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
TEXT_SUFFIXES = frozenset({".csv", ".txt"})
SEPARATORS = (";", "\t", "|", ",")  # preference order when everything else ties
_SNIFF_LINES = 20
_SNIFF_CHARS = 1 << 16


@dataclass(frozen=True)
class Table:
    """Every record of a file (titles and header included), numbered as Excel or an editor shows them."""

    cells: pd.DataFrame  # positional columns 0..width-1; str for text files, any cell value for sheets
    first: np.ndarray  # int64, physical line (or sheet row) where each record starts, 1-based
    last: np.ndarray  # int64, where it ends (a quoted field may span lines)
    lines: int  # physical lines (sheet rows up to the last one used)
    text: bool  # every cell is a str (CSV/TXT)
    quotes: tuple[OpenQuote, ...] = ()  # quotes left open, CSV only
    fields: np.ndarray | None = None  # fields of each record, when asked for (FEC)

    def blank(self) -> np.ndarray:
        """Records with no cell holding anything but spaces."""
        return blank_rows(self.cells, self.text)

    def head(self, count: int) -> list[tuple[int, list[object]]]:
        """The first `count` non-blank records as (position, cells), to look for the header in."""
        rows: list[tuple[int, list[object]]] = []
        start = 0
        while len(rows) < count and start < len(self.cells):
            top = self.cells.iloc[start:start + 4 * count]
            blank = blank_rows(top, self.text)
            for offset in np.flatnonzero(~blank):
                rows.append((start + int(offset), top.iloc[int(offset)].tolist()))
                if len(rows) >= count:
                    break
            start += len(top)
        return rows


def blank_rows(cells: pd.DataFrame, text: bool) -> np.ndarray:
    """Rows with no cell holding anything but spaces."""
    n = len(cells)
    blank = np.ones(n, dtype=bool)
    todo = np.arange(n)
    filled = _FILLED_ANY
    # Column by column, on the rows still looking blank: after the first column hardly any are left.
    for column in cells.columns:
        if not len(todo):
            break
        values = cells[column].to_numpy(dtype=object)[todo]
        if text or set(map(type, values)) <= {str}:
            found = _STRIP(values) != ""
        else:
            found = filled(values).astype(bool)
        blank[todo[found]] = False
        todo = todo[~found]
    return blank


_STRIP = np.frompyfunc(str.strip, 1, 1)
_FILLED_ANY = np.frompyfunc(
    lambda v: v is not None and v == v and (not isinstance(v, str) or (bool(v) and not v.isspace())), 1, 1)


def read_table(path: Path, known_titles: frozenset[str]) -> Table:
    """The file's first visible sheet, or its text records with the separator that finds the titles."""
    if _is_spreadsheet(path):
        return _spreadsheet(path)
    try:
        raw = as_utf8(path.read_bytes())
    except OSError as error:
        raise _cannot_open(path, error) from None
    encoding, bom = encoding_of(raw)
    head = head_text(raw, encoding, bom)
    separator = detect_separator(head, known_titles)
    width = max((len(r) for r in csv.reader(head.splitlines()[:_SNIFF_LINES], delimiter=separator)),
                default=1)
    return text_table(read_records(raw, separator, width))


def text_table(records: TextRecords) -> Table:
    return Table(records.cells, records.first, records.last, records.lines, True, records.quotes,
                 records.fields)


Head = list[tuple[int, list[object]]]  # (position among the records, cells) of the first rows


def read_head(path: Path, known_titles: frozenset[str], count: int) -> tuple[Head, Table | None]:
    """The first `count` non-blank rows of a file, to recognise its layout without reading it all;
    a spreadsheet is read whole (its table is returned, not to be read twice)."""
    if _is_spreadsheet(path):
        table = _spreadsheet(path)
        return table.head(count), table
    try:
        with path.open("rb") as handle:
            raw = as_utf8(handle.read(_SNIFF_CHARS), final=False)
    except OSError as error:
        raise _cannot_open(path, error) from None
    encoding, bom = encoding_of(raw, final=False)
    text = head_text(raw, encoding, bom)
    separator = detect_separator(text, known_titles)
    rows: list[tuple[int, list[object]]] = []
    for position, cells in enumerate(csv.reader(text.splitlines()[: 4 * count], delimiter=separator)):
        if any(c.strip() for c in cells):
            rows.append((position, list(cells)))
            if len(rows) >= count:
                break
    return rows, None


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


def _spreadsheet(path: Path) -> Table:
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
    width = max((len(row) for row in data), default=1)
    cells = pd.DataFrame(data, columns=range(width), dtype=object) if data else pd.DataFrame(
        {0: pd.Series([], dtype=object)})
    numbers = np.arange(1, len(cells) + 1, dtype=np.int64)
    return Table(cells, numbers, numbers, len(cells), False)


def _first_visible_sheet(workbook: python_calamine.CalamineWorkbook) -> int:
    for position, meta in enumerate(workbook.sheets_metadata):
        if (
            meta.visible == python_calamine.SheetVisibleEnum.Visible
            and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
        ):
            return position
    return 0


# --- CSV and TXT ------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """Text of a CSV as French software writes it: UTF-8 (with or without BOM), else cp1252."""
    encoding, bom = encoding_of(raw)
    return raw[bom:].decode(encoding)


def detect_separator(text: str, known_titles: frozenset[str]) -> str:
    """The separator giving the most recognised column titles in the first lines."""
    head = text[:_SNIFF_CHARS].splitlines()[:_SNIFF_LINES]  # not the whole file's lines
    best, best_score = SEPARATORS[0], (-1, -1)
    for separator in SEPARATORS:
        rows = [row for row in csv.reader(head, delimiter=separator) if row]
        titles = max(
            (sum(1 for c in row if header_key(c) in known_titles) for row in rows), default=0
        )
        widths = [len(row) for row in rows if len(row) > 1]
        consistent = max((widths.count(w) for w in set(widths)), default=0)
        score = (titles, consistent)
        if score > best_score:  # strict: earlier separators win ties
            best, best_score = separator, score
    return best
