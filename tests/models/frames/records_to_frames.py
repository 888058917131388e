"""Records as frames, to compare the whole-column rules with the record-based ones."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from models.records import Invoice, Payment


def cents(amount) -> int:
    return int(amount * 100)


def invoice_frame(invoices: Sequence[Invoice]) -> pd.DataFrame:
    return pd.DataFrame({
        "number": pd.Series([i.number for i in invoices], dtype=object),
        "customer": pd.Series([i.customer_code for i in invoices], dtype=object),
        "due": np.array([i.due_date for i in invoices], dtype="datetime64[D]").astype("datetime64[s]"),
        "amount": np.array([cents(i.amount) for i in invoices], dtype=np.int64),
        "paid": pd.array([None if i.paid is None else cents(i.paid) for i in invoices], dtype="Int64"),
        "remaining": pd.array([None if i.remaining is None else cents(i.remaining) for i in invoices],
                              dtype="Int64"),
        "dispute": pd.Series([i.dispute for i in invoices], dtype=object),
    })


def payment_frame(payments: Sequence[Payment]) -> pd.DataFrame:
    return pd.DataFrame({
        "customer": pd.Series([p.customer_code for p in payments], dtype=object),
        "amount": np.array([cents(p.amount) for p in payments], dtype=np.int64),
        "reference": pd.Series([p.reference for p in payments], dtype=object),
        "label": pd.Series([p.label for p in payments], dtype=object),
        "file": pd.Series([p.source.file for p in payments], dtype=object),
        "row": np.array([p.source.row for p in payments], dtype=np.int64),
    })
