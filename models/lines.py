"""The lines of a proposal: one overdue invoice, one customer with the level of its next letter and
the reason it is not chased — the rules that turn computed figures into what the workbook shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.penalties import NO_PENALTY, Penalty
from models.records import ZERO, Customer, Invoice, InvoiceHistory
from models.sequence import CustomerStep, Letter
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


def invoice_reason(invoice: Invoice, excluded: bool) -> str:
    """Why an overdue invoice is left out of its customer's letter, in French; empty when it is listed.
    `excluded`: its payment mode is one of `modes_exclus` (see excluded_mode)."""
    if invoice.dispute:
        return "Facture en litige" + (
            f" : {invoice.dispute}" if fold(invoice.dispute) not in ("oui", "x", "1", "vrai") else ""
        )
    if invoice.blocked:
        return "Facture bloquée" + (f" : {invoice.blocked}" if invoice.blocked != "Oui" else "")
    if excluded:
        return f"Mode de règlement exclu ({invoice.payment_mode})"
    if invoice.amounts_disagree:
        return "Montants incohérents dans l'export (TTC − réglé ≠ reste dû) : à vérifier"
    return ""


def excluded_mode(mode: str, settings: Settings) -> bool:
    """Whether a payment mode is one of `modes_exclus` (direct debits by default), without case or accents."""
    folded = fold(mode)
    return bool(folded) and any(fold(m) in folded for m in settings.excluded_modes if m.strip())


def customer_line(
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
