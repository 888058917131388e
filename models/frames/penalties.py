"""Late-payment penalties per invoice on whole columns, exact to the cent (the rule of models.penalties)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from models.errors import RelanceError
from models.frames.ageing import ordinals
from models.penalties import DAYS_PER_YEAR, INDEMNITY, PenaltyRates

_INDEMNITY_CENTS = int(INDEMNITY * 100)


@dataclass(frozen=True, eq=False)
class PenaltyFrames:
    """Interest and indemnity per invoice, in cents; <NA> where a half-year's rate is missing."""

    interest: pd.Series  # Int64 on the invoices' index
    indemnity: pd.Series  # Int64
    periods: pd.Series  # object: the (first, last, days, rate) stretches for the letter's detail
    missing: tuple[str, ...]  # the messages naming each missing half-year, once each


def penalties(
    remaining: pd.Series, due: pd.Series, private: pd.Series, today: date, rates: PenaltyRates
) -> PenaltyFrames:
    """late_penalty(remaining, due, today, rates, private=…) of each invoice: nothing for a private
    customer, nothing left, or not yet due; else interest rounded half up once over the whole delay
    and the 40 € indemnity. The rate × days sum is looked up once per due date."""
    left = remaining.to_numpy(dtype=np.int64, na_value=0)
    late = ((~private.to_numpy(dtype=bool)) & (left > 0) & (ordinals(due) < today.toordinal())
            & remaining.notna().to_numpy())
    interest = np.zeros(len(left), dtype=object)
    indemnity = np.where(late, _INDEMNITY_CENTS, 0).astype(object)
    missing: list[str] = []
    stretches = np.empty(len(left), dtype=object)
    stretches.fill(())
    rows = np.flatnonzero(late)
    if len(rows):
        days = ordinals(due)[rows]
        unique, codes = np.unique(days, return_inverse=True)
        scaled, scale, known, spans = [], [], [], []
        for ordinal in unique.tolist():
            try:
                periods, rate_days = rates.delay(date.fromordinal(ordinal), today)
            except RelanceError as error:
                if error.message not in missing:
                    missing.append(error.message)
                scaled.append(0), scale.append(1), known.append(False), spans.append(())
                continue
            spans.append(periods)
            exponent = -rate_days.as_tuple().exponent if rate_days.as_tuple().exponent < 0 else 0
            scaled.append(int(rate_days.scaleb(exponent))), scale.append(10 ** exponent), known.append(True)
        # interest in cents = remaining cents × rate·days / (100 × 365), rounded half up: integers only.
        numerator = left[rows].astype(object) * np.array(scaled, dtype=object)[codes]
        denominator = np.array(scale, dtype=object)[codes] * (100 * DAYS_PER_YEAR)
        quotient, rest = numerator // denominator, numerator % denominator
        interest[rows] = quotient + (2 * rest >= denominator)
        unknown = ~np.array(known, dtype=bool)[codes]
        interest[rows[unknown]] = pd.NA
        indemnity[rows[unknown]] = pd.NA
        table = np.empty(len(spans), dtype=object)
        table[:] = spans
        stretches[rows] = table[codes]
    index = remaining.index
    return PenaltyFrames(pd.Series(pd.array(interest.tolist(), dtype="Int64"), index=index),
                         pd.Series(pd.array(indemnity.tolist(), dtype="Int64"), index=index),
                         pd.Series(stretches, index=index, dtype=object), tuple(missing))


def to_decimal(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)
