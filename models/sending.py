"""Plan a lot: the accountant's choices applied to a proposal recomputed from today's exports."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from models.errors import RelanceError
from models.penalties import late_penalty
from models.proposal import CustomerLine, InvoiceLine, Proposal
from models.records import ZERO, Customer
from models.reminders import Reminder, ReminderInvoice
from models.settings import CHANNELS, Settings
from models.text import plain_amount

# ASCII only: SMTP servers without SMTPUTF8 refuse accented addresses (andré@…).
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    """What the accountant left in one row of the `Clients` sheet."""

    code: str
    chase: bool
    level: int | None  # None: empty cell
    channel: str | None  # a code of CHANNELS; None: empty cell
    email: str
    message: str
    where: str  # the row, for messages: « Clients, ligne 5 »
    email_cell: str = ""  # « Clients!C5 »
    name: str = ""  # as the workbook shows it
    claim: bool | None = None  # « Réclamer pénalités »; None: empty, the level decides
    claim_cell: str = ""


@dataclass(frozen=True)
class SendPlan:
    """The reminders to send, and what changed since the proposal, in French, one line each."""

    reminders: tuple[Reminder, ...]
    notes: tuple[str, ...]


def plan_lot(
    current: Proposal,
    choices: Mapping[str, CustomerChoice],
    included: Mapping[tuple[str, str], bool],
    shown_remaining: Mapping[tuple[str, str], Decimal | None],
    settings: Settings,
) -> SendPlan:
    """The reminders the validated workbook asks for, re-checked against the current exports.

    `included` and `shown_remaining` are keyed by (customer code, invoice number): each invoice's
    `Inclure` and `Reste dû` as the workbook shows them. An invoice paid since the proposal is
    dropped, a changed balance uses today's amount, a customer who owes nothing any more is not
    chased: each such change is a note.
    """
    lines = {line.customer.code: line for line in current.customers}
    reminders: list[Reminder] = []
    notes: list[str] = []
    for code, choice in choices.items():
        if not choice.chase:
            continue
        line = lines.get(code)
        name = line.customer.name if line else choice.name or code
        if line is None or line.total_due <= 0 or line.total_overdue <= 0:
            notes.append(f"{name} ({code}) ne doit plus rien d'échu : pas de relance.")
            continue
        if line.customer.do_not_chase:
            notes.append(f"{name} ({code}) est désormais marqué « Ne pas relancer » : pas de relance.")
            continue
        chosen = _invoices(line, included, shown_remaining, notes)
        if not chosen:
            notes.append(f"{name} ({code}) n'a plus de facture à relancer : pas de relance.")
            continue
        reminders.append(_reminder(line, choice, chosen, settings, current.reference_date))
    return SendPlan(tuple(reminders), tuple(notes))


def _invoices(
    line: CustomerLine,
    included: Mapping[tuple[str, str], bool],
    shown_remaining: Mapping[tuple[str, str], Decimal | None],
    notes: list[str],
) -> list[InvoiceLine]:
    code = line.customer.code
    current = {i.invoice.number: i for i in line.invoices}
    for (owner, number), include in included.items():
        if owner == code and include and number not in current:
            notes.append(f"Facture {number} ({line.customer.name}) réglée depuis la proposition : retirée.")
    chosen = []
    for number, invoice in current.items():
        if not included.get((code, number), False):
            continue  # unticked, deleted from the workbook, or overdue since the proposal
        shown = shown_remaining.get((code, number))
        if shown is not None and shown != invoice.remaining:
            notes.append(
                f"Facture {number} ({line.customer.name}) : reste dû aujourd'hui "
                f"{plain_amount(invoice.remaining)} (au lieu de {plain_amount(shown)} dans la proposition) : "
                "la lettre indique le montant d'aujourd'hui."
            )
        chosen.append(invoice)
    return chosen


def _reminder(
    line: CustomerLine,
    choice: CustomerChoice,
    chosen: list[InvoiceLine],
    settings: Settings,
    today: date,
) -> Reminder:
    customer = line.customer
    forced = all(i.step.due_level is None for i in chosen)
    number = choice.level or line.level
    if number is None:  # ticked by hand although no invoice reached a level yet
        number = min(settings.last_level, max(i.history.last_level for i in chosen) + 1)
    level = settings.level(number)
    assert level is not None, "levels are checked when the workbook is read"
    email = choice.email.strip()
    if email != customer.email:  # the accountant's address wins
        customer = replace(customer, email=email)
    channel = choice.channel or level.channel
    _check_contact(customer, channel, choice)
    wanted = level.claims_penalties if choice.claim is None else choice.claim
    claims = wanted and not customer.private  # the law gives nothing against a consumer
    if claims:
        _check_rates(customer, chosen, choice, settings, today)
    invoices = tuple(
        ReminderInvoice(
            number=i.invoice.number,
            date=i.invoice.date,
            due_date=i.invoice.due_date,
            amount=i.invoice.amount,
            remaining=i.remaining,
            days_overdue=i.days_overdue,
            level=_invoice_level(i, level.number, forced, settings),
            interest=i.penalty.interest if claims and i.penalty else ZERO,
            indemnity=i.penalty.indemnity if claims and i.penalty else ZERO,
            rates=tuple(rate for *_, rate in i.penalty.periods) if claims and i.penalty else (),
        )
        for i in chosen
    )
    return Reminder(
        customer=customer,
        level=level,
        channel=channel,
        invoices=invoices,
        message=choice.message.strip(),
        reminder_count=line.reminder_count,
        last_reminder=line.last_reminder,
        claims_penalties=claims,
    )


def _check_rates(
    customer: Customer, chosen: list[InvoiceLine], choice: CustomerChoice, settings: Settings, today: date
) -> None:
    """A letter claiming penalties needs every half-year's ECB rate: stop, saying which to add."""
    for line in chosen:
        if line.penalty is not None:
            continue
        try:
            late_penalty(line.remaining, line.invoice.due_date, today, settings.penalty_rates, private=False)
        except RelanceError as missing:
            where = f"en {choice.claim_cell}" if choice.claim_cell else "dans « Réclamer pénalités »"
            raise RelanceError(
                f"{missing.message} Sans lui, les pénalités de {customer.name} ne peuvent pas être "
                f"réclamées : ajoutez-le, ou mettez Non {where}."
            ) from None


def _invoice_level(line: InvoiceLine, letter: int, forced: bool, settings: Settings) -> int:
    """The level an invoice gets from this letter: its own step, never above the letter's, never down."""
    last = line.history.last_level
    own = line.step.due_level if line.step.due_level is not None else last
    if forced:  # a letter sent by hand before its time still counts as the next step
        own = min(last + 1, settings.last_level)
    return max(last, min(own, letter))


def _check_contact(customer: Customer, channel: str, choice: CustomerChoice) -> None:
    """Plan, then act: a reminder that cannot reach its customer stops the run before anything leaves."""
    who = f"{customer.name} ({choice.where})"
    if "email" in channel:
        if not customer.email:
            raise RelanceError(
                f"{who} : canal « {CHANNELS[channel]} » mais pas d'adresse email ; saisissez-la en "
                f"{choice.email_cell or 'colonne Email'} ou choisissez le canal Courrier."
            )
        if not _EMAIL.fullmatch(customer.email):
            raise RelanceError(
                f"{who} : l'adresse email « {customer.email} » n'est pas valide "
                f"({choice.email_cell or 'colonne Email'})."
            )
    if "courrier" in channel and not (customer.address or customer.city):
        raise RelanceError(
            f"{who} : canal « {CHANNELS[channel]} » mais pas d'adresse postale dans le fichier clients ; "
            "complétez-la ou choisissez le canal Email."
        )
    if channel == "telephone" and not customer.phone:
        raise RelanceError(
            f"{who} : canal « Téléphone » mais pas de numéro dans le fichier clients ; complétez-le ou "
            "choisissez un autre canal."
        )
