"""The data rows of one file being checked column by column: what is dropped, what is warned, and the
count of every line of the file (nothing is lost silently)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.records import Anomaly, FileReport
from sources import vectors
from sources.columns import Layout
from sources.csv_text import OpenQuote
from sources.tables import Table


def quote_message(quote: OpenQuote) -> str:
    """The Anomalies sheet's words for a quote left open."""
    where = f"refermé seulement ligne {quote.until}" if quote.closed else "jamais refermé"
    fate = "lue jusqu'à sa fin" if quote.usable else "ignorée"
    return (f"Guillemet ouvert dans cette cellule et {where} : il avalait les lignes {quote.line} à "
            f"{quote.until}. La ligne {quote.line} est {fate}, les suivantes sont lues normalement.")


class Sheet:
    """The data rows of a file (after its header): checks drop or warn rows, all at once."""

    def __init__(self, table: Table, file: str, layout: Layout, kind: str) -> None:
        self.file, self.layout, self.kind = file, layout, kind
        start = layout.row + 1
        self.cells = table.cells.iloc[start:].reset_index(drop=True)
        self.first = table.first[start:]
        self.last = table.last[start:]
        self.spans = self.last - self.first + 1
        blank = table.blank()
        self.blank = blank[start:]
        self.alive = ~self.blank
        self.skipped = np.zeros(len(self.cells), dtype=bool)
        self.dropped = np.zeros(len(self.cells), dtype=bool)
        self.notes: list[str] = []
        self._found: list[tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]] = []
        self._checks = 0
        top_blank = blank[:start]
        top_spans = table.last[:start] - table.first[:start] + 1
        self.header_lines = int(top_spans[~top_blank].sum())
        self.blank_lines = int(top_spans[top_blank].sum()) + int(self.spans[self.blank].sum())
        self.lines = table.lines
        self._open_quotes(table.quotes)

    def __len__(self) -> int:
        return len(self.cells)

    def column(self, key: str) -> pd.Series | None:
        position = self.layout.get(key)
        if position < 0 or position >= self.cells.shape[1]:
            return None
        return self.cells[self.cells.columns[position]]

    def _open_quotes(self, quotes: tuple[OpenQuote, ...]) -> None:
        if not quotes:
            return
        by_line = {q.line: q for q in quotes}
        rows = np.flatnonzero(np.isin(self.first, list(by_line)) & self.alive)
        for row in rows:
            quote = by_line[int(self.first[row])]
            mask = np.zeros(len(self), dtype=bool)
            mask[row] = True
            message = np.array([quote_message(quote)], dtype=object)
            value = np.array([quote.value], dtype=object)
            self._add(mask, quote.field, message, value, drop=not quote.usable)

    # --- checks ---------------------------------------------------------------------------------

    def drop(self, mask: np.ndarray, key_or_position: str | int, message: str | np.ndarray,
             values: np.ndarray | None = None) -> None:
        """Rows of `mask` still alive leave the file, each with an anomaly in that column (whose
        cells are shown, or `values` once the cells are released)."""
        self._report(mask, key_or_position, message, drop=True, values=values)

    def release(self) -> None:
        """Forget the cells (the frame read from them is all that is needed now): a big export's
        text is not kept while the next file is read."""
        self.cells = self.cells.iloc[:, :0]

    def warn(self, mask: np.ndarray, key_or_position: str | int, message: str | np.ndarray) -> None:
        """Rows of `mask` still alive stay, with an anomaly in that column."""
        self._report(mask, key_or_position, message, drop=False)

    def skip(self, mask: np.ndarray) -> None:
        """Rows left out on purpose, counted in the file's report with its note."""
        mask = mask & self.alive
        self.skipped |= mask
        self.alive &= ~mask

    def _report(
        self, mask: np.ndarray, key_or_position: str | int, message: str | np.ndarray, *, drop: bool,
        values: np.ndarray | None = None,
    ) -> None:
        mask = mask & self.alive
        if not mask.any():
            self._checks += 1
            return
        position = key_or_position if isinstance(key_or_position, int) else self.layout.get(key_or_position)
        if isinstance(message, str):
            messages = np.full(int(mask.sum()), message, dtype=object)
        else:
            messages = np.asarray(message, dtype=object)[mask]
        column = self.cells[self.cells.columns[position]] if 0 <= position < self.cells.shape[1] else None
        if values is not None:
            values = np.asarray(values, dtype=object)[mask]
        elif column is not None:
            values = vectors.shown(column[mask])
        else:
            values = np.full(int(mask.sum()), "", dtype=object)
        self._add(mask, position, messages, values, drop=drop)

    def _add(self, mask: np.ndarray, position: int, messages: np.ndarray, values: np.ndarray, *,
             drop: bool) -> None:
        rows = np.flatnonzero(mask)
        self._found.append((rows, position, messages, values, np.full(len(rows), self._checks)))
        self._checks += 1
        if drop:
            self.dropped[rows] = True
            self.alive[rows] = False

    # --- results --------------------------------------------------------------------------------

    def anomalies(self) -> list[tuple[int, int, Anomaly]]:
        """(row, check order, anomaly) of every row reported, for sorting among other files' ones."""
        found = []
        for rows, position, messages, values, order in self._found:
            shown = self.layout.shown(position)
            for row, message, value, check in zip(rows, messages, values, order, strict=True):
                found.append((int(self.first[row]), int(check),
                              Anomaly(self.file, int(self.first[row]), shown, str(value), str(message))))
        found.sort(key=lambda item: (item[0], item[1]))
        return found

    def report(self, used_rows: np.ndarray | None = None) -> FileReport:
        """The count of every line; `used_rows` defaults to the rows still alive."""
        used = self.alive if used_rows is None else used_rows
        return FileReport(
            kind=self.kind,
            lines=self.lines,
            header=self.header_lines,
            used=int(self.spans[used].sum()),
            skipped=int(self.spans[self.skipped].sum()),
            anomalies=int(self.spans[self.dropped].sum()),
            blank=self.blank_lines,
            note="; ".join(self.notes),
        )
