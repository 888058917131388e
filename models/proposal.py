"""The proposal: who is chased, for which invoices, at which level and by which channel, and why not."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from models.ageing import AgeingRow, ageing
from models.allocation import allocate
from models.calendar import DayCounter
from models.emails import is_address
from models.errors import RelanceError
from models.filters import Filters
from models.penalties import NO_PENALTY, Penalty, late_penalty
from models.records import NO_HISTORY, ZERO, Anomaly, Customer, Invoice, InvoiceHistory, Payment
from models.sequence import (
    CALENDAR,
    CustomerStep,
    Letter,
    PastReminder,
    invoice_histories,
    letters_before_relance,
    next_letter,
)
from models.settings import Settings
from models.text import fold, french_amount, french_date

LITIGATION = "Contentieux"
NO_STEP = CustomerStep(None, None, None)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One overdue open invoice, as shown in the `Factures` sheet."""

    invoice: Invoice
    remaining: Decimal
    days_overdue: int
    history: InvoiceHistory  # the letters that already listed it
    include: bool
    reason: str
    penalty: Penalty | None = NO_PENALTY  # None: a half-year of ECB rates is missing from relance.toml


@dataclass(frozen=True, slots=True)
class CustomerLine:
    """One customer with an overdue balance (or a credit), as shown in the `Clients` sheet."""

    customer: Customer
    total_due: Decimal
    total_overdue: Decimal
    credit: Decimal
    level: int | None  # the level of its next letter (due now or not), the last one in litigation
    level_label: str
    channel: str  # a code of models.settings.CHANNELS, "" when there is no letter to send
    chase: bool
    reason: str
    invoices: tuple[InvoiceLine, ...]
    level_claims: bool = False  # the level's `reclamer_penalites`
    step: CustomerStep = NO_STEP
    letters: tuple[Letter, ...] = ()  # every letter sent to the customer, oldest first

    @property
    def litigation(self) -> bool:
        return self.step.litigation

    def invoice_level(self, line: InvoiceLine) -> int | None:
        """The level an invoice has once this customer's letter leaves (its last one if not listed)."""
        if line.include and self.chase and self.level is not None:
            return self.level
        return line.history.last_level or None

    @property
    def penalty_note(self) -> str:
        """Why Pénalités and Indemnité are blank; empty when they show a figure."""
        if self.customer.private:
            return "Client particulier : ni pénalités ni indemnité (réservées aux professionnels)"
        if not any(i.include for i in self.invoices):
            return "Aucune facture incluse"
        if self.penalties is None:
            return "Taux BCE manquant : voir l'onglet Anomalies"
        return ""

    @property
    def claims_penalties(self) -> bool:
        """Whether its letter claims late-payment interest and the indemnity: businesses only, and
        only when every rate is known (a missing half-year is an anomaly saying which to add)."""
        return (
            self.level is not None
            and self.level_claims
            and not self.customer.private
            and all(i.penalty is not None for i in self.invoices if i.include)
        )

    @property
    def penalties(self) -> Decimal | None:
        """Interest on its included invoices; None when it does not apply (a private customer, nothing
        included) or is unknown (a rate is missing): never a zero that would mean « nothing owed »."""
        known = self._known_penalties()
        return None if known is None else sum((p.interest for p in known), ZERO)

    @property
    def indemnities(self) -> Decimal | None:
        known = self._known_penalties()
        return None if known is None else sum((p.indemnity for p in known), ZERO)

    def _known_penalties(self) -> list[Penalty] | None:
        penalties = [i.penalty for i in self.invoices if i.include]
        if self.customer.private or not penalties or any(p is None for p in penalties):
            return None
        return [p for p in penalties if p]

    @property
    def last_reminder(self) -> date | None:
        """The day of the last letter sent to the customer."""
        return self.letters[-1].date if self.letters else None

    @property
    def reminder_count(self) -> int:
        """How many letters the customer received about the invoices shown."""
        shown = {i.invoice.number for i in self.invoices}
        return sum(1 for letter in self.letters if shown.intersection(letter.invoices))


@dataclass(frozen=True)
class Proposal:
    """Everything the proposal workbook shows, computed for one reference date."""

    reference_date: date
    customers: tuple[CustomerLine, ...]
    anomalies: tuple[Anomaly, ...]
    ageing: tuple[AgeingRow, ...]
    settings: Settings = field(repr=False, default_factory=Settings)
    scope: Filters = field(default_factory=Filters)

    @property
    def chased(self) -> tuple[CustomerLine, ...]:
        return tuple(c for c in self.customers if c.chase)


def build_proposal(
    invoices: Iterable[Invoice],
    payments: Iterable[Payment],
    customers: Mapping[str, Customer],
    letters: Iterable[Letter],
    settings: Settings,
    today: date,
    *,
    past: Iterable[PastReminder] = (),
    has_clients_file: bool = True,
    counter: DayCounter = CALENDAR,
    scope: Filters | None = None,
) -> Proposal:
    """Allocate the money, then decide, invoice by invoice and customer by customer, what to chase.

    `letters` are the reminders the journal says reached each customer; `past` those of the
    `relances` file, sent before Relance (one line per invoice)."""
    invoices = list(invoices)
    anomalies: list[Anomaly] = []
    customers = _complete_customers(invoices, customers, has_clients_file, anomalies)
    customers = _reachable(customers, anomalies)
    payments = _known_payments(payments, customers, anomalies)
    allocation = allocate(invoices, payments)
    anomalies.extend(allocation.anomalies)
    owners = {invoice.number: invoice.customer_code for invoice in invoices}
    sent: dict[str, list[Letter]] = defaultdict(list)
    for letter in (*letters, *letters_before_relance(past, owners)):
        sent[letter.customer_code].append(letter)
    for found in sent.values():
        found.sort(key=lambda letter: (letter.date, letter.level))
    histories = invoice_histories(letter for found in sent.values() for letter in found)

    # Filters choose what is shown after the allocation: a payment still pays what it pays.
    scope = settings.filters if scope is None else scope
    open_invoices: dict[str, list[tuple[Invoice, Decimal]]] = defaultdict(list)
    for invoice in invoices:
        left = allocation.remaining.get(invoice.number, ZERO)
        if not invoice.is_credit_note and left > 0 and scope.keeps_invoice(invoice):
            open_invoices[invoice.customer_code].append((invoice, left))
    if scope:
        kept = {code for code in open_invoices.keys() | allocation.credits.keys()
                if scope.keeps_customer(customers[code])}  # fmt: skip
        open_invoices = defaultdict(list, {c: v for c, v in open_invoices.items() if c in kept})
        allocation = replace(allocation, credits={c: v for c, v in allocation.credits.items() if c in kept})

    penalty_of = _Penalties(settings, today, anomalies)
    lines = []
    for code in sorted(open_invoices.keys() | allocation.credits.keys()):
        items = open_invoices.get(code, [])
        overdue = [
            _invoice_line(
                invoice,
                left,
                histories.get(invoice.number, NO_HISTORY),
                settings,
                today,
                counter,
                penalty_of(left, invoice.due_date, private=customers[code].private),
            )
            for invoice, left in sorted(items, key=lambda item: (item[0].due_date, item[0].number))
            if invoice.due_date < today
        ]
        credit = allocation.credits.get(code, ZERO)
        if overdue or credit:
            total_due = sum((left for _, left in items), ZERO) - credit
            open_due = {invoice.number: invoice.due_date for invoice, _ in items}
            step = next_letter(
                sent.get(code, ()),
                open_due,
                (line.invoice.due_date for line in overdue if line.include),
                settings,
                today,
                counter,
            )
            lines.append(
                _customer_line(
                    customers[code],
                    overdue,
                    total_due,
                    credit,
                    step,
                    tuple(sent.get(code, ())),
                    settings,
                    today,
                )
            )
    lines.sort(key=lambda c: (not c.chase, -c.total_overdue, c.customer.code))
    ages = ageing(
        (
            (customers[code], invoice.due_date, left)
            for code, items in open_invoices.items()
            for invoice, left in items
        ),
        today,
    )
    return Proposal(today, tuple(lines), tuple(anomalies), ages, settings, scope)


def _reachable(customers: dict[str, Customer], anomalies: list[Anomaly]) -> dict[str, Customer]:
    """An email address that sending would refuse is never proposed: the customer goes by post."""
    for code, customer in customers.items():
        if customer.email and not is_address(customer.email):
            anomalies.append(
                Anomaly.at(
                    customer.source,
                    "Email",
                    customer.email,
                    "Adresse email que l'envoi refuserait (accents, espaces ou caractères interdits) : "
                    "client relancé par courrier ; corrigez-la dans le fichier clients.",
                )
            )
            customers[code] = replace(customer, email="")
    return customers


def _complete_customers(
    invoices: list[Invoice],
    customers: Mapping[str, Customer],
    has_clients_file: bool,
    anomalies: list[Anomaly],
) -> dict[str, Customer]:
    """Customers of the clients file, plus those only the invoices know (an anomaly when a file exists)."""
    complete = dict(customers)
    for invoice in invoices:
        if invoice.customer_code in complete:
            continue
        complete[invoice.customer_code] = Customer(
            code=invoice.customer_code, name=invoice.customer_name or invoice.customer_code
        )
        if has_clients_file:
            anomalies.append(
                Anomaly.at(
                    invoice.source,
                    "Code client",
                    invoice.customer_code,
                    "Client absent du fichier clients : sans email ni adresse, "
                    "il ne peut pas recevoir de relance.",
                )
            )
    return complete


def _known_payments(
    payments: Iterable[Payment], customers: Mapping[str, Customer], anomalies: list[Anomaly]
) -> list[Payment]:
    known = []
    for payment in payments:
        if payment.customer_code in customers:
            known.append(payment)
            continue
        anomalies.append(
            Anomaly.at(
                payment.source,
                "Client",
                payment.customer_code,
                "Règlement d'un client inconnu (ni dans les factures ni dans le fichier clients) : ignoré.",
            )
        )
    return known


class _Penalties:
    """Late penalties of the proposal's invoices. A missing ECB half-year is said once in Anomalies,
    and not looked up again for every invoice sharing its due date (a hot path on big exports)."""

    def __init__(self, settings: Settings, today: date, anomalies: list[Anomaly]) -> None:
        self.rates = settings.penalty_rates
        self.today = today
        self.anomalies = anomalies
        self.unpriced: set[date] = set()  # due dates whose delay needs a missing rate
        self.said: set[str] = set()

    def __call__(self, left: Decimal, due_date: date, *, private: bool) -> Penalty | None:
        if not private and left > 0 and due_date in self.unpriced:
            return None
        try:
            return late_penalty(left, due_date, self.today, self.rates, private=private)
        except RelanceError as missing:  # a letter claiming them cannot be sent: see models.sending
            self.unpriced.add(due_date)
            if missing.message not in self.said:
                self.said.add(missing.message)
                self.anomalies.append(
                    Anomaly("relance.toml", None, "[penalites] taux_bce", "", missing.message)
                )
            return None


def _invoice_line(
    invoice: Invoice,
    left: Decimal,
    history: InvoiceHistory,
    settings: Settings,
    today: date,
    counter: DayCounter,
    penalty: Penalty | None,
) -> InvoiceLine:
    reason = ""
    excluded = _excluded_mode(invoice.payment_mode, settings)
    if invoice.dispute:
        reason = "Facture en litige" + (
            f" : {invoice.dispute}" if fold(invoice.dispute) not in ("oui", "x", "1", "vrai") else ""
        )
    elif invoice.blocked:
        reason = "Facture bloquée" + (f" : {invoice.blocked}" if invoice.blocked != "Oui" else "")
    elif excluded:
        reason = f"Mode de règlement exclu ({invoice.payment_mode})"
    elif invoice.amounts_disagree:
        reason = "Montants incohérents dans l'export (TTC − réglé ≠ reste dû) : à vérifier"
    return InvoiceLine(
        invoice=invoice,
        remaining=left,
        days_overdue=counter.days_between(invoice.due_date, today),
        history=history,
        include=not reason,
        reason=reason,
        penalty=penalty,
    )


def _excluded_mode(mode: str, settings: Settings) -> bool:
    folded = fold(mode)
    return bool(folded) and any(fold(m) in folded for m in settings.excluded_modes if m.strip())


def _customer_line(
    customer: Customer,
    overdue: list[InvoiceLine],
    total_due: Decimal,
    credit: Decimal,
    step: CustomerStep,
    letters: tuple[Letter, ...],
    settings: Settings,
    today: date,
) -> CustomerLine:
    total_overdue = sum((line.remaining for line in overdue), ZERO)
    included = [line for line in overdue if line.include]
    # The level is shown even when the customer is not chased (too early, in litigation): putting
    # « À relancer » to Oui is then enough to send that letter anyway.
    level = step.next_level or (step.last_level if step.litigation else None)
    channel = _channel(customer, settings.level(level).channel) if level and included else ""
    reason = _why_not(customer, overdue, included, step, total_due, settings, today)
    if not reason and channel == "courrier" and not (customer.address or customer.city):
        reason = "Ni email ni adresse postale : complétez le fichier clients ou saisissez un email"
    chase = not reason
    claims = bool(level) and settings.level(level).claims_penalties
    if chase and claims and not customer.private and any(i.penalty is None for i in included):
        reason = "Pénalités non proposées : un taux BCE manque (voir l'onglet Anomalies)"
    label = settings.level(level).label if level else ""
    if step.litigation:
        label = LITIGATION
    return CustomerLine(
        level_claims=claims,
        customer=customer,
        total_due=total_due,
        total_overdue=total_overdue,
        credit=credit,
        level=level,
        level_label=label,
        channel=channel,
        chase=chase,
        reason=reason,
        invoices=tuple(overdue),
        step=step,
        letters=letters,
    )


def _why_not(
    customer: Customer,
    overdue: list[InvoiceLine],
    included: list[InvoiceLine],
    step: CustomerStep,
    total_due: Decimal,
    settings: Settings,
    today: date,
) -> str:
    """Why a customer is not chased, in French; empty when it is."""
    if customer.do_not_chase:
        return "Client marqué « Ne pas relancer »"
    if customer.blocked:
        return _blocked(customer.blocked)
    if customer.chase_from and customer.chase_from > today:
        return f"Promesse de paiement : pas de relance avant le {french_date(customer.chase_from)}"
    if total_due <= 0:
        return f"Solde créditeur ou nul ({french_amount(total_due)})"
    if step.litigation:
        last = settings.level(step.last_level)
        what = (last.label[:1].lower() + last.label[1:]) if last else f"niveau {step.last_level}"
        return (
            f"Contentieux : {what} envoyée le {french_date(step.top_date)} ; pas de nouvelle lettre "
            "sauf si vous mettez Oui dans « À relancer »"
        )
    if not included:
        reasons = sorted({line.reason.split(" : ")[0].split(" (")[0] for line in overdue})
        return "Aucune facture à relancer : " + " ; ".join(reasons).lower()
    included_total = sum((line.remaining for line in included), ZERO)
    if included_total < settings.minimum_amount:
        return (
            f"Total échu à relancer inférieur au minimum "
            f"({french_amount(included_total)} < {french_amount(settings.minimum_amount)})"
        )
    if step.level is None and step.next_date is not None:
        when = french_date(step.next_date)
        return f"Trop tôt : prochaine relance (niveau {step.next_level}) possible le {when}"
    return ""


def _blocked(mark: str) -> str:
    """« Client bloqué », « Client en litige », with the comment of the clients file if any."""
    if mark.startswith("Litige"):
        return "Client en litige" + mark.removeprefix("Litige")
    return "Client bloqué" + (f" : {mark}" if mark != "Oui" else "")


def _channel(customer: Customer, channel: str) -> str:
    """The level's channel, made possible: no email means a letter; no phone number, a letter too."""
    if channel in ("email", "email+courrier") and not customer.email:
        return "courrier"
    if channel == "telephone" and not customer.phone:
        return "courrier"
    return channel
