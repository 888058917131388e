"""The columns of the `Clients`, `Factures` and `Devis` sheets, declared once: the writer, the reader and the
edit checks all loop over these declarations (title, width, style, kind, editable, value written)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.emails import is_address
from models.proposal import CustomerLine, InvoiceLine
from models.quotes import QuoteLine
from models.settings import CHANNELS
from workbook.layout import COMPANY_HEADER, CUSTOMERS, ID_HEADER, INVOICES, NO, QUOTES, YES

# Kinds of cells: how a value is written, read back and compared.
TEXT, AMOUNT, DATE, INT, FLAG, LEVEL, CHANNEL, FORMULA, ID = (
    "text", "amount", "date", "int", "flag", "level", "channel", "formula", "id",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of a sheet. `value` gives what `preparer` writes for a row of the model."""

    title: str
    width: int
    kind: str
    value: Callable[[Any], Any]
    style: str | None = None
    editable: bool = False  # yellow, with a dropdown or free text: read back as the accountant's choice
    optional: bool = False  # a proposal written by an older version may lack it

    @property
    def witness(self) -> bool:
        """A read-only cell whose value proves, with the row's ID, that the row is where `preparer` put it."""
        return not self.editable and self.kind not in (FORMULA, ID)


@dataclass(frozen=True)
class Sheet:
    """A sheet's name, its columns in order, and the visible columns that name a row (its identity)."""

    name: str
    columns: tuple[Column, ...]
    identity: tuple[str, ...]
    what: str = "le code client"  # how a message names a row by its identity

    @property
    def titles(self) -> tuple[str, ...]:
        return tuple(column.title for column in self.columns)

    @property
    def editable(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.editable)

    @property
    def witnesses(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.witness)

    def column(self, title: str) -> Column:
        return next(column for column in self.columns if column.title == title)

    def position(self, title: str) -> int:
        """0-based position of a column as written."""
        return self.titles.index(title)


def _yes_no(flag: bool) -> str:
    return YES if flag else NO


def _address(line: CustomerLine) -> str:
    return ", ".join(line.customer.address)


# The editable cells never stand side by side: between two of them there is always a read-only cell,
# so that sorting a few columns apart from the others always moves a witness too, which the reader sees.
CUSTOMER_SHEET = Sheet(
    CUSTOMERS,
    (
        Column("Code client", 12, TEXT, lambda c: c.customer.code),
        Column("Client", 32, TEXT, lambda c: c.customer.name),
        Column("Total échu", 13, AMOUNT, lambda c: c.total_overdue, "rl_euro"),
        Column("À relancer", 11, FLAG, lambda c: _yes_no(c.chase), "rl_edit", editable=True),
        Column("Motif", 46, TEXT, lambda c: c.reason, "rl_wrap"),
        Column("Niveau", 8, LEVEL, lambda c: c.level, "rl_edit", editable=True),
        Column("Libellé niveau", 18, FORMULA, lambda c: c.level_label),
        Column("Nb relances", 9, INT, lambda c: c.reminder_count or None),
        Column("Dernière relance", 12, DATE, lambda c: c.last_reminder, "rl_date"),
        Column("Canal", 17, CHANNEL, lambda c: CHANNELS.get(c.channel, ""), "rl_edit", editable=True),
        Column("Téléphone", 15, TEXT, lambda c: c.customer.phone),
        Column("Email", 30, TEXT, lambda c: c.customer.email, "rl_edit_text", editable=True),
        Column("Adresse", 30, TEXT, _address),
        Column("Code postal", 10, TEXT, lambda c: c.customer.postal_code),
        Column("Ville", 18, TEXT, lambda c: c.customer.city),
        Column("Pays", 10, TEXT, lambda c: c.customer.country),
        Column("Total dû", 13, AMOUNT, lambda c: c.total_due, "rl_euro"),
        Column(
            "Réclamer pénalités", 11, FLAG, lambda c: _yes_no(c.claims_penalties), "rl_edit", editable=True
        ),
        Column("Pénalités", 12, AMOUNT, lambda c: c.penalties, "rl_euro"),
        Column("Indemnité", 12, AMOUNT, lambda c: c.indemnities, "rl_euro"),
        Column("Pénalités : remarque", 30, TEXT, lambda c: c.penalty_note, "rl_wrap"),
        Column("Message", 40, TEXT, lambda c: "", "rl_edit_text", editable=True),
        Column(ID_HEADER, 10, ID, lambda c: None),
    ),
    identity=("Code client",),
)

# A row of the Factures sheet: the invoice and its customer (whose letter gives the invoice its level).
InvoiceRow = tuple[CustomerLine, InvoiceLine]

INVOICE_SHEET = Sheet(
    INVOICES,
    (
        Column("Code client", 12, TEXT, lambda r: r[1].invoice.customer_code),
        Column("N° facture", 16, TEXT, lambda r: r[1].invoice.number),
        Column("Date facture", 12, DATE, lambda r: r[1].invoice.date, "rl_date"),
        Column("Échéance", 12, DATE, lambda r: r[1].invoice.due_date, "rl_date"),
        Column("Montant TTC", 13, AMOUNT, lambda r: r[1].invoice.amount, "rl_euro"),
        Column("Reste dû", 13, AMOUNT, lambda r: r[1].remaining, "rl_euro"),
        Column("Jours de retard", 9, INT, lambda r: r[1].days_overdue),
        Column("Niveau", 8, INT, lambda r: r[0].invoice_level(r[1])),
        Column("Nb relances", 9, INT, lambda r: r[1].history.count or None),
        Column("Dernière relance", 12, DATE, lambda r: r[1].history.last_date, "rl_date"),
        Column("Inclure", 9, FLAG, lambda r: _yes_no(r[1].include), "rl_edit", editable=True),
        Column("Motif", 50, TEXT, lambda r: r[1].reason, "rl_wrap"),
        Column("Pénalités", 12, AMOUNT, lambda r: r[1].penalty.interest if _priced(r) else None, "rl_euro"),
        Column("Indemnité", 12, AMOUNT, lambda r: r[1].penalty.indemnity if _priced(r) else None, "rl_euro"),
        Column(ID_HEADER, 10, ID, lambda r: None),
    ),
    identity=("Code client", "N° facture"),
    what="la facture (code client, n°)",
)


def _priced(row: InvoiceRow) -> bool:
    """Penalties of a business customer's invoice whose rates are known (blank otherwise)."""
    customer, invoice = row
    return invoice.penalty is not None and not customer.customer.private


def _usable_email(line: QuoteLine) -> str:
    return line.customer.email if is_address(line.customer.email) else ""


# One row per quote proposed for a follow-up; as above, no two editable cells side by side.
QUOTE_SHEET = Sheet(
    QUOTES,
    (
        Column("Code client", 12, TEXT, lambda q: q.quote.customer_code),
        Column("Client", 32, TEXT, lambda q: q.customer.name),
        Column("N° devis", 16, TEXT, lambda q: q.quote.number),
        Column("Date", 12, DATE, lambda q: q.quote.date, "rl_date"),
        Column("Validité", 12, DATE, lambda q: q.quote.valid_until, "rl_date"),
        Column("Montant", 13, AMOUNT, lambda q: q.quote.amount, "rl_euro"),
        Column("Jours échus", 9, INT, lambda q: q.days_expired),
        Column("À relancer", 11, FLAG, lambda q: _yes_no(q.chase), "rl_edit", editable=True),
        Column("Relances déjà faites", 10, INT, lambda q: q.history.count),
        Column("Dernière relance", 12, DATE, lambda q: q.history.last_date, "rl_date"),
        Column("Canal", 12, CHANNEL, lambda q: CHANNELS[q.channel], "rl_edit", editable=True),
        Column("Email", 30, TEXT, _usable_email),
        Column("Message", 40, TEXT, lambda q: "", "rl_edit_text", editable=True),
        Column(ID_HEADER, 10, ID, lambda q: None),
    ),
    identity=("Code client", "N° devis"),
    what="le devis (code client, n°)",
)


def with_company(sheet: Sheet) -> Sheet:
    """The sheet with [[societes]]: « Société » first, read-only, sealed and part of each row's identity
    (a customer code in two companies is two rows, two letters; a quote number too)."""
    if sheet.name == CUSTOMERS:
        column = Column(COMPANY_HEADER, 10, TEXT, lambda c: c.customer.company)
        what = "le client (société, code)"
    elif sheet.name == QUOTES:
        column = Column(COMPANY_HEADER, 10, TEXT, lambda q: q.quote.company)
        what = "le devis (société, code client, n°)"
    else:
        column = Column(COMPANY_HEADER, 10, TEXT, lambda r: r[0].customer.company)
        what = "la facture (société, code client, n°)"
    return Sheet(sheet.name, (column, *sheet.columns), (COMPANY_HEADER, *sheet.identity), what)


COMPANY_SHEETS = (with_company(CUSTOMER_SHEET), with_company(INVOICE_SHEET))
COMPANY_QUOTE_SHEET = with_company(QUOTE_SHEET)


def sheets(companies: bool) -> tuple[Sheet, Sheet]:
    """The Clients and Factures sheets of a proposal, with the « Société » column when `companies`."""
    return COMPANY_SHEETS if companies else (CUSTOMER_SHEET, INVOICE_SHEET)


def quote_sheet(companies: bool) -> Sheet:
    """The Devis sheet of a proposal, with the « Société » column when `companies`."""
    return COMPANY_QUOTE_SHEET if companies else QUOTE_SHEET
