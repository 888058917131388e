"""Days overdue, aged balance and penalties on whole columns give what the record rules give."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from models.ageing import ageing as ageing_records
from models.calendar import DayCounter
from models.errors import RelanceError
from models.frames.ageing import BUCKET_COLUMNS, ageing, days_overdue
from models.frames.penalties import penalties
from models.penalties import DEFAULT_ECB, PenaltyRates, late_penalty
from models.records import Customer
from tests.models.test_calendar import ALSACE, MAINLAND

DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))
COUNTERS = [DayCounter(), DayCounter("ouvres", MAINLAND), DayCounter("ouvrables", MAINLAND),
            DayCounter("ouvres", ALSACE), DayCounter("ouvrables", ALSACE)]


def as_days(days: list[date]) -> np.ndarray:
    return np.array(days, dtype="datetime64[D]").astype("datetime64[s]")


@settings(max_examples=300, deadline=None)
@given(st.lists(DAYS, min_size=1, max_size=30), DAYS, st.sampled_from(range(len(COUNTERS))))
def test_days_overdue_in_every_counting(dues: list[date], today: date, which: int) -> None:
    counter = COUNTERS[which]
    got = days_overdue(as_days(dues), today, counter).tolist()
    assert got == [counter.days_between(due, today) for due in dues]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["C1", "C2", "C3", "C4"]), DAYS,
                          st.decimals(min_value=-1000, max_value=5000, places=2)), max_size=30), DAYS)
def test_aged_balance(items, today: date) -> None:
    customers = {code: Customer(code, code) for code, _, _ in items}
    expected = ageing_records(((customers[c], due, amount) for c, due, amount in items), today)
    frame = pd.DataFrame({"customer": [c for c, _, _ in items], "due": as_days([d for _, d, _ in items]),
                          "amount": np.array([int(a * 100) for _, _, a in items], dtype=np.int64)})
    got = ageing(frame, today)
    assert list(got["customer"]) == [row.customer.code for row in expected]
    assert [tuple(int(got.iloc[i][c]) for c in BUCKET_COLUMNS) for i in range(len(got))] == [
        tuple(int(a * 100) for a in row.amounts) for row in expected]
    assert got["total"].tolist() == [int(row.total * 100) for row in expected]


RATES = [PenaltyRates({**DEFAULT_ECB, "2026-S2": Decimal("2.15")}), PenaltyRates(DEFAULT_ECB),
         PenaltyRates(DEFAULT_ECB, contractual=Decimal("12.345")),
         PenaltyRates({**DEFAULT_ECB, "2026-S2": Decimal("2.15")}, margin=Decimal("7.5"))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), st.decimals(min_value=-100, max_value=10**9, places=2)),
                          st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31)), st.booleans()),
                min_size=1, max_size=25),
       st.dates(min_value=date(2023, 6, 1), max_value=date(2026, 12, 31)), st.sampled_from(range(len(RATES))))
def test_penalties_to_the_cent(rows, today: date, which: int) -> None:
    rates = RATES[which]
    remaining = pd.Series(pd.array([None if r is None else int(r * 100) for r, _, _ in rows], dtype="Int64"))
    got = penalties(remaining, pd.Series(as_days([d for _, d, _ in rows])),
                    pd.Series([p for _, _, p in rows]), today, rates)
    messages = []
    found = zip(rows, got.interest, got.indemnity, got.periods, strict=True)
    for (left, due, private), interest, indemnity, periods in found:
        if left is None:
            assert (interest, indemnity, periods) == (0, 0, ())
            continue
        try:
            expected = late_penalty(left, due, today, rates, private=private)
        except RelanceError as missing:
            assert interest is pd.NA and indemnity is pd.NA
            messages.append(missing.message)
            continue
        assert (interest, indemnity) == (int(expected.interest * 100), int(expected.indemnity * 100))
        assert periods == expected.periods
    assert set(got.missing) == set(messages)


def test_half_a_cent_rounds_up_and_big_amounts_stay_exact() -> None:
    rates = PenaltyRates({**DEFAULT_ECB, "2026-S2": Decimal("2.15")})
    today, due = date(2026, 11, 23), date(2026, 10, 1) - timedelta(days=0)
    amounts = [Decimal("0.01"), Decimal("1234567890.99"), Decimal("365.00"), Decimal("100.00")]
    got = penalties(pd.Series(pd.array([int(a * 100) for a in amounts], dtype="Int64")),
                    pd.Series(as_days([due] * 4)), pd.Series([False] * 4), today, rates)
    assert got.interest.tolist() == [int(late_penalty(a, due, today, rates, private=False).interest * 100)
                                     for a in amounts]
