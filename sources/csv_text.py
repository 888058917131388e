"""Splitting a CSV/TXT export into records of text cells, each with the physical lines it covers.

pandas' C parser reads the file when every record is one line (nearly always): record n is then
line n + 1. A quoted field spanning lines, or a quote left open, sends the file to Python's csv
module, which says where each record starts and ends. A quote left open swallows the lines after
it into one field: such a record is cut back into its lines, which are read again one by one, and
the quote is reported (OpenQuote) instead of losing the lines silently or refusing the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

_HEAD_BYTES = 1 << 16
_BOM = b"\xef\xbb\xbf"
_BREAK = re.compile(r"\r\n|\r|\n")
_EXPECTED = re.compile(r"Expected (\d+) fields in line \d+, saw (\d+)")
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # a swallowing quote is found and cut, not raised


@dataclass(frozen=True, slots=True)
class OpenQuote:
    """A quote opened on `line` that swallowed the lines up to `until` (closed there, or never)."""

    line: int
    until: int
    closed: bool
    field: int  # position of the field the quote opened
    value: str  # the start of that field, for the Anomalies sheet
    usable: bool  # the quote opened in the line's last field: the line reads up to its end


@dataclass(frozen=True)
class TextRecords:
    """Every record of a text file, titles and header included."""

    cells: pd.DataFrame  # columns 0..width-1, str, "" where a line stops early
    first: np.ndarray  # int64, physical line where each record starts (1-based)
    last: np.ndarray  # int64, line where it ends
    lines: int  # physical lines of the file
    quotes: tuple[OpenQuote, ...]
    fields: np.ndarray | None  # number of fields of each record, when asked for


def as_utf8(raw: bytes, *, final: bool = True) -> bytes:
    """A UTF-16 file (Excel's « Texte Unicode », some software's exports) as UTF-8 with a BOM, so that
    the byte-level counts (lines, separators) and pandas read it as any other file, line for line; any
    other file as it is. UTF-16 is known by its BOM, or without one by the zero bytes of its ASCII
    characters. `final=False` for the head of a file, whose last character may be cut."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        head = raw[:4096]
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if len(head) < 8 or (even > len(head) // 4) == (odd > len(head) // 4):
            return raw
        encoding = "utf-16-le" if odd > even else "utf-16-be"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return _BOM + decoder.decode(raw, final=final).encode("utf-8")


def encoding_of(raw: bytes, *, final: bool = True) -> tuple[str, int]:
    """(encoding, BOM length): UTF-8 with or without BOM, else cp1252, else latin-1 (which maps every
    byte: cp1252 leaves five undefined). Checked piecewise, without decoding the file whole;
    `final=False` for the head of a file, whose last character may be cut."""
    bom = 3 if raw.startswith(_BOM) else 0
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(bom, len(raw), 1 << 20):
                decoder.decode(raw[start:start + (1 << 20)])
            decoder.decode(b"", final=final)
            return encoding, bom
        except UnicodeDecodeError:
            continue
    return "latin-1", bom


def head_text(raw: bytes, encoding: str, bom: int) -> str:
    """The first 64 KiB as text (a character cut at the end is dropped), to sniff the layout."""
    return raw[bom:bom + _HEAD_BYTES].decode(encoding, errors="ignore")


def physical_lines(raw: bytes) -> int:
    """Lines as a text editor counts them: ended by \\n, \\r\\n or a lone \\r."""
    if not raw:
        return 0
    breaks = raw.count(b"\n")
    if b"\r" in raw:
        breaks += raw.count(b"\r") - raw.count(b"\r\n")
    return breaks + (0 if raw.endswith((b"\n", b"\r")) else 1)


def read_records(
    raw: bytes, separator: str, width_hint: int, *, need_fields: bool = False,
    encoding: tuple[str, int] | None = None,
) -> TextRecords:
    """The records of the file, `width_hint` being the widest line of its first lines; `encoding`
    (name, BOM length) when the caller knows better than encoding_of."""
    encoding, bom = encoding or encoding_of(raw)
    body = raw[bom:]
    lines = physical_lines(body)
    if b'"' in body and need_fields:
        return _slow(body.decode(encoding), separator, width_hint, lines, need_fields)
    try:
        cells = _fast(body, separator, encoding, width_hint)
    except pd.errors.ParserError:  # a quote left open until the end of the file
        return _slow(body.decode(encoding), separator, width_hint, lines, need_fields)
    if len(cells) != lines:  # a quoted field spans lines: csv knows where each record starts
        return _slow(body.decode(encoding), separator, width_hint, lines, need_fields)
    numbers = np.arange(1, lines + 1, dtype=np.int64)
    fields = _fields_per_line(body, separator, lines) if need_fields else None
    return TextRecords(cells, numbers, numbers, lines, (), fields)


def _fast(body: bytes, separator: str, encoding: str, width: int) -> pd.DataFrame:
    width = max(width, 1)
    for _ in range(2):
        try:
            return pd.read_csv(
                io.BytesIO(body), sep=separator, header=None, names=range(width), dtype=str,
                keep_default_na=False, na_filter=False, skip_blank_lines=False, encoding=encoding,
                engine="c", quoting=csv.QUOTE_MINIMAL, index_col=False,
            )
        except pd.errors.ParserError as error:
            match = _EXPECTED.search(str(error))
            if not match:
                raise
            # A line wider than the first ones: the widest line of the file bounds every record.
            width = max(line.count(separator.encode()) for line in body.splitlines()) + 1
    raise pd.errors.ParserError("width")


def _fields_per_line(body: bytes, separator: str, lines: int) -> np.ndarray:
    """Fields of each line of a file without quotes: its separators + 1 (0 for an empty line)."""
    data = np.frombuffer(body, dtype=np.uint8)
    seps = np.flatnonzero(data == ord(separator))
    breaks = np.flatnonzero(data == 10)
    if b"\r" in body:
        cr = np.flatnonzero(data == 13)
        lone = cr[(cr + 1 >= len(data)) | (data[np.minimum(cr + 1, len(data) - 1)] != 10)]
        breaks = np.sort(np.concatenate([breaks, lone]))
    counts = np.bincount(np.searchsorted(breaks, seps), minlength=lines)[:lines] + 1
    starts = np.concatenate([[0], breaks + 1])[:lines]
    ends = np.concatenate([breaks, [len(data)]])[:lines]
    ends = np.where((ends > starts) & (data[np.maximum(ends - 1, 0)] == 13), ends - 1, ends)
    counts[ends == starts] = 0
    return counts.astype(np.int64)


# --- the slow path: Python's csv, record by record -------------------------------------------------


def _slow(text: str, separator: str, width: int, lines: int, need_fields: bool) -> TextRecords:
    reader = _Reader(text, separator, max(width, 1))
    rows = reader.records(text, 0)
    widest = max(max((len(cells) for _, _, cells in rows), default=1), 1)
    columns: list[list[str]] = [[] for _ in range(widest)]
    for _, _, cells in rows:
        for position in range(widest):
            columns[position].append(cells[position] if position < len(cells) else "")
    cells = pd.DataFrame({i: pd.array(values, dtype="str") for i, values in enumerate(columns)})
    first = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    last = np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows))
    fields = np.fromiter((len(r[2]) for r in rows), dtype=np.int64, count=len(rows)) if need_fields else None
    return TextRecords(cells, first, last, lines, tuple(reader.quotes), fields)


class _Reader:
    """Python's csv over the text; records swallowed by a quote are cut back into their lines."""

    def __init__(self, text: str, separator: str, width: int) -> None:
        self.text, self.separator = text, separator
        # A line of a swallowed field "looks like a record" with about half the separators of one.
        self.enough = max(1, (width + 1) // 2)
        self.quotes: list[OpenQuote] = []
        self._lines: list[str] | None = None

    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = _BREAK.split(self.text)
        return self._lines

    def records(self, text: str, offset: int) -> list[tuple[int, int, list[str]]]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.separator)
        rows: list[tuple[int, int, list[str]]] = []
        last = 0
        for cells in reader:
            # A record starts on the line after the previous one ended; blank lines come back as [].
            first, last = last + 1, reader.line_num
            if last > first and self._swallowed(cells):
                rows.extend(self._cut(first + offset, last + offset))
            else:
                rows.append((first + offset, last + offset, cells))
        return rows

    def _swallowed(self, cells: list[str]) -> bool:
        for cell in cells:
            parts = _BREAK.split(cell)
            if len(parts) > 1 and any(part.count(self.separator) >= self.enough for part in parts[1:]):
                return True
        return False

    def _cut(self, first: int, last: int) -> list[tuple[int, int, list[str]]]:
        """The lines of a swallowed record, read again one by one; the quote is reported."""
        lines = self.lines()
        opening = lines[first - 1]
        cells = next(csv.reader([opening], delimiter=self.separator), [])
        field = max(len(cells) - 1, 0)
        value = cells[field] if cells else ""
        usable = self.separator not in value
        # Quotes come in pairs (an escaped one is doubled): an odd count left the field open.
        closed = "\n".join(lines[first - 1:last]).count('"') % 2 == 0
        self.quotes.append(OpenQuote(first, last, closed, field, value[:40], usable))
        rows = [(first, first, cells)]
        if last > first:
            rows.extend(self.records("\n".join(lines[first:last]), first))
        return rows
