"""Aged balance (balance âgée): what each customer owes, by how late it is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.records import ZERO, Customer

# (label, first day late, last day late); None means no bound
BUCKETS = (
    ("Non échu", None, 0),
    ("1 à 30 jours", 1, 30),
    ("31 à 60 jours", 31, 60),
    ("61 à 90 jours", 61, 90),
    ("Plus de 90 jours", 91, None),
)


@dataclass(frozen=True, slots=True)
class AgeingRow:
    """One customer's open amounts per bucket of BUCKETS, in that order."""

    customer: Customer
    amounts: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)


def bucket_of(days_late: int) -> int:
    """Index in BUCKETS for an amount `days_late` days past its due date (≤ 0: not yet due)."""
    for index, (_, _, last) in enumerate(BUCKETS):
        if last is None or days_late <= last:
            return index
    raise AssertionError("the last bucket has no upper bound")


def ageing(items: Iterable[tuple[Customer, date, Decimal]], today: date) -> tuple[AgeingRow, ...]:
    """Sum the open amounts (customer, due date, amount) per customer and bucket, largest total first."""
    sums: dict[str, list[Decimal]] = {}
    who: dict[str, Customer] = {}
    for customer, due_date, amount in items:
        row = sums.setdefault(customer.code, [ZERO] * len(BUCKETS))
        who[customer.code] = customer
        row[bucket_of((today - due_date).days)] += amount
    rows = [AgeingRow(who[code], tuple(amounts)) for code, amounts in sums.items()]
    rows.sort(key=lambda r: (-r.total, r.customer.code))
    return tuple(rows)
