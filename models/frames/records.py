"""Records and frames of invoices and payments, one into the other: records made into the frames the
whole-column rules take (for callers that hold records), and frame rows made into records (only for
what the workbook shows). Money is integer cents in frames, Decimal in records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from models.records import Invoice, Payment, Source

_EPOCH = date(1970, 1, 1).toordinal()


def cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def to_decimal(value: int) -> Decimal:
    """Integer cents as a Decimal of two places (the records' money)."""
    return Decimal(int(value)).scaleb(-2)


def _days(values: Sequence[date | None]) -> np.ndarray:
    return np.array(
        [d if d is not None else np.datetime64("NaT") for d in values], dtype="datetime64[D]"
    ).astype("datetime64[s]")


def _texts(values: Sequence[str]) -> pd.Series:
    return pd.Series(list(values), dtype=object)


def invoice_frame(invoices: Sequence[Invoice]) -> pd.DataFrame:
    """Invoice records as an invoices frame (the schema of sources.frames)."""
    return pd.DataFrame(
        {
            "number": _texts([i.number for i in invoices]),
            "customer": _texts([i.customer_code for i in invoices]),
            "name": _texts([i.customer_name for i in invoices]),
            "date": _days([i.date for i in invoices]),
            "due": _days([i.due_date for i in invoices]),
            "amount": np.array([cents(i.amount) for i in invoices], dtype=np.int64),
            "paid": pd.array([None if i.paid is None else cents(i.paid) for i in invoices], dtype="Int64"),
            "remaining": pd.array(
                [None if i.remaining is None else cents(i.remaining) for i in invoices], dtype="Int64"
            ),
            "mode": _texts([i.payment_mode for i in invoices]),
            "dispute": _texts([i.dispute for i in invoices]),
            "blocked": _texts([i.blocked for i in invoices]),
            "file": _texts([i.source.file if i.source else "" for i in invoices]),
            "row": np.array([i.source.row if i.source else 0 for i in invoices], dtype=np.int64),
        }
    )


def payment_frame(payments: Sequence[Payment]) -> pd.DataFrame:
    """Payment records as a payments frame."""
    return pd.DataFrame(
        {
            "date": _days([p.date for p in payments]),
            "customer": _texts([p.customer_code for p in payments]),
            "amount": np.array([cents(p.amount) for p in payments], dtype=np.int64),
            "reference": _texts([p.reference for p in payments]),
            "label": _texts([p.label for p in payments]),
            "file": _texts([p.source.file if p.source else "" for p in payments]),
            "row": np.array([p.source.row if p.source else 0 for p in payments], dtype=np.int64),
        }
    )


def dates(column: pd.Series) -> list[date | None]:
    """A datetime64 column as dates (None for NaT), each distinct day built once."""
    days = column.to_numpy().astype("datetime64[D]")
    missing = np.isnat(days)
    numbers = days.astype(np.int64)
    cache: dict[int, date] = {}
    out: list[date | None] = []
    for day, none in zip(numbers.tolist(), missing.tolist(), strict=True):
        if none:
            out.append(None)
            continue
        found = cache.get(day)
        if found is None:
            found = cache[day] = date.fromordinal(day + _EPOCH)
        out.append(found)
    return out


def money(column: pd.Series) -> list[Decimal | None]:
    """Cents as Decimal; None where an Int64 column is <NA>."""
    missing = column.isna().to_numpy()
    values = column.to_numpy(dtype=np.int64, na_value=0).tolist()
    return [None if m else to_decimal(c) for c, m in zip(values, missing.tolist(), strict=True)]


def invoices(frame: pd.DataFrame) -> list[Invoice]:
    """Invoice records of (some rows of) an invoices frame."""
    if frame.empty:
        return []
    paid, left = money(frame["paid"]), money(frame["remaining"])
    amounts = [to_decimal(c) for c in frame["amount"].to_numpy(dtype=np.int64).tolist()]
    return [
        Invoice(number, customer, name, issued, due, amount, p, r, mode, dispute, Source(file, row), blocked)
        for number, customer, name, issued, due, amount, p, r, mode, dispute, file, row, blocked in zip(
            frame["number"].tolist(),
            frame["customer"].tolist(),
            frame["name"].tolist(),
            dates(frame["date"]),
            dates(frame["due"]),
            amounts,
            paid,
            left,
            frame["mode"].tolist(),
            frame["dispute"].tolist(),
            frame["file"].tolist(),
            frame["row"].tolist(),
            frame["blocked"].tolist(),
            strict=True,
        )
    ]
