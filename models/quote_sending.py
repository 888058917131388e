"""Sending quote follow-ups: the accountant's choices re-checked against today's quotes, and the fields of
the courteous letter (`relance_devis.docx`) and of its email — no amount due, no penalty, no QR code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from models.emails import is_address
from models.problems import Problem
from models.quotes import PENDING, STATUS_LABELS, Quote, QuoteHistory, QuoteKey, QuoteLine, QuoteProposal
from models.records import Customer
from models.reminders import Reminder, company_fields, customer_fields, salutation
from models.settings import CHANNELS, Company, Level
from models.text import NBSP, NNBSP, french_amount, french_date, french_long_date

QUOTE_TEMPLATE = "relance_devis.docx"  # its email text is relance_devis.email.txt, beside it
QUOTE_LABEL = "Relance de devis"
QUOTE_CHANNELS = ("email", "courrier")

# The fields the quote templates may use, documented in the README (« Devis échus »).
QUOTE_FIELDS = (
    "societe",
    "client",
    "formule_appel",
    "devis",
    "objet",
    "relance_numero",
    "nb_relances",
    "date_derniere_relance",
    "message",
    "date_lettre",
    "lieu",
    "date_reference",
    "canal",
    "copie_postale",
    "logo",
)


@dataclass(frozen=True, slots=True)
class QuoteChoice:
    """What the accountant left in one row of the « Devis » sheet (its editable cells)."""

    number: str  # the quote's number
    code: str  # its customer's code
    chase: bool
    channel: str | None  # "email" or "courrier"; None: empty cell, the proposal's channel
    message: str
    where: str  # « Devis, ligne 4 »
    channel_cell: str = ""  # « Devis!K4 »
    row: int = 0
    name: str = ""  # the customer's name as the workbook shows it
    company: str = ""  # [[societes]]: the code of the quote's company; "" with one company


@dataclass(frozen=True, slots=True)
class QuoteReminder:
    """One quote follow-up of a lot: a customer, a quote, a channel, the accountant's message."""

    customer: Customer
    line: QuoteLine
    channel: str  # "email" or "courrier"
    message: str = ""
    company: str = ""  # [[societes]]: the code of the company it is sent for; "" with one company

    @property
    def quote(self) -> Quote:
        return self.line.quote

    @property
    def number(self) -> int:
        """Which follow-up of this quote it is: 1 for the first."""
        return self.line.number

    @property
    def previous(self) -> QuoteHistory:
        return self.line.history

    @property
    def level(self) -> Level:
        """The template to fill, as the letters machinery takes it (its `number` is the follow-up's)."""
        return Level(self.number, QUOTE_LABEL, 0, 0, self.channel, QUOTE_TEMPLATE, payment_days=0)

    @property
    def by_email(self) -> bool:
        return self.channel == "email"

    @property
    def by_post(self) -> bool:
        return self.channel == "courrier"

    @property
    def by_phone(self) -> bool:
        return False


Sendable = Reminder | QuoteReminder  # what a lot delivers: an invoice reminder, or a quote follow-up


@dataclass(frozen=True)
class QuotePlan:
    """The follow-ups to send, what changed since the proposal (notes), and what must be fixed first."""

    reminders: tuple[QuoteReminder, ...]
    notes: tuple[str, ...]
    problems: tuple[Problem, ...] = ()


def plan_quotes(
    current: QuoteProposal | None, choices: Mapping[QuoteKey, QuoteChoice],
    in_lot: frozenset[QuoteKey] = frozenset(),
) -> QuotePlan:  # fmt: skip
    """The follow-ups the validated « Devis » sheet asks for, re-checked against today's quotes: a quote
    accepted, refused, cancelled or gone since the proposal, or no longer due for a follow-up, is a note;
    a follow-up that cannot reach its customer is a problem (all of them returned together). `in_lot`:
    the quotes of the lot being resumed, whose follow-up left already (no longer due: nothing to say).
    Quotes are (company, number) throughout; each follow-up is sent for its quote's company."""
    lines = {line.quote.key: line for line in current.lines} if current else {}
    reminders: list[QuoteReminder] = []
    notes: list[str] = []
    problems: list[Problem] = []
    for key, choice in choices.items():
        if not choice.chase:
            continue
        line = lines.get(key)
        company = f"{choice.company} : " if choice.company else ""  # as the notes of invoices say it
        who = f"{company}Devis {choice.number} ({choice.name or choice.code})"
        if line is None and key in in_lot:
            continue
        if line is None:
            status = current.status_of(key) if current else None
            if status is None:
                notes.append(f"{who} n'est plus dans le fichier des devis : pas de relance.")
            elif status in STATUS_LABELS and status != PENDING:
                notes.append(f"{who} est désormais « {STATUS_LABELS[status]} » : pas de relance.")
            else:
                notes.append(f"{who} n'est plus à relancer aujourd'hui : pas de relance.")
            continue
        channel = choice.channel or line.channel
        problem = _contact_problem(line, channel, choice)
        if problem:
            problems.append(Problem(choice.channel_cell or choice.where, problem))
        customer = line.customer
        email = customer.email.strip()
        if email != customer.email:
            customer = replace(customer, email=email)
        reminders.append(QuoteReminder(customer, line, channel, choice.message.strip(), line.quote.company))
    return QuotePlan(tuple(reminders), tuple(notes), tuple(problems))


def _contact_problem(line: QuoteLine, channel: str, choice: QuoteChoice) -> str:
    """Plan, then act: a follow-up that cannot reach its customer is found before anything leaves."""
    customer = line.customer
    who = f"Devis {line.quote.number}, {customer.name} ({choice.where})"
    if customer.source is None and not (customer.email or customer.address or customer.city):
        return (f"{who} : le client {customer.code} est absent du fichier clients ; ajoutez-le (email ou "
                "adresse) ou mettez Non dans « À relancer ».")  # fmt: skip
    if channel == "email" and not customer.email:
        return (f"{who} : canal « {CHANNELS[channel]} » mais pas d'adresse email dans le fichier clients ; "
                f"complétez-le ou choisissez le canal Courrier en {choice.channel_cell or 'colonne Canal'}.")
    if channel == "email" and not is_address(customer.email):
        return (f"{who} : l'adresse email « {customer.email} » n'est pas valide ; corrigez-la dans le "
                "fichier clients ou choisissez le canal Courrier.")  # fmt: skip
    if channel == "courrier" and not (customer.address or customer.city):
        return (f"{who} : canal « {CHANNELS[channel]} » mais pas d'adresse postale dans le fichier clients ; "
                "complétez-la ou choisissez le canal Email.")  # fmt: skip
    return ""


def quote_fields(
    reminder: QuoteReminder, company: Company, letter_date: date, reference_date: date, *,
    postal_copy: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Every field of QUOTE_FIELDS, formatted the French way (templates get text, not numbers)."""
    quote = reminder.quote
    previous = reminder.previous
    issued = f" du {french_date(quote.date)}" if quote.date else ""
    return {
        "societe": company_fields(company),
        "client": customer_fields(reminder.customer),
        "formule_appel": salutation(reminder.customer),
        "devis": {
            "numero": quote.number,
            "date": french_date(quote.date),
            "validite": french_date(quote.valid_until),
            "montant": french_amount(quote.amount).replace(NNBSP, NBSP),
        },
        "objet": f"Notre devis n° {quote.number}{issued}",
        "relance_numero": reminder.number,
        "nb_relances": previous.count,
        "date_derniere_relance": french_date(previous.last_date),
        "message": reminder.message,
        "date_lettre": french_long_date(letter_date),
        "lieu": company.city,
        "date_reference": french_date(reference_date),
        "canal": CHANNELS[reminder.channel],
        "copie_postale": postal_copy,
        "logo": "",  # the letter's edge (letters/pictures.py) puts the templates folder's logo here
    }
