"""Days overdue (calendar, jours ouvrés or ouvrables) and the aged balance, on whole columns."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from models.ageing import BUCKETS
from models.calendar import DayCounter

_PER_WEEK = {"calendaires": 7, "ouvres": 5, "ouvrables": 6}
_UNIX_ORDINAL = date(1970, 1, 1).toordinal()
BUCKET_COLUMNS = tuple(label for label, _, _ in BUCKETS)


def ordinals(days: pd.Series | np.ndarray) -> np.ndarray:
    """datetime64 dates as proleptic ordinals (date.toordinal), int64."""
    values = days.to_numpy() if isinstance(days, pd.Series) else days
    return values.astype("datetime64[D]").astype(np.int64) + _UNIX_ORDINAL


def days_between(start: pd.Series | np.ndarray, end: date, counter: DayCounter) -> np.ndarray:
    """DayCounter.days_between(start, end) for each start date: counted days after it up to `end`."""
    first = ordinals(start)
    last = end.toordinal()
    per_week = _PER_WEEK[counter.counting]
    if per_week == 7:
        return last - first
    holidays = np.array(sorted(d.toordinal() for d in counter.holidays if d.weekday() < per_week),
                        dtype=np.int64)

    def rank(ordinal: np.ndarray) -> np.ndarray:
        # Counted days from 1 January of year 1 (a Monday, ordinal 1) up to `ordinal` included.
        weeks, rest = np.divmod(ordinal, 7)
        off = np.searchsorted(holidays, ordinal, side="right")
        return weeks * per_week + np.minimum(rest, per_week) - off

    return rank(np.array([last], dtype=np.int64))[0] - rank(first)


def days_overdue(due: pd.Series | np.ndarray, today: date, counter: DayCounter) -> np.ndarray:
    """Days overdue of each due date on `today` (negative when not yet due)."""
    return days_between(due, today, counter)


def bucket_of(days_late: np.ndarray) -> np.ndarray:
    """Index in BUCKETS of each number of days late (≤ 0: not yet due)."""
    bounds = [last for _, _, last in BUCKETS[:-1]]  # 0, 30, 60, 90
    return np.searchsorted(np.array(bounds), days_late, side="left")


def ageing(items: pd.DataFrame, today: date) -> pd.DataFrame:
    """The aged balance of open amounts (columns customer, due, amount in cents), in calendar days:
    one row per customer with a column per bucket (BUCKET_COLUMNS) and its total, largest first."""
    late = (today.toordinal() - ordinals(items["due"])).astype(np.int64)
    frame = pd.DataFrame({"customer": items["customer"].to_numpy(), "bucket": bucket_of(late),
                          "amount": items["amount"].to_numpy(dtype=np.int64)})
    table = frame.pivot_table(index="customer", columns="bucket", values="amount", aggfunc="sum",
                              fill_value=0)
    table = table.reindex(columns=range(len(BUCKETS)), fill_value=0).astype(np.int64)
    table.columns = list(BUCKET_COLUMNS)
    table["total"] = table.sum(axis=1)
    table = table.reset_index()
    order = np.lexsort((table["customer"].to_numpy(), -table["total"].to_numpy()))
    return table.iloc[order].reset_index(drop=True)
