"""Allocation of payments and credit notes to invoices, customer by customer.

The rule, in order, for each customer:
1. Money the invoices export already counts as paid (its `Réglé` / `Reste dû` columns) is never
   applied a second time: a payment of the payments file first "absorbs" that already-counted money —
   the invoice's own for a payment that names the invoice, the customer's remaining for the others.
2. A payment whose reference equals one of the customer's invoice numbers, or whose reference or
   label contains some of them, pays those invoices first (oldest due date first).
3. The rest of it, unreferenced payments and unused credit notes pay the customer's open invoices,
   oldest due date first, disputed ones last (a customer who disputes an invoice does not mean to pay it).
4. What is left is a customer credit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from models.records import ZERO, Anomaly, Invoice, Payment

_BOUNDARY = re.compile(r"[0-9A-Z]")


@dataclass(frozen=True)
class Allocation:
    """What is still due per invoice (by number) and the credit left per customer (by code)."""

    remaining: Mapping[str, Decimal]
    credits: Mapping[str, Decimal]
    anomalies: tuple[Anomaly, ...]


def allocate(invoices: Iterable[Invoice], payments: Iterable[Payment]) -> Allocation:
    """Apply every payment and credit note to the invoices; see the module docstring for the rule."""
    by_customer: dict[str, list[Invoice]] = defaultdict(list)
    owner: dict[str, str] = {}
    for invoice in invoices:
        by_customer[invoice.customer_code].append(invoice)
        owner[invoice.number.upper()] = invoice.customer_code
    payments_by_customer: dict[str, list[Payment]] = defaultdict(list)
    for payment in payments:
        payments_by_customer[payment.customer_code].append(payment)

    remaining: dict[str, Decimal] = {}
    credits: dict[str, Decimal] = {}
    anomalies: list[Anomaly] = []
    for code in by_customer.keys() | payments_by_customer.keys():
        credit = _allocate_customer(
            by_customer.get(code, []), payments_by_customer.get(code, []), owner, remaining, anomalies
        )
        if credit > 0:
            credits[code] = credit
    return Allocation(remaining, credits, tuple(anomalies))


def _allocate_customer(
    invoices: list[Invoice],
    payments: list[Payment],
    owner: Mapping[str, str],
    remaining: dict[str, Decimal],
    anomalies: list[Anomaly],
) -> Decimal:
    """Allocate one customer's money; fill `remaining` for its invoices and return its credit."""
    ordered = sorted((i for i in invoices if not i.is_credit_note), key=lambda i: (i.due_date, i.number))
    open_amount = {i.number: max(i.balance, ZERO) for i in ordered}
    counted = {i.number: max(i.already_paid, ZERO) for i in ordered}
    numbers = {i.number.upper(): i.number for i in ordered}
    position = {i.number: n for n, i in enumerate(ordered)}

    pool = sum((-i.balance for i in invoices if i.is_credit_note and i.balance < 0), ZERO)
    unreferenced = ZERO
    # Net the payments naming the same invoices first, so a rejected payment (negative) cancels
    # the one it rejects instead of being applied on its own.
    referenced: dict[tuple[str, ...], Decimal] = defaultdict(lambda: ZERO)
    for payment in payments:
        targets = _targets(payment, numbers, owner, anomalies)
        if targets:
            referenced[tuple(sorted(targets, key=position.__getitem__))] += payment.amount
        else:
            unreferenced += payment.amount

    for targets, amount in referenced.items():
        if amount <= 0:
            unreferenced += amount
            continue
        for number in targets:
            absorbed = min(counted[number], amount)
            counted[number] -= absorbed
            amount -= absorbed
        for number in targets:
            paid = min(open_amount[number], amount)
            open_amount[number] -= paid
            amount -= paid
        pool += amount

    # Unreferenced money the export already counted is absorbed, not applied again.
    if unreferenced > 0:
        absorbed = min(sum(counted.values(), ZERO), unreferenced)
        unreferenced -= absorbed
    pool += unreferenced

    for invoice in sorted(ordered, key=lambda i: bool(i.dispute)):
        if pool <= 0:
            break
        paid = min(open_amount[invoice.number], pool)
        open_amount[invoice.number] -= paid
        pool -= paid

    remaining.update(open_amount)
    return pool


def _targets(
    payment: Payment,
    numbers: Mapping[str, str],
    owner: Mapping[str, str],
    anomalies: list[Anomaly],
) -> list[str]:
    """The customer's invoices a payment names: its exact reference, else numbers found in its texts."""
    reference = payment.reference.strip().upper()
    if reference in numbers:
        return [numbers[reference]]
    text = f"{reference} {payment.label.upper()}".strip()
    found = _numbers_in(text, numbers) if text else []
    if found:
        return found
    if reference:
        other = owner.get(reference)
        message = (
            f"Le règlement cite la facture {payment.reference} du client {other} : "
            "il est appliqué aux factures du client payeur."
            if other
            else f"Le règlement cite une facture inconnue ({payment.reference}) : "
            "il est appliqué aux factures les plus anciennes du client."
        )
        anomalies.append(Anomaly.at(payment.source, "Référence", payment.reference, message))
    return []


def _numbers_in(text: str, numbers: Mapping[str, str]) -> list[str]:
    """Invoice numbers standing in `text` as whole words ("FA-12" is not found in "FA-123")."""
    found = []
    for upper, number in numbers.items():
        start = text.find(upper)
        while start >= 0:
            end = start + len(upper)
            before = text[start - 1] if start > 0 else " "
            after = text[end] if end < len(text) else " "
            if not _BOUNDARY.match(before) and not _BOUNDARY.match(after):
                found.append(number)
                break
            start = text.find(upper, start + 1)
    return found
