"""Which customers and invoices a proposal covers: by code, family, sales rep, company, payment mode."""

from __future__ import annotations

from dataclasses import dataclass, fields

from models.records import Customer, Invoice
from models.text import fold


@dataclass(frozen=True)
class Filters:
    """Empty means everything. Several values of one filter: any of them; several filters: all."""

    customers: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    representatives: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    payment_modes: tuple[str, ...] = ()
    from_account: str = ""
    to_account: str = ""

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def keeps_customer(self, customer: Customer) -> bool:
        code = fold(customer.code)
        if self.customers and code not in {fold(c) for c in self.customers}:
            return False
        if self.from_account and _before(code, fold(self.from_account)):
            return False
        if self.to_account and _before(fold(self.to_account), code):
            return False
        return all(
            not wanted or fold(value) in {fold(w) for w in wanted}
            for wanted, value in (
                (self.families, customer.family),
                (self.representatives, customer.representative),
                (self.companies, customer.company),
            )
        )

    def keeps_invoice(self, invoice: Invoice) -> bool:
        return self.keeps_mode(invoice.payment_mode)

    def keeps_mode(self, payment_mode: str) -> bool:
        """Payment modes match by words, as the exclusions do: « Virement » keeps « VIREMENT SEPA »."""
        if not self.payment_modes:
            return True
        mode = fold(payment_mode)
        return any(fold(wanted) in mode for wanted in self.payment_modes if wanted.strip())

    def describe(self) -> tuple[str, ...]:
        """One French line per filter in use, for the `Synthèse` sheet and the console."""
        lines = []
        for label, values in (
            ("Clients", self.customers),
            ("Famille", self.families),
            ("Représentant", self.representatives),
            ("Société", self.companies),
            ("Mode de règlement", self.payment_modes),
        ):
            if values:
                lines.append(f"{label} : {', '.join(values)}")
        if self.from_account or self.to_account:
            lines.append(f"Comptes : du {self.from_account or '…'} au {self.to_account or '…'}")
        return tuple(lines)


def _before(a: str, b: str) -> bool:
    """Account order: numbers as numbers (411-9 before 411-10), else as text."""
    if a.isdigit() and b.isdigit():
        return int(a) < int(b)
    return a < b
