"""The DataFrames the exports are read into, and how invoice rows of several lines become one invoice.

Schemas of Exports.frames (money in integer cents, dates datetime64[s] with NaT for none):

- invoices: number, customer, name (str); date, due (datetime64[s]); amount (int64, negative for
  a credit note); paid, remaining (Int64, <NA> when the export does not say); mode, dispute,
  blocked (str, "" for none); file (str), row (int64, the physical line).
- payments: date (datetime64[s]); customer (str); amount (int64); reference, label, file (str);
  row (int64).
- customers: code, name, email, address1, address2, address3, postal_code, city, country, phone
  (str); private, do_not_chase (bool); terms (str); chase_from (datetime64[s]); blocked, family,
  representative, company (str); file (str, "" for a customer only a FEC or ledger names), row.
- past_reminders: invoice (str); date (datetime64[s]); level (int64); file (str); row (int64).

With [[societes]], invoices and payments also have `company` (str, a code of relance.toml), and a
customer's `company` is that code or "" (a customer of every company): see sources/companies.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sources import vectors
from sources.cells import header_key
from sources.checks import Sheet
from sources.others import CUSTOMER_COLUMNS

INVOICE_COLUMNS = ("number", "customer", "name", "date", "due", "amount", "paid", "paid_known",
                   "remaining", "remaining_known", "mode", "dispute", "blocked", "file", "row")
PAYMENT_COLUMNS = ("date", "customer", "amount", "reference", "label", "file", "row")
REMINDER_COLUMNS = ("invoice", "date", "level", "file", "row")
__all__ = ["CUSTOMER_COLUMNS", "INVOICE_COLUMNS", "PAYMENT_COLUMNS", "REMINDER_COLUMNS", "Frames"]

_DATES = {"invoices": ("date", "due"), "payments": ("date",), "customers": ("chase_from",),
          "past_reminders": ("date",)}
_INTS = {"invoices": ("amount", "row"), "payments": ("amount", "row"), "customers": ("row",),
         "past_reminders": ("level", "row")}
_BOOLS = {"customers": ("private", "do_not_chase")}
_ORDER = {
    "invoices": tuple(c for c in INVOICE_COLUMNS if not c.endswith("_known")),
    "payments": PAYMENT_COLUMNS, "customers": CUSTOMER_COLUMNS, "past_reminders": REMINDER_COLUMNS,
}

# Titles of an invoice-lines export: its rows are the lines of invoices, to be summed.
_LINE_TITLES = frozenset(header_key(t) for t in (
    "Désignation", "Description", "Article", "Code article", "Référence article", "Produit",
    "Quantité", "Qté", "Prix unitaire", "PU HT", "Libellé ligne", "Ligne", "Product", "Quantity",
    "Unit price", "Montant HT ligne", "Total ligne"))


@dataclass(frozen=True, eq=False)
class Frames:
    """The exports as DataFrames (schemas above)."""

    invoices: pd.DataFrame
    payments: pd.DataFrame
    customers: pd.DataFrame
    past_reminders: pd.DataFrame


def public(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """An internal frame (day numbers, *_known flags) in the schema of Exports.frames; its columns
    are reused, not copied (a million rows of text cost hundreds of megabytes)."""
    columns: dict[str, object] = {}
    for name in frame.columns:
        if name == "pos" or name == "k" or name.endswith("_known"):
            continue
        values = frame[name].to_numpy()
        if name in _DATES[kind]:
            days = pd.to_numeric(frame[name], errors="coerce").fillna(vectors.NO_DAY).to_numpy(np.int64)
            values = vectors.to_datetime64(days)
        elif name in _INTS[kind]:
            values = values.astype(np.int64, copy=False)
        elif name in _BOOLS.get(kind, ()):
            values = values.astype(bool, copy=False)
        elif kind == "invoices" and name in ("paid", "remaining"):
            known = frame[f"{name}_known"].to_numpy().astype(bool)
            values = pd.arrays.IntegerArray(values.astype(np.int64, copy=False), ~known)
        columns[name] = values
    order = [c for c in _ORDER[kind] if c in columns]
    if "company" in columns and "company" not in order:  # with [[societes]]: each row's company
        order.append("company")
    return pd.DataFrame({c: columns[c] for c in order}, copy=False)


def merge_invoices(parts: list[pd.DataFrame], sheets: list[Sheet]) -> pd.DataFrame:
    """The invoices of all the factures files; a number seen before is reported and left out,
    unless its row shares the file, date and customer of the first one: it is then another line of
    the same invoice, summed into it (an invoice-lines export). Rows identical in amount too are
    summed only when the file has invoice-line columns (Désignation, Quantité…): elsewhere they
    are the same invoice repeated (an export of invoices and their payments, one row per payment)."""
    if not parts:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in (*INVOICE_COLUMNS, "pos", "k")})
    frame = pd.concat([p.assign(k=k) for k, p in enumerate(parts)], ignore_index=True)
    repeated = frame.duplicated("number", keep="first").to_numpy()
    if not repeated.any():
        return frame
    firsts = frame[~repeated].set_index("number")
    first = firsts.reindex(frame["number"])
    same = ((first["k"].to_numpy() == frame["k"].to_numpy())
            & (first["date"].to_numpy() == frame["date"].to_numpy())
            & (first["customer"].to_numpy() == frame["customer"].to_numpy()) & repeated)
    lines_file = np.array([bool(_LINE_TITLES & {header_key(h) for h in s.layout.headers}) for s in sheets])
    varied = frame.groupby("number")["amount"].transform("nunique").to_numpy() > 1
    summed = same & (lines_file[frame["k"].to_numpy()] | varied)
    dropped = repeated & ~summed
    for k, sheet in enumerate(sheets):
        rows = np.flatnonzero(dropped & (frame["k"].to_numpy() == k))
        if not len(rows):
            continue
        mask = np.zeros(len(sheet), dtype=bool)
        mask[frame["pos"].to_numpy()[rows]] = True
        messages = np.full(len(sheet), "", dtype=object)
        values = np.full(len(sheet), "", dtype=object)
        values[frame["pos"].to_numpy()[rows]] = frame["number"].to_numpy()[rows]
        for row in rows:
            origin = firsts.loc[frame["number"].iat[row]]
            messages[frame["pos"].iat[row]] = (f"Numéro de facture déjà présent ({origin['file']} "
                                               f"ligne {int(origin['row'])}) : ligne ignorée.")
        sheet.drop(mask, "numero", messages, values)
    kept = frame[~dropped]
    if not summed.any():
        return kept.reset_index(drop=True)
    return _sum_lines(kept)


def _sum_lines(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per number: amounts summed, the earliest due date, the first non-empty texts."""
    texts = ("name", "mode", "dispute", "blocked")
    blank = {c: frame[c].where(frame[c] != "") for c in texts}
    grouped = frame.assign(**blank).groupby("number", sort=False)
    summed = grouped.agg(
        amount=("amount", "sum"), paid=("paid", "sum"), paid_known=("paid_known", "any"),
        remaining=("remaining", "sum"), remaining_known=("remaining_known", "any"),
        due=("due", "min"), **{c: (c, "first") for c in texts},
    )
    firsts = frame.drop_duplicates("number").set_index("number")
    out = firsts.drop(columns=["amount", "paid", "paid_known", "remaining", "remaining_known", "due",
                               *texts]).join(summed)
    for c in texts:
        out[c] = out[c].fillna("")
    return out.reset_index()
