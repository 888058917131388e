"""The open items of customer accounts, from the lines of a FEC or of a ledger export, on whole columns.

Lines sharing a lettering code are settled. Of the others, a debit is an invoice and a credit is a
payment (bank or cash journal, a payment mode, a payment-like label, or an entry with a bank line)
or a credit note. Lines of one customer sharing a number are one invoice. Every step groups or
filters whole columns: the result does not depend on the order of the lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.records import Anomaly
from models.terms import PaymentTerms
from models.text import fold, french_amount
from sources import vectors
from sources.invoices import due_dates

_OPENING_JOURNALS = frozenset({"AN", "RAN"})
_BANK_JOURNALS = ("BQ", "BAN", "CA")  # CA also covers CAI, CAISSE
_SALES_JOURNALS = ("VT", "VE")
_OPENING_LABEL = re.compile(r"\ba[\s-]*nouveaux?\b")
_BANK_LABEL = re.compile(r"\b(?:banques?|caisses?|bank|cash)\b")
_SALES_LABEL = re.compile(r"\b(?:ventes?|sales?|customer invoices?|factures? clients?)\b")
_PAYMENT_LABEL = re.compile(
    # Not "remise": a "remise commerciale" is a credit note (in a bank journal, a payment anyway).
    r"\b(?:reglements?|regl|rglt|paiements?|virements?|vir|cheques?|chq|prelevements?|prlv|"
    r"encaissements?|lcr|effets?|traites?|cb|payments?)\b"
)
LINE_COLUMNS = ("row", "account", "aux", "code", "name", "signed", "entry_day", "piece_day", "letter",
                "journal", "journal_label", "entry", "number", "reference", "label", "mode", "due",
                "collective")


@dataclass(frozen=True)
class LedgerItems:
    """Open invoices (the invoices frame's columns) and payments of a ledger, its customers, anomalies."""

    invoices: pd.DataFrame
    payments: pd.DataFrame
    customers: dict[str, str]  # code -> name, in order of first appearance
    anomalies: list[Anomaly]


def journal_kind(code: str, label: str) -> str:
    """bank, sales, opening or other, from the journal's code and label."""
    upper, plain = code.upper(), fold(label)
    if upper in _OPENING_JOURNALS or _OPENING_LABEL.search(plain):
        return "opening"
    if upper.startswith(_BANK_JOURNALS) or _BANK_LABEL.search(plain):
        return "bank"
    if upper.startswith(_SALES_JOURNALS) or _SALES_LABEL.search(plain):
        return "sales"
    return "other"


def open_items(
    lines: pd.DataFrame,
    treasury: set[tuple[str, str]],
    terms: Mapping[str, PaymentTerms],
    default_days: int,
    file: str,
    columns: Mapping[str, str],
) -> LedgerItems:
    """The open items of `lines` (LINE_COLUMNS, customer accounts only, any order).

    `treasury` holds the (journal, entry) of entries with a bank or cash line; `columns` names the
    file's "aux" and "letter" columns for the anomalies. Due dates: the line's own, else the
    customer's `terms`, else `default_days` after the piece date (a credit note is due at once).
    """
    lines = lines.sort_values("row", kind="stable").reset_index(drop=True)
    anomalies: list[Anomaly] = []
    first = lines.drop_duplicates("code")
    customers = dict(zip(first["code"], np.where(first["name"] != "", first["name"], first["code"]),
                         strict=True))
    collective = lines[lines["collective"]].drop_duplicates("account")
    for account, row in zip(collective["account"], collective["row"], strict=True):
        anomalies.append(Anomaly(
            file, int(row), columns["aux"], "",
            f"Écritures du compte collectif {account} sans compte auxiliaire : elles sont "
            f"comptées comme un seul client « {account} »."))
    lettered = lines["letter"] != ""
    anomalies.extend(_unbalanced_letters(lines[lettered], file, columns["letter"]))
    open_lines = lines[~lettered & (lines["signed"] != 0)]
    debits = open_lines[open_lines["signed"] > 0]
    credits = open_lines[open_lines["signed"] < 0]
    is_payment = _payments(credits, treasury)
    payments = credits[is_payment]
    payments = pd.DataFrame({
        "date": payments["entry_day"].to_numpy(), "customer": payments["code"].to_numpy(),
        "amount": -payments["signed"].to_numpy(), "reference": payments["reference"].to_numpy(),
        "label": payments["label"].to_numpy(), "row": payments["row"].to_numpy(),
    })
    notes = credits[~is_payment].assign(mode="", due=vectors.NO_DAY)
    invoices = _pieces(pd.concat([debits.assign(debit=True), notes.assign(debit=False)]),
                       customers, terms, default_days)
    return LedgerItems(invoices, payments, customers, anomalies)


def _payments(credits: pd.DataFrame, treasury: set[tuple[str, str]]) -> np.ndarray:
    """Which credits are payments: a bank or cash journal, a payment mode, a payment-like label
    (outside the sales journal), or an entry with a bank line (not an opening one, whose bank
    lines carry the bank's balance)."""
    if credits.empty:
        return np.zeros(0, dtype=bool)
    pairs = pd.MultiIndex.from_arrays([credits["journal"], credits["journal_label"]])
    codes, uniques = pd.factorize(pairs)
    kinds = np.array([journal_kind(code, label) for code, label in uniques], dtype=object)[codes]
    labels = vectors.mapped(credits["label"], lambda t: bool(_PAYMENT_LABEL.search(fold(t or ""))))
    paid_like = ((kinds == "bank") | (credits["mode"] != "").to_numpy()
                 | ((kinds != "sales") & labels.astype(bool)))
    banked = np.fromiter((k in treasury for k in zip(credits["journal"], credits["entry"], strict=True)),
                         dtype=bool, count=len(credits))
    return paid_like | ((kinds != "opening") & banked)


def _unbalanced_letters(lettered: pd.DataFrame, file: str, column: str) -> list[Anomaly]:
    """Lettering codes repeat across customers: a group is (account, auxiliary, letter)."""
    if lettered.empty:
        return []
    groups = lettered.groupby(["account", "aux", "letter"], sort=False).agg(
        total=("signed", "sum"), row=("row", "first"), code=("code", "first"))
    groups = groups[groups["total"] != 0].sort_values("row", kind="stable")
    return [
        Anomaly(file, int(g.row), column, letter,
                f"Le lettrage « {letter} » du client {g.code} n'est pas soldé (écart de "
                f"{french_amount(vectors.to_decimal(g.total))}) : ces écritures sont tenues pour "
                f"réglées ; vérifiez le lettrage dans le logiciel comptable.")
        for (_, _, letter), g in zip(groups.index, groups.itertuples(), strict=True)
    ]


def _pieces(
    lines: pd.DataFrame, customers: Mapping[str, str], terms: Mapping[str, PaymentTerms],
    default_days: int,
) -> pd.DataFrame:
    """One invoice (or credit note) per customer and number; numbers shared by several customers
    (opening entries often all say "AN") get "/customer code" appended."""
    columns = ["number", "customer", "name", "date", "due", "amount", "paid", "paid_known",
               "remaining", "remaining_known", "mode", "dispute", "blocked", "row"]
    if lines.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    # The first debit line gives the invoice its line and mode; without one, the first credit note.
    ordered = lines.sort_values(["debit", "row"], ascending=[False, True], kind="stable")
    grouped = ordered.groupby(["code", "number"], sort=False)
    pieces = grouped.agg(amount=("signed", "sum"), day=("piece_day", "min"), row=("row", "first"),
                         mode=("mode", "first"), due=("due", "first")).reset_index()
    owners = pieces.groupby("number")["code"].transform("nunique")
    pieces = pieces[pieces["amount"] != 0]
    owners = owners[pieces.index]
    shown = np.where(owners > 1, pieces["number"] + "/" + pieces["code"], pieces["number"])
    amount = pieces["amount"].to_numpy()
    day = pieces["day"].to_numpy()
    due = pieces["due"].to_numpy().copy()
    todo = (due == vectors.NO_DAY) & (amount > 0)
    due[todo] = due_dates(pieces["code"].to_numpy()[todo], day[todo], terms, default_days)
    due[amount < 0] = day[amount < 0]  # a credit note is usable at once
    n = len(pieces)
    frame = pd.DataFrame({
        "number": shown.astype(object), "customer": pieces["code"].to_numpy(),
        "name": pieces["code"].map(customers).to_numpy(), "date": day, "due": due,
        "amount": amount, "paid": np.zeros(n, dtype=np.int64), "paid_known": np.zeros(n, dtype=bool),
        "remaining": np.zeros(n, dtype=np.int64), "remaining_known": np.zeros(n, dtype=bool),
        "mode": pieces["mode"].to_numpy(), "dispute": np.full(n, "", dtype=object),
        "blocked": np.full(n, "", dtype=object), "row": pieces["row"].to_numpy(),
    })
    return frame.sort_values("row", kind="stable").reset_index(drop=True)
