"""Plan a lot: the accountant's choices applied to a proposal recomputed from today's exports."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from models.emails import is_address
from models.errors import RelanceError
from models.penalties import late_penalty
from models.problems import Problem
from models.proposal import CustomerLine, InvoiceLine, Proposal
from models.records import ZERO, Customer
from models.reminders import PreviousLetter, Reminder, ReminderInvoice
from models.settings import CHANNELS, Settings
from models.text import plain_amount


@dataclass(frozen=True, slots=True)
class CustomerChoice:
    """What the accountant left in one row of the `Clients` sheet (only its editable cells)."""

    code: str
    chase: bool
    level: int | None  # None: empty cell
    channel: str | None  # a code of CHANNELS; None: empty cell
    email: str
    message: str
    where: str  # the row, for messages: « Clients, ligne 5 »
    email_cell: str = ""  # « Clients!J5 »
    claim: bool | None = None  # « Réclamer pénalités »; None: empty, the level decides
    claim_cell: str = ""
    row: int = 0  # the row number, to keep the workbook's order in messages
    name: str = ""  # the customer's name as the workbook shows it (for a customer gone from the exports)


@dataclass(frozen=True)
class SendPlan:
    """The reminders to send; what changed since the proposal (notes, in French, one line each); and
    what must be fixed before anything leaves (problems: when there is one, nothing is sent)."""

    reminders: tuple[Reminder, ...]
    notes: tuple[str, ...]
    problems: tuple[Problem, ...] = ()


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
    chased: each such change is a note. A reminder that cannot reach its customer, or that claims
    penalties whose rate is unknown, is a problem: every problem is returned, none stops the others.
    """
    lines = {line.customer.code: line for line in current.customers}
    reminders: list[Reminder] = []
    notes: list[str] = []
    problems: list[Problem] = []
    for code, choice in choices.items():
        if not choice.chase:
            continue
        line = lines.get(code)
        who = f"{line.customer.name if line else choice.name or code} ({code})"
        if line is None or line.total_due <= 0 or line.total_overdue <= 0:
            notes.append(f"{who} ne doit plus rien d'échu : pas de relance.")
            continue
        if line.customer.do_not_chase:
            notes.append(f"{who} est désormais marqué « Ne pas relancer » : pas de relance.")
            continue
        chosen = _invoices(line, included, shown_remaining, notes)
        if not chosen:
            notes.append(f"{who} n'a plus de facture à relancer : pas de relance.")
            continue
        reminder, found = _reminder(line, choice, chosen, settings, current.reference_date)
        problems.extend(found)
        if reminder.level.number < reminder.proposed_level:
            notes.append(
                f"{who} : niveau {reminder.level.number} choisi au lieu du niveau "
                f"{reminder.proposed_level} proposé ; ce choix est inscrit au journal."
            )
        reminders.append(reminder)
    return SendPlan(tuple(reminders), tuple(notes), tuple(problems))


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


def _proposed_level(line: CustomerLine, settings: Settings) -> int:
    """The level the sequence gives the customer's next letter, also when it is sent early by hand."""
    if line.level is not None:
        return line.level
    return min(settings.last_level, line.step.last_level + 1)


def _reminder(
    line: CustomerLine,
    choice: CustomerChoice,
    chosen: list[InvoiceLine],
    settings: Settings,
    today: date,
) -> tuple[Reminder, list[Problem]]:
    customer = line.customer
    proposed = _proposed_level(line, settings)
    level = settings.level(choice.level or proposed)
    assert level is not None, "levels are checked when the workbook is read"
    email = choice.email.strip()
    if email != customer.email:  # the accountant's address wins
        customer = replace(customer, email=email)
    channel = choice.channel or level.channel
    problems = _check_contact(customer, channel, choice)
    wanted = level.claims_penalties if choice.claim is None else choice.claim
    claims = wanted and not customer.private  # the law gives nothing against a consumer
    if claims:
        problems += _check_rates(customer, chosen, choice, settings, today)
    listed = {i.invoice.number for i in chosen}
    previous = tuple(
        PreviousLetter(letter.date, letter.level, _label(settings, letter.level))
        for letter in line.letters
        if listed.intersection(letter.invoices)
    )
    invoices = tuple(
        ReminderInvoice(
            number=i.invoice.number,
            date=i.invoice.date,
            due_date=i.invoice.due_date,
            amount=i.invoice.amount,
            remaining=i.remaining,
            days_overdue=i.days_overdue,
            level=level.number,
            interest=i.penalty.interest if claims and i.penalty else ZERO,
            indemnity=i.penalty.indemnity if claims and i.penalty else ZERO,
            rates=tuple(rate for *_, rate in i.penalty.periods) if claims and i.penalty else (),
            reminded=tuple(letter.date for letter in line.letters if i.invoice.number in letter.invoices),
        )
        for i in chosen
    )
    reminder = Reminder(
        customer=customer,
        level=level,
        channel=channel,
        invoices=invoices,
        message=choice.message.strip(),
        reminder_count=len(previous),
        last_reminder=previous[-1].date if previous else None,
        claims_penalties=claims and not problems,
        proposed_level=proposed,
        previous=previous,
    )
    return reminder, problems


def _label(settings: Settings, number: int) -> str:
    level = settings.level(number)
    return level.label if level else f"niveau {number}"


def _check_rates(
    customer: Customer, chosen: list[InvoiceLine], choice: CustomerChoice, settings: Settings, today: date
) -> list[Problem]:
    """A letter claiming penalties needs every half-year's ECB rate: say which to add."""
    for line in chosen:
        if line.penalty is not None:
            continue
        try:
            late_penalty(line.remaining, line.invoice.due_date, today, settings.penalty_rates, private=False)
        except RelanceError as missing:
            where = f"en {choice.claim_cell}" if choice.claim_cell else "dans « Réclamer pénalités »"
            return [
                Problem(
                    choice.claim_cell or choice.where,
                    f"{missing.message} Sans lui, les pénalités de {customer.name} ne peuvent pas être "
                    f"réclamées : ajoutez-le, ou mettez Non {where}.",
                )
            ]
    return []


def _check_contact(customer: Customer, channel: str, choice: CustomerChoice) -> list[Problem]:
    """Plan, then act: a reminder that cannot reach its customer is found before anything leaves."""
    email = customer.email
    who = f"{customer.name} ({choice.where})"
    where = choice.email_cell or choice.where
    found: list[str] = []
    if "email" in channel:
        if not email:
            found.append(
                f"{who} : canal « {CHANNELS[channel]} » mais pas d'adresse email ; saisissez-la en "
                f"{choice.email_cell or 'colonne Email'} ou choisissez le canal Courrier."
            )
        elif not is_address(email):
            found.append(
                f"{who} : l'adresse email « {email} » n'est pas valide "
                f"({choice.email_cell or 'colonne Email'}) ; une adresse s'écrit sans accent ni espace, "
                "par exemple compta@client.fr."
            )
    if "courrier" in channel and not (customer.address or customer.city):
        found.append(
            f"{who} : canal « {CHANNELS[channel]} » mais pas d'adresse postale dans le fichier clients ; "
            "complétez-la ou choisissez le canal Email."
        )
    if channel == "telephone" and not customer.phone:
        found.append(
            f"{who} : canal « Téléphone » mais pas de numéro dans le fichier clients ; complétez-le ou "
            "choisissez un autre canal."
        )
    return [Problem(where, message) for message in found]
