"""Allocation of payments and credit notes to invoices on whole columns (the rule of models.allocation).

1. Money the invoices export already counts as paid (Réglé / Reste dû) is absorbed first.
2. A payment naming some of the customer's invoices (exact reference, or numbers as whole words in
   its reference and label) pays those first, oldest due date first.
3. The rest, unreferenced payments and credit notes pay the open invoices oldest due date first,
   disputed ones last. 4. What is left is a customer credit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.frames.references import targets, upper

ANOMALY_COLUMNS = ("file", "row", "column", "value", "message")


@dataclass(frozen=True, eq=False)
class AllocationFrames:
    """What is still due per invoice and the credit left per customer, in cents."""

    remaining: pd.Series  # Int64 on the invoices' index; <NA> for a credit note
    credits: pd.Series  # int64 by customer code, only the positive ones
    anomalies: pd.DataFrame  # ANOMALY_COLUMNS, in the payments' order


def credit_note_pool(invoices: pd.DataFrame) -> pd.Series:
    """Per customer, what its unused credit notes bring (cents, positive): credit-note netting."""
    balance = _balance(invoices)[0]
    notes = (invoices["amount"].to_numpy() < 0) & (balance < 0)
    return pd.Series(-balance[notes], index=invoices["customer"].to_numpy()[notes]).groupby(level=0).sum()


def _balance(invoices: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(balance, already paid) of each invoice, as the export says (Invoice.balance, already_paid)."""
    amount = invoices["amount"].to_numpy(dtype=np.int64)
    remaining, paid = invoices["remaining"], invoices["paid"]
    already = np.where(remaining.notna().to_numpy(), amount - remaining.to_numpy(dtype=np.int64, na_value=0),
                       np.where(paid.notna().to_numpy(), paid.to_numpy(dtype=np.int64, na_value=0), 0))
    return amount - already, already


def allocate(invoices: pd.DataFrame, payments: pd.DataFrame) -> AllocationFrames:
    """Apply every payment and credit note to the invoices (frames of sources.frames' schemas)."""
    balance, already = _balance(invoices)
    credit = invoices["amount"].to_numpy() < 0
    regular = pd.DataFrame({
        "at": np.flatnonzero(~credit), "customer": invoices["customer"].to_numpy()[~credit],
        "number": invoices["number"].to_numpy()[~credit], "due": invoices["due"].to_numpy()[~credit],
        "disputed": np.fromiter((bool(d) for d in invoices["dispute"].to_numpy()[~credit]), dtype=bool,
                                count=int((~credit).sum())),
        "open": np.maximum(balance[~credit], 0), "counted": np.maximum(already[~credit], 0),
    }).sort_values(["customer", "due", "number"], kind="stable").reset_index(drop=True)
    regular["position"] = regular.groupby("customer", sort=False).cumcount()
    named = targets(regular, payments)
    anomalies = _anomalies(invoices, payments, named)

    amounts = payments["amount"].to_numpy(dtype=np.int64)
    customers = payments["customer"].to_numpy()
    single = named.single
    multi = np.zeros(len(payments), dtype=bool)
    multi[list(named.several)] = True
    free = (single < 0) & ~multi
    unreferenced = pd.Series(amounts[free], index=customers[free]).groupby(level=0).sum()
    # A payment naming several invoices goes with the customer's named payments in order (below);
    # the others name one invoice each, and their sums per invoice are independent of each other.
    tangled = set(customers[multi].tolist())
    simple = (single >= 0) & ~np.isin(customers, list(tangled))
    sums = pd.Series(amounts[simple]).groupby(single[simple]).sum()
    at = sums.index.to_numpy(dtype=np.int64)
    amount = sums.to_numpy(dtype=np.int64)
    owner = regular["customer"].to_numpy()
    unreferenced = unreferenced.add(pd.Series(amount[amount <= 0], index=owner[at[amount <= 0]])
                                    .groupby(level=0).sum(), fill_value=0)
    at, amount = at[amount > 0], amount[amount > 0]
    open_, counted = regular["open"].to_numpy().copy(), regular["counted"].to_numpy().copy()
    absorbed = np.minimum(counted[at], amount)
    counted[at] -= absorbed
    amount = amount - absorbed
    paid = np.minimum(open_[at], amount)
    open_[at] -= paid
    leftover = pd.Series(amount - paid, index=owner[at]).groupby(level=0).sum()
    if tangled:
        left, negative = _in_order(payments, named, tangled, open_, counted)
        leftover = leftover.add(left, fill_value=0)
        unreferenced = unreferenced.add(negative, fill_value=0)

    by_customer = regular["customer"].to_numpy()
    still_counted = pd.Series(counted, index=by_customer).groupby(level=0).sum()
    unreferenced = unreferenced.astype(np.int64)
    absorbable = still_counted.reindex(unreferenced.index, fill_value=0).to_numpy()
    values = unreferenced.to_numpy()
    unreferenced = pd.Series(np.where(values > 0, values - np.minimum(absorbable, values), values),
                             index=unreferenced.index)
    pool = (credit_note_pool(invoices).add(leftover, fill_value=0).add(unreferenced, fill_value=0)
            .astype(np.int64))

    # Oldest due date first, disputed invoices last: what a pool pays is its cumulated reach.
    order = np.lexsort((regular["position"].to_numpy(), regular["disputed"].to_numpy(), by_customer))
    ordered_open = open_[order]
    ordered_customer = by_customer[order]
    reach = pd.Series(ordered_open).groupby(ordered_customer).cumsum().to_numpy() - ordered_open
    available = pool.reindex(ordered_customer, fill_value=0).to_numpy()
    paid = np.clip(available - reach, 0, ordered_open)
    open_[order] = ordered_open - paid
    spent = pd.Series(paid, index=ordered_customer).groupby(level=0).sum()
    credits = pool.sub(spent, fill_value=0).astype(np.int64)
    credits = credits[credits > 0]

    positions = regular["at"].to_numpy()
    values = np.zeros(len(invoices), dtype=np.int64)
    values[positions] = open_
    remaining = pd.Series(pd.arrays.IntegerArray(values, credit.copy()), index=invoices.index)
    return AllocationFrames(remaining, credits.rename_axis("customer").rename("credit"), anomalies)


def _in_order(payments: pd.DataFrame, named, tangled: set, open_: np.ndarray, counted: np.ndarray
              ) -> tuple[pd.Series, pd.Series]:
    """Customers with a payment naming several invoices: their named payments netted per set of
    invoices named, then in the order each set first appears, as the record rule goes (absorb on
    each named invoice, then pay each, what is left to the pool). Returns (left, non-positive sums)."""
    groups: dict[tuple[str, tuple[int, ...]], int] = {}
    for i, (customer, amount) in enumerate(zip(payments["customer"].tolist(),
                                               payments["amount"].tolist(), strict=True)):
        if customer not in tangled:
            continue
        key = named.several.get(i) or ((int(named.single[i]),) if named.single[i] >= 0 else None)
        if key is not None:
            groups[(customer, key)] = groups.get((customer, key), 0) + amount
    left: dict[str, int] = {}
    negative: dict[str, int] = {}
    for (customer, key), amount in groups.items():
        if amount <= 0:
            negative[customer] = negative.get(customer, 0) + amount
            continue
        for i in key:
            absorbed = min(int(counted[i]), amount)
            counted[i] -= absorbed
            amount -= absorbed
        for i in key:
            paid = min(int(open_[i]), amount)
            open_[i] -= paid
            amount -= paid
        left[customer] = left.get(customer, 0) + amount
    return pd.Series(left, dtype=np.int64), pd.Series(negative, dtype=np.int64)


def _anomalies(invoices: pd.DataFrame, payments: pd.DataFrame, named) -> pd.DataFrame:
    """A payment citing a reference that names none of the payer's invoices: another customer's
    invoice (the last one of that number), or an unknown one."""
    rows = np.flatnonzero(named.cited)
    owner: dict[str, str] = {}
    if len(rows):
        cited = {named.references[i] for i in rows.tolist()}
        numbers = pd.Series(invoices["customer"].to_numpy(), index=upper(invoices["number"].tolist()))
        owner = numbers[numbers.index.isin(cited)].groupby(level=0).last().to_dict()
    references = payments["reference"].to_numpy()[rows]
    owners = [owner.get(named.references[i]) for i in rows.tolist()]
    messages = [
        f"Le règlement cite la facture {reference} du client {who} : il est appliqué aux factures "
        "du client payeur." if who else
        f"Le règlement cite une facture inconnue ({reference}) : il est appliqué aux factures les plus "
        "anciennes du client."
        for reference, who in zip(references, owners, strict=True)
    ]
    return pd.DataFrame({
        "file": payments["file"].to_numpy()[rows] if "file" in payments else "",
        "row": payments["row"].to_numpy()[rows] if "row" in payments else 0,
        "column": "Référence", "value": references, "message": messages,
    }, columns=list(ANOMALY_COLUMNS))
