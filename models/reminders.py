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
    interest: Decimal = ZERO  # late-payment interest claimed (0 when the letter claims none)
    indemnity: Decimal = ZERO  # the 40 € recovery indemnity claimed
    rates: tuple[Decimal, ...] = ()  # annual rates (%) of the interest's periods


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
    claims_penalties: bool = False

    @property
    def total(self) -> Decimal:
        return sum((i.remaining for i in self.invoices), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((i.interest for i in self.invoices), ZERO)

    @property
    def indemnities(self) -> Decimal:
        return sum((i.indemnity for i in self.invoices), ZERO)

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
    "reclamer_penalites",
    "total_penalites",
    "total_indemnites",
    "total_avec_penalites",
    "taux_penalites",
    "mention_penalites",
)

LEGAL_MENTION = (
    "Conformément aux articles L441-10 et D441-5 du Code de commerce, toute somme non payée à son "
    "échéance porte de plein droit, dès le lendemain de l'échéance, des pénalités de retard au taux "
    "de refinancement de la Banque centrale européenne majoré de 10 points, et donne lieu à une "
    "indemnité forfaitaire pour frais de recouvrement de 40 € par facture."
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
                "penalites": _amount(invoice.interest),
                "indemnite": _amount(invoice.indemnity),
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
        "reclamer_penalites": reminder.claims_penalties,
        "total_penalites": _amount(reminder.interest),
        "total_indemnites": _amount(reminder.indemnities),
        "total_avec_penalites": _amount(reminder.total + reminder.interest + reminder.indemnities),
        "taux_penalites": _rates(reminder),
        "mention_penalites": LEGAL_MENTION if reminder.claims_penalties else "",
    }


def _rates(reminder: Reminder) -> str:
    """« 12,15 % », or « 12,40 % puis 12,15 % » when the delay spans a change of rate."""
    oldest_first = sorted(reminder.invoices, key=lambda i: i.due_date)
    rates = dict.fromkeys(rate for invoice in oldest_first for rate in invoice.rates)
    return " puis ".join(f"{rate:.2f} %".replace(".", ",") for rate in rates)


def _amount(value: Decimal) -> str:
    # A letter's font may lack the narrow no-break space: a plain no-break space is safe everywhere.
    return french_amount(value).replace(NNBSP, NBSP)


def _unpaid(n: int) -> str:
    return "1 facture impayée" if n == 1 else f"{n} factures impayées"
