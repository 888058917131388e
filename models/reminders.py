"""A reminder to send (one letter to one customer) and the fields its Word and email templates see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from models.records import ZERO, Customer
from models.settings import CHANNELS, Company, Level
from models.text import NBSP, NNBSP, french_amount, french_date, french_long_date


@dataclass(frozen=True, slots=True)
class ReminderInvoice:
    """One invoice a letter lists, with the amounts the current exports give."""

    number: str
    date: date | None
    due_date: date
    amount: Decimal
    remaining: Decimal
    days_overdue: int
    level: int  # the invoice's own level once this reminder is sent (0: listed, never reminded)


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder of a lot: a customer, a level, a channel, its invoices and the accountant's message."""

    customer: Customer  # with the email the accountant may have edited
    level: Level
    channel: str  # a code of models.settings.CHANNELS
    invoices: tuple[ReminderInvoice, ...]
    message: str = ""
    reminder_count: int = 0  # reminders already sent for these invoices
    last_reminder: date | None = None

    @property
    def total(self) -> Decimal:
        return sum((i.remaining for i in self.invoices), ZERO)

    @property
    def by_email(self) -> bool:
        return "email" in self.channel

    @property
    def by_post(self) -> bool:
        return "courrier" in self.channel

    @property
    def by_phone(self) -> bool:
        return self.channel == "telephone"


# The fields a template may use, documented in the README; anything else is an error.
FIELDS = (
    "societe",
    "client",
    "factures",
    "nb_factures",
    "total_du",
    "niveau",
    "libelle_niveau",
    "canal",
    "objet",
    "nb_relances",
    "date_derniere_relance",
    "message",
    "date_lettre",
    "lieu",
    "delai_paiement",
    "date_limite",
    "date_reference",
)


def template_fields(reminder: Reminder, company: Company, today: date) -> dict[str, Any]:
    """Every field of FIELDS, already formatted the French way (templates get text, not numbers)."""
    customer = reminder.customer
    level = reminder.level
    deadline = today + timedelta(days=level.payment_days)
    return {
        "societe": {
            "nom": company.name,
            "adresse": list(company.address),
            "code_postal": company.postal_code,
            "ville": company.city,
            "telephone": company.phone,
            "email": company.email,
            "siret": company.siret,
            "iban": company.iban,
            "bic": company.bic,
            "signataire": company.signatory,
            "fonction": company.title,
        },
        "client": {
            "code": customer.code,
            "nom": customer.name,
            "adresse": list(customer.address),
            "code_postal": customer.postal_code,
            "ville": customer.city,
            "pays": customer.country,
            "email": customer.email,
            "telephone": customer.phone,
            "particulier": customer.private,
        },
        "factures": [
            {
                "numero": invoice.number,
                "date": french_date(invoice.date),
                "echeance": french_date(invoice.due_date),
                "montant": _amount(invoice.amount),
                "reste_du": _amount(invoice.remaining),
                "jours_retard": str(invoice.days_overdue),
            }
            for invoice in reminder.invoices
        ],
        "nb_factures": len(reminder.invoices),
        "total_du": _amount(reminder.total),
        "niveau": level.number,
        "libelle_niveau": level.label,
        "canal": CHANNELS[reminder.channel],
        "objet": f"{level.label} — {_unpaid(len(reminder.invoices))}",
        "nb_relances": reminder.reminder_count,
        "date_derniere_relance": french_date(reminder.last_reminder),
        "message": reminder.message,
        "date_lettre": french_long_date(today),
        "lieu": company.city,
        "delai_paiement": level.payment_days,
        "date_limite": french_long_date(deadline),
        "date_reference": french_date(today),
    }


def _amount(value: Decimal) -> str:
    # A letter's font may lack the narrow no-break space: a plain no-break space is safe everywhere.
    return french_amount(value).replace(NNBSP, NBSP)


def _unpaid(n: int) -> str:
    return "1 facture impayée" if n == 1 else f"{n} factures impayées"
