"""The whole-column parsers agree with the one-cell parsers of sources.cells, cell for cell."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from models.settings import Settings
from sources import read_exports, vectors
from sources.cells import parse_amount, parse_date, parse_flag, text_of

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def column(cells: list[object], text: bool = True) -> pd.Series:
    return pd.Series(cells, dtype="str" if text else object)


def one_by_one(cells: list[object]) -> tuple[list[int], list[int]]:
    cents, states = [], []
    for cell in cells:
        try:
            amount = parse_amount(cell)
        except ValueError:
            cents.append(0), states.append(vectors.BAD)
            continue
        if amount is None:
            cents.append(0), states.append(vectors.EMPTY)
        else:
            cents.append(int(amount * 100)), states.append(vectors.OK)
    return cents, states


AMOUNT_TEXT = st.one_of(
    st.decimals(min_value=-10**12, max_value=10**12, places=2).map(
        lambda d: f"{d:,.2f}".replace(",", " ").replace(".", ",")),
    st.decimals(min_value=-10**14, max_value=10**14, places=3).map(str),
    st.decimals(min_value=-1000, max_value=1000, places=1).map(lambda d: f"{d}€"),
    st.sampled_from(["", " ", NBSP, "€", "-", ".", "1.", ".5", "-.5", "0,005", "1,005", "600,00-",
                     "(75,50)", "1.234,56", "1,234.56", "1e5", "inf", "nan", "--5", "+42", "12 €€ 3x",
                     f"1{NBSP}234,56{NBSP}€", f"12{NNBSP}500,00", f"3{THIN}000,00 €", "0000000074,70",
                     "1_000", "EUR 150,00", "\u2212 15,5", "12,3,4", "99999999999,99", "100000000000,00"]),
    st.text(alphabet="0123456789,.-€ \u00a0e", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(AMOUNT_TEXT, min_size=1, max_size=30))
def test_amounts_of_a_text_column_are_those_of_parse_amount(cells: list[str]) -> None:
    cents, state = vectors.amounts(column(cells))
    expected_cents, expected_states = one_by_one(cells)
    assert state.tolist() == expected_states
    assert [c if s == vectors.OK else 0 for c, s in zip(cents.tolist(), state.tolist(), strict=True)] \
        == expected_cents


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.floats(min_value=-1e9, max_value=1e9), st.integers(-10**9, 10**9), st.none(),
                          AMOUNT_TEXT, st.booleans()), min_size=1, max_size=20))
def test_amounts_of_a_spreadsheet_column_are_those_of_parse_amount(cells: list[object]) -> None:
    cents, state = vectors.amounts(column(cells, text=False))
    expected_cents, expected_states = one_by_one(cells)
    assert state.tolist() == expected_states
    assert [c if s == vectors.OK else 0 for c, s in zip(cents.tolist(), state.tolist(), strict=True)] \
        == expected_cents


def test_a_column_holding_the_joiner_is_still_read_cell_by_cell() -> None:
    cents, state = vectors.amounts(column(["1\x1f2", "3,50"]))
    assert state.tolist() == [vectors.BAD, vectors.OK] and cents[1] == 350


def test_amounts_whose_float_sum_is_not_exact_add_up_to_the_cent(tmp_path: Path) -> None:
    # In floats 0.10 + 0.20 is 0.30000000000000004, and these add up to 1234568.6199999999.
    amounts = ["0,10", "0,20", "0,10", "0,10", "0,10", "0,20", "1 234 567,89", "-0,07"]
    floats = [float(a.replace(",", ".").replace(" ", "")) for a in amounts]
    assert sum(floats) != 1234568.62
    folder = tmp_path / "input"
    folder.mkdir()
    lines = [f"F{n};C1;05/01/2026;04/02/2026;{a}" for n, a in enumerate(amounts)]
    (folder / "factures.csv").write_text("N° facture;Code client;Date;Échéance;Montant\n" + "\n".join(lines))
    exports = read_exports(folder, Settings())
    frame = exports.frames.invoices
    assert frame["amount"].dtype == np.int64
    assert int(frame["amount"].sum()) == 123456862
    assert sum((i.amount for i in exports.invoices), Decimal(0)) == Decimal("1234568.62")
    assert [str(i.amount) for i in exports.invoices][:2] == ["0.10", "0.20"]


DATE_TEXT = st.one_of(
    st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["", "  ", "31/02/2026", "2026-03-05", "20260305", "46086", "abc", "05/03/26",
                     "05.03.2026 14:30", "0", "2026-13-01"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(DATE_TEXT, min_size=1, max_size=20))
def test_dates_of_a_column_are_those_of_parse_date(cells: list[str]) -> None:
    days, state = vectors.days(column(cells))
    for cell, day, s in zip(cells, days.tolist(), state.tolist(), strict=True):
        try:
            expected = parse_date(cell)
        except ValueError:
            assert s == vectors.BAD
            continue
        if expected is None:
            assert s == vectors.EMPTY and day == vectors.NO_DAY
        else:
            assert s == vectors.OK and vectors.from_day_number(day) == expected


@given(st.lists(st.one_of(st.text(max_size=6), st.sampled_from(["Oui", " x ", "non", "en cours"]),
                          st.none(), st.floats(allow_nan=False), st.integers(-3, 3), st.booleans()),
                min_size=1, max_size=15))
def test_flags_marks_and_texts_of_a_mixed_column(cells: list[object]) -> None:
    series = column(cells, text=False)
    assert vectors.flags(series).tolist() == [parse_flag(c) for c in cells]
    assert vectors.texts(series).tolist() == [text_of(c) for c in cells]
    marks = vectors.marks(series).tolist()
    for cell, mark in zip(cells, marks, strict=True):
        flag = parse_flag(cell)
        assert mark == ("Oui" if flag else "" if flag is False else text_of(cell))
