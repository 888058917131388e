"""Whole-column parsers of export cells: amounts to integer cents, dates, flags, marks and text.

Each one gives, for a column, the parsed values and a state per cell (OK, EMPTY or BAD), with the
exact meaning of the one-cell parsers of sources.cells: those run once per distinct value (dates,
codes and flags repeat a lot), and amounts, mostly distinct, take a vectorised fast path for the
shapes nearly every export writes (`1 234,56`, `-600.00`) and the one-cell parser for the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from sources.cells import parse_amount, parse_date, parse_flag, text_of

OK, EMPTY, BAD = 0, 1, 2
NO_DAY = np.iinfo(np.int64).min  # "no date" among day numbers (days since 1970-01-01); NaT's int64
_EPOCH = date(1970, 1, 1).toordinal()

_JOIN = "\x1f"  # the unit separator: no export writes it in a cell
_SPACES = (" ", "\u00a0", "\u202f", "\u2009", "\t")
_NOT_NUMBER = re.compile(r"[^0-9.\-\x1f]")  # anything but what a plain number is made of


def _is_text(values: pd.Series) -> bool:
    """Whether every cell is a str (CSV columns)."""
    return isinstance(values.dtype, pd.StringDtype)


def _objects(values: pd.Series) -> np.ndarray:
    # Python loops over a plain object array beat the .str methods of pandas' python-backed strings.
    return values.to_numpy(dtype=object)


class _Tag:
    """A cell that must not be mistaken for an equal one of another type (True for 1)."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return type(other) is _Tag and type(other.value) is type(self.value) and (
            other.value == self.value or (other.value != other.value and self.value != self.value))

    def __hash__(self) -> int:
        return hash((type(self.value).__name__, self.value if self.value == self.value else "nan"))


def by_uniques(values: pd.Series, parse: Callable[[Any], Any]) -> tuple[list[Any], np.ndarray]:
    """`parse` run once per distinct cell: its results and, per cell, the index of its result.

    A cell whose parse raises ValueError gets the result `ValueError`; a missing cell (NaN, None)
    is parsed as None.
    """
    cells = _objects(values)
    kinds = set() if _is_text(values) else set(map(type, cells))
    tagged = bool in kinds or (float in kinds and any(v != v for v in cells if type(v) is float))
    if tagged:  # True == 1 and False == 0 for a hash, and NaN would count as missing: keep them apart
        cells = np.array([_Tag(v) if type(v) is bool or v != v else v for v in cells], dtype=object)
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    results: list[Any] = []
    for value in uniques:
        try:
            results.append(parse(value.value if type(value) is _Tag else value))
        except ValueError:
            results.append(ValueError)
    codes = np.asarray(codes, dtype=np.int64)
    missing: Any = None
    if len(codes) and codes.min() < 0:  # only then: some one-cell functions want a str
        try:
            missing = parse(None)
        except ValueError:
            missing = ValueError
    results.append(missing)  # index -1: the missing cells
    return results, codes


def _take(results: list[Any], codes: np.ndarray, dtype: Any = object) -> np.ndarray:
    table = np.empty(len(results), dtype=dtype)
    table[:] = results
    return table[codes]


_STRIP = np.frompyfunc(str.strip, 1, 1)


def texts(values: pd.Series, *, shared: bool = False) -> np.ndarray:
    """Each cell as trimmed text (sources.cells.text_of): an object array of str. `shared` (codes
    compared and hashed later): equal cells of a spreadsheet become one object, as CSV's are."""
    if not len(values):
        return np.array([], dtype=object)
    cells = _objects(values)
    if _is_text(values):
        return _STRIP(cells)
    if set(map(type, cells)) <= {str}:
        if not shared:
            return _STRIP(cells)
        codes, uniques = pd.factorize(_STRIP(cells))  # comparisons become identity checks
        return np.asarray(uniques, dtype=object)[codes]
    results, codes = by_uniques(values, text_of)
    return _take(results, codes)


def shown(values: pd.Series) -> np.ndarray:
    """Each cell as the user saw it in Excel, for the Anomalies sheet."""
    def one(value: object) -> str:
        if isinstance(value, datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        return text_of(value)

    if _is_text(values):
        return texts(values)
    results, codes = by_uniques(values, one)
    return _take(results, codes)


def amounts(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cents (int64) and state of each cell, as parse_amount reads it (rounded half up to the cent)."""
    n = len(values)
    cents = np.zeros(n, dtype=np.int64)
    state = np.full(n, OK, dtype=np.int8)
    rest = np.ones(n, dtype=bool)  # cells for the one-cell parser
    if _is_text(values) and n:
        fast, empty, found = _fast_amounts(_objects(values))
    elif n:
        fast, empty, found = _number_cells(_objects(values))
    if n:
        cents[fast] = found
        state[empty] = EMPTY
        rest = ~(fast | empty)
        if not rest.any():
            return cents, state
        values = values[rest]
    cents[rest], state[rest] = _parsed(values, parse_amount, lambda amount: int(amount.scaleb(2)), 0)
    return cents, state


def _fast_amounts(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cells of the common shapes (`1 234,56`, `-600.00`, `12 €`) read in a few C-speed passes
    over the whole column joined into one text: (which cells, which are empty, their cents).

    A cell is taken here when, spaces and € dropped and the comma made a dot, pandas reads it as a
    number below 10^11 with at most two decimals; any other shape (`1.234,56`, `600,00-`, `0,005`)
    goes to parse_amount. On those shapes both readings agree (see the property tests).
    """
    n = len(cells)
    joined = _JOIN.join(cells)
    if joined.count(_JOIN) != n - 1:  # a cell holds the joiner itself: leave the column to parse_amount
        return np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), np.zeros(0, dtype=np.int64)
    text = joined
    for space in _SPACES:  # str.replace scans in C; translate looks every character up
        if space in text:
            text = text.replace(space, "")
    del joined
    euro = "€" in text
    text = text.replace(",", ".").replace("€", "")
    parts = text.split(_JOIN)
    empty = np.fromiter((not part for part in parts), dtype=bool, count=n)
    if euro:  # a cell of a lone « € » is no empty cell: parse_amount refuses it
        candidates = np.flatnonzero(empty)
        empty[candidates[[("€" in cells[i]) for i in candidates]]] = False
    odd = np.zeros(n, dtype=bool)
    if _NOT_NUMBER.search(text):  # letters (1e5, inf, nan, EUR…): those cells are not taken
        odd = np.fromiter((_NOT_NUMBER.search(part) is not None for part in parts), dtype=bool, count=n)
    del text
    numbers = pd.to_numeric(pd.Series(parts, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
    del parts
    hundred = numbers * 100
    cents = np.rint(hundred)
    with np.errstate(invalid="ignore"):
        # Below 10^11 euros a float64 is close enough to x for rint(x * 100) to be its exact cents,
        # and for a third decimal to show as a fraction of a cent (sent to parse_amount).
        fast = ~odd & ~empty & (np.abs(numbers) < 1e11) & (np.abs(hundred - cents) < 1e-6)
    return fast, empty, cents[fast].astype(np.int64)


def _number_cells(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The number cells of a spreadsheet column (not True/False) whose cents need no rounding
    decision: parse_amount rounds them the same (its round(x, 2) only differs near half a cent);
    empty cells (None, "") too. The others go to parse_amount."""
    kinds = np.fromiter((type(v) in (float, int) for v in cells), dtype=bool, count=len(cells))
    empty = np.fromiter((v is None or (type(v) is str and not v.strip()) for v in cells), dtype=bool,
                        count=len(cells))
    numbers = np.zeros(len(cells), dtype=np.float64)
    if kinds.any():
        numbers[kinds] = np.array(cells[kinds].tolist(), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        hundred = numbers * 100
        cents = np.rint(hundred)
        fast = kinds & np.isfinite(numbers) & (np.abs(numbers) < 1e11) & (np.abs(hundred - cents) < 0.25)
    return fast, empty, cents[fast].astype(np.int64)


def days(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Day numbers (days since 1970-01-01, NO_DAY when none) and state, as parse_date reads them."""
    return _parsed(values, parse_date, lambda day: day.toordinal() - _EPOCH, NO_DAY)


def _parsed(
    values: pd.Series, parse: Callable[[Any], Any], number: Callable[[Any], int], missing: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each distinct cell parsed once: int64 of `number(parsed)` (`missing` when none) and state."""
    results, codes = by_uniques(values, parse)
    table = np.full(len(results), missing, dtype=np.int64)
    table_state = np.full(len(results), OK, dtype=np.int8)
    for i, result in enumerate(results):
        if result is ValueError:
            table_state[i] = BAD
        elif result is None:
            table_state[i] = EMPTY
        else:
            table[i] = number(result)
    return table[codes], table_state[codes]


def flags(values: pd.Series) -> np.ndarray:
    """parse_flag of each cell: an object array of True, False or None (unclear)."""
    results, codes = by_uniques(values, parse_flag)
    return _take(results, codes)


def marks(values: pd.Series) -> np.ndarray:
    """A Litige / Bloqué column: "" for no, "Oui" for yes, else the cell's text (a comment means yes)."""
    def one(value: object) -> str:
        flag = parse_flag(value)
        return "Oui" if flag else "" if flag is False else text_of(value)

    results, codes = by_uniques(values, one)
    return _take(results, codes)


def mapped(values: pd.Series, parse: Callable[[Any], Any]) -> np.ndarray:
    """Any one-cell function, run once per distinct cell: an object array of its results."""
    results, codes = by_uniques(values, parse)
    return _take(results, codes)


# --- day numbers and money at the edges ----------------------------------------------------------


def to_datetime64(day_numbers: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[s], NaT where there is no date."""
    out = day_numbers.astype("datetime64[D]").astype("datetime64[s]")
    out[day_numbers == NO_DAY] = np.datetime64("NaT")
    return out


def day_number(day: date) -> int:
    return day.toordinal() - _EPOCH


def from_day_number(number: int) -> date:
    return date.fromordinal(number + _EPOCH)


def to_decimal(cents: int) -> Decimal:
    """Integer cents as a Decimal of two places (the records' money)."""
    return Decimal(int(cents)).scaleb(-2)
