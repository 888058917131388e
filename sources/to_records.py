"""The frames of the exports turned into the frozen records of models/records.py, for the callers that
still work record by record (Decimal money and datetime.date at this edge)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from models.records import Customer, Invoice, Payment, Source
from sources import vectors
from sources.others import PastReminder

_EPOCH = date(1970, 1, 1).toordinal()
_NO_DAY = vectors.NO_DAY


def _dates(column: pd.Series) -> list[date | None]:
    """A datetime64 column as dates (None for NaT), each distinct day built once."""
    days = column.to_numpy().astype("datetime64[D]").astype(np.int64)  # NaT is NO_DAY
    cache: dict[int, date | None] = {}
    out = []
    for day in days.tolist():
        found = cache.get(day, False)
        if found is False:
            found = None if day == _NO_DAY else date.fromordinal(day + _EPOCH)
            cache[day] = found
        out.append(found)
    return out


def _money(column: pd.Series) -> list:
    """Cents as Decimal; None where an Int64 column is <NA>."""
    missing = column.isna().to_numpy()
    cents = column.to_numpy(dtype=np.int64, na_value=0).tolist()
    return [None if m else vectors.to_decimal(c) for c, m in zip(cents, missing.tolist(), strict=True)]


def invoices(frame: pd.DataFrame) -> tuple[Invoice, ...]:
    """Invoice records of an invoices frame (schema in sources.frames)."""
    if frame.empty:
        return ()
    paid, left = _money(frame["paid"]), _money(frame["remaining"])
    return tuple(
        Invoice(number, customer, name, issued, due, amount, p, r, mode, dispute,
                Source(file, row), blocked)
        for number, customer, name, issued, due, amount, p, r, mode, dispute, file, row, blocked
        in zip(frame["number"].tolist(), frame["customer"].tolist(), frame["name"].tolist(),
               _dates(frame["date"]), _dates(frame["due"]),
               _money(frame["amount"]), paid, left, frame["mode"].tolist(),
               frame["dispute"].tolist(), frame["file"].tolist(), frame["row"].tolist(),
               frame["blocked"].tolist(), strict=True)
    )


def payments(frame: pd.DataFrame) -> tuple[Payment, ...]:
    if frame.empty:
        return ()
    return tuple(
        Payment(day, customer, amount, reference, label, Source(file, row))
        for day, customer, amount, reference, label, file, row in zip(
            _dates(frame["date"]), frame["customer"].tolist(),
            _money(frame["amount"]), frame["reference"].tolist(),
            frame["label"].tolist(), frame["file"].tolist(), frame["row"].tolist(), strict=True)
    )


def customers(frame: pd.DataFrame) -> dict[str, Customer]:
    """Customers by code; those named only by a FEC or a ledger have no source."""
    found: dict[str, Customer] = {}
    columns = {name: frame[name].tolist() for name in frame.columns if name != "chase_from"}
    columns["chase_from"] = _dates(frame["chase_from"])
    for row in zip(*columns.values(), strict=True):
        c = dict(zip(columns, row, strict=True))
        found[c["code"]] = Customer(
            code=c["code"], name=c["name"], email=c["email"],
            address=tuple(line for line in (c["address1"], c["address2"], c["address3"]) if line),
            postal_code=c["postal_code"], city=c["city"], country=c["country"], phone=c["phone"],
            private=bool(c["private"]), do_not_chase=bool(c["do_not_chase"]),
            source=Source(c["file"], int(c["row"])) if c["file"] else None, terms=c["terms"],
            chase_from=c["chase_from"], blocked=c["blocked"], family=c["family"],
            representative=c["representative"], company=c["company"], title=c["title"],
        )
    return found


def past_reminders(frame: pd.DataFrame) -> tuple[PastReminder, ...]:
    if frame.empty:
        return ()
    return tuple(
        PastReminder(number, day, level, Source(file, row))
        for number, day, level, file, row in zip(
            frame["invoice"].tolist(), _dates(frame["date"]), frame["level"].tolist(),
            frame["file"].tolist(), frame["row"].tolist(), strict=True)
    )
