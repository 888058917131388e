"""Several companies ([[societes]]): one proposal made of each company's, every company computed as the
simple case of one (its invoices, payments, customers and letters only), and one company's part of it.

A customer code in two companies is two customers: each line's customer carries its company's code
(`Customer.company`), which the workbook shows, the workbook's rows are proven with, and sending reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from models.ageing import AgeingRow
from models.proposal import Proposal
from models.records import Customer
from models.sequence import Letter
from models.settings import Settings


def letters_of(letters: Iterable[Letter], code: str) -> list[Letter]:
    """The letters one company sent. Those sent before [[societes]] (no company) count for each company:
    only a letter whose invoices the company still has unpaid keeps its sequence going."""
    return [letter for letter in letters if letter.company in (code, "")]


def merge(parts: Sequence[tuple[str, Proposal]], settings: Settings, today: date) -> Proposal:
    """One proposal: the companies in the order of relance.toml, each one's customers in their usual order
    (chased first, largest amount first); an anomaly every company found (a missing ECB rate) told once.
    Its scope is the settings' filters (a `--societe` filter chose the companies of `parts`)."""
    customers = tuple(
        replace(line, customer=_of(line.customer, code)) for code, part in parts for line in part.customers
    )
    ageing = tuple(
        AgeingRow(_of(row.customer, code), row.amounts) for code, part in parts for row in part.ageing
    )
    anomalies = tuple(dict.fromkeys(anomaly for _, part in parts for anomaly in part.anomalies))
    return Proposal(today, customers, anomalies, ageing, settings, settings.filters)


def part_of(proposal: Proposal, code: str) -> Proposal:
    """The lines of one company (to plan its letters as those of one company)."""
    return replace(
        proposal,
        customers=tuple(line for line in proposal.customers if line.customer.company == code),
        ageing=tuple(row for row in proposal.ageing if row.customer.company == code),
    )


def _of(customer: Customer, code: str) -> Customer:
    # A customer only the invoices know was made up without one.
    return customer if customer.company == code else replace(customer, company=code)
