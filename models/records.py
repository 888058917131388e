"""Immutable records read from the exports and the journal: invoices, payments, customers, anomalies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record comes from: a file of input/ and its row number (1-based, as a user counts)."""

    file: str
    row: int


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something wrong in the data that did not stop the run; shown in the `Anomalies` sheet."""

    file: str
    row: int | None
    column: str
    value: str
    message: str

    @classmethod
    def at(cls, source: Source | None, column: str, value: str, message: str) -> Anomaly:
        """An anomaly about the record read at `source` (a file and row), if known."""
        return cls(source.file if source else "", source.row if source else None, column, value, message)


@dataclass(frozen=True, slots=True)
class Invoice:
    """An invoice, or a credit note when `amount` is negative, as the export gives it."""

    number: str
    customer_code: str
    customer_name: str
    date: date | None
    due_date: date
    amount: Decimal  # incl. VAT (TTC)
    paid: Decimal | None = None  # what the export says is already paid
    remaining: Decimal | None = None  # what the export says is still due
    payment_mode: str = ""
    dispute: str = ""  # empty: no dispute; else the export's mark or comment
    source: Source | None = None
    blocked: str = ""  # empty: not blocked; else the export's mark or comment

    @property
    def is_credit_note(self) -> bool:
        return self.amount < 0

    @property
    def already_paid(self) -> Decimal:
        """The part of the amount the export already counts as paid (never a payment to apply again)."""
        if self.remaining is not None:
            return self.amount - self.remaining
        if self.paid is not None:
            return self.paid
        return ZERO

    @property
    def amounts_disagree(self) -> bool:
        """The export gives both paid and remaining, and TTC − paid ≠ remaining."""
        return (
            self.paid is not None and self.remaining is not None and self.amount - self.paid != self.remaining
        )

    @property
    def balance(self) -> Decimal:
        """What is still due according to the export alone (negative for an unused credit note)."""
        return self.amount - self.already_paid


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment received from a customer."""

    date: date
    customer_code: str
    amount: Decimal
    reference: str = ""  # an invoice number given in a dedicated column
    label: str = ""  # free text that may contain an invoice number
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer from the clients file (or made up from the invoices when it is missing there)."""

    code: str
    name: str
    email: str = ""
    address: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    private: bool = False  # Particulier; business (Professionnel) when unknown
    do_not_chase: bool = False
    source: Source | None = None
    terms: str = ""  # payment terms as written (« 45 jours fin de mois »)
    chase_from: date | None = None  # a promise to pay: not chased before this date
    blocked: str = ""  # empty: not blocked; else « Bloqué », « Litige » or the comment given
    family: str = ""  # for the filters: Famille, Représentant, Société of the clients file
    representative: str = ""
    company: str = ""
    title: str = ""  # civilité as the clients file gives it: M., Mme, Société…


@dataclass(frozen=True, slots=True)
class InvoiceHistory:
    """What the journal knows of the reminders already sent for one invoice."""

    last_level: int = 0
    last_date: date | None = None
    count: int = 0


NO_HISTORY = InvoiceHistory()


@dataclass(frozen=True, slots=True)
class FileReport:
    """What became of each line of one input file: lines = header + used + skipped + anomalies + blank.

    `skipped` lines were left out on purpose, all together in one `note` (other accounts of a ledger,
    cancelled or draft invoices); `anomalies` lines were left out each with its anomaly.
    """

    kind: str
    lines: int
    header: int
    used: int
    skipped: int
    anomalies: int
    blank: int
    note: str = ""

    @property
    def balanced(self) -> bool:
        return self.lines == self.header + self.used + self.skipped + self.anomalies + self.blank
