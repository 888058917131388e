"""Expired quotes: which quotes still pending past their validity date are followed up today, and why not.

A quote follow-up is a courteous commercial letter, a flow of its own: its count and last date come from
the journal's quote follow-ups only, never from the invoice reminders (and the other way round). The rule,
in one place (the README, « Devis échus », says the same in French):

1. Only a pending quote is followed up (« En attente », or no status); an accepted, refused or cancelled
   one never is.
2. Its first follow-up waits until the validity date has passed and `delai_jours` more days have gone
   by (with the `decompte` of [relance]; a quote valid until today is still valid).
3. The next one waits `intervalle_jours` after the last follow-up that reached the customer; after
   `relances_max` follow-ups, the quote is no longer proposed.
4. A quote of a customer marked « Ne pas relancer », « Bloqué » or « Litige » (a commercial letter to a
   customer one does not chase, or who disputes a bill, is not sent), or left out by the filters of
   `preparer`, is not proposed. A quote that cannot reach its customer (unknown in the clients file,
   neither email nor address) is shown with « À relancer » at Non, and an anomaly says why.
5. With several companies ([[societes]]), a quote is its company's: its number is unique within that
   company only, its customer is that company's (a customer of every company too), its history is the
   follow-ups its company sent. Each company is the case of one (`follow_ups_by_company`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from models.calendar import DayCounter
from models.emails import is_address
from models.filters import Filters
from models.quote_rules import QuoteRules
from models.records import Anomaly, Customer, FileReport, Source

PENDING, ACCEPTED, REFUSED, CANCELLED = "pending", "accepted", "refused", "cancelled"
STATUS_LABELS = {PENDING: "en attente", ACCEPTED: "accepté", REFUSED: "refusé", CANCELLED: "annulé"}
CALENDAR = DayCounter()
# (company code, quote number): what a quote is, everywhere; the company is "" with one company.
QuoteKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote (devis) as the quotes export gives it."""

    number: str
    customer_code: str
    customer_name: str  # as the quotes export writes it ("" when it has no name column)
    date: date | None
    valid_until: date
    amount: Decimal
    status: str = PENDING  # one of PENDING, ACCEPTED, REFUSED, CANCELLED
    source: Source | None = None
    company: str = ""  # [[societes]]: the code of its company; "" with one company

    @property
    def key(self) -> QuoteKey:
        """What a quote is wherever Relance names it: its company and its number."""
        return (self.company, self.number)


@dataclass(frozen=True, slots=True)
class QuoteHistory:
    """What the journal knows of the follow-ups of one quote that reached the customer."""

    count: int = 0
    last_date: date | None = None


NO_FOLLOW_UP = QuoteHistory()


def history_of(history: Mapping[QuoteKey, QuoteHistory], company: str) -> dict[str, QuoteHistory]:
    """One company's view of the journal's quote follow-ups, by quote number. With [[societes]]
    (`company` a code): the follow-ups it sent, and those sent before [[societes]] (no company, when the
    number was the one company's). With one company (`company` ""): every follow-up of the number."""
    found: dict[str, QuoteHistory] = {}
    for (code, number), past in history.items():
        if company and code not in (company, ""):
            continue
        before = found.get(number)
        if before is not None:
            days = [day for day in (before.last_date, past.last_date) if day is not None]
            past = QuoteHistory(before.count + past.count, max(days) if days else None)
        found[number] = past
    return found


@dataclass(frozen=True, slots=True)
class QuoteLine:
    """One quote proposed for a follow-up today, as the « Devis » sheet shows it."""

    quote: Quote
    customer: Customer  # from the clients file (a name only when it is not there)
    days_expired: int  # days since the validity date
    history: QuoteHistory
    channel: str  # "email" or "courrier": email when the customer has an address that can be used
    chase: bool  # False when the follow-up cannot reach the customer (the anomaly says why)
    reason: str = ""  # why it is not chased, in French

    @property
    def number(self) -> int:
        """The number of the follow-up this letter would be: 1 for the first."""
        return self.history.count + 1


@dataclass(frozen=True)
class QuoteProposal:
    """The quotes of the `devis*` files and the follow-ups proposed for one reference date."""

    quotes: tuple[Quote, ...]  # every quote read
    lines: tuple[QuoteLine, ...]  # those proposed, oldest validity first
    anomalies: tuple[Anomaly, ...] = ()  # the reader's and the rule's
    files: tuple[str, ...] = ()  # names of the quote files read
    files_report: Mapping[str, FileReport] = field(default_factory=dict)

    @property
    def chased(self) -> tuple[QuoteLine, ...]:
        return tuple(line for line in self.lines if line.chase)

    def status_of(self, key: QuoteKey) -> str | None:
        """The status the quotes export gives a quote (company, number) now; None when it is gone."""
        return next((q.status for q in self.quotes if q.key == key), None)


def follow_ups(
    quotes: Iterable[Quote],
    history: Mapping[str, QuoteHistory],
    customers: Mapping[str, Customer],
    rules: QuoteRules,
    today: date,
    *,
    counter: DayCounter = CALENDAR,
    scope: Filters | None = None,
    has_clients_file: bool = True,
) -> tuple[tuple[QuoteLine, ...], tuple[Anomaly, ...]]:
    """The quotes to follow up on `today`, each with its follow-up count and last date, and the anomalies
    of those that cannot reach their customer. `history`: the journal's quote follow-ups, by quote number."""
    lines: list[QuoteLine] = []
    anomalies: list[Anomaly] = []
    for quote in quotes:
        if quote.status != PENDING:
            continue
        days = counter.days_between(quote.valid_until, today)
        if days <= 0 or days < rules.delay_days:
            continue
        past = history.get(quote.number, NO_FOLLOW_UP)
        if past.count >= rules.max_follow_ups:
            continue
        if past.last_date is not None and counter.add_days(past.last_date, rules.interval_days) > today:
            continue
        known = customers.get(quote.customer_code)
        customer = known or Customer(quote.customer_code, quote.customer_name or quote.customer_code)
        if customer.do_not_chase or customer.blocked or (scope and not scope.keeps_customer(customer)):
            continue
        email = customer.email if is_address(customer.email) else ""
        reason = _unreachable(quote, known, email, has_clients_file)
        if reason:
            anomalies.append(Anomaly.at(quote.source, "Code client", quote.customer_code, reason))
        lines.append(QuoteLine(quote, customer, days, past, "email" if email else "courrier", not reason,
                               reason))  # fmt: skip
    lines.sort(key=lambda line: (line.quote.valid_until, line.quote.number))
    return tuple(lines), tuple(anomalies)


def follow_ups_by_company(
    quotes: Iterable[Quote],
    history: Mapping[QuoteKey, QuoteHistory],
    customers: Mapping[str, Mapping[str, Customer]],
    rules: QuoteRules,
    today: date,
    *,
    counter: DayCounter = CALENDAR,
    scope: Filters | None = None,
    has_clients_file: bool = True,
) -> tuple[tuple[QuoteLine, ...], tuple[Anomaly, ...]]:
    """`follow_ups` company by company: `customers` gives each company prepared (in order) its customers
    by code ({"": customers} with one company); a quote of a company not in it is not proposed. Each
    company's quotes meet its customers and its history only; its lines come together, oldest validity
    first, and their customer carries the company's code. `history`: by (company, number)."""
    quotes = tuple(quotes)
    lines: list[QuoteLine] = []
    anomalies: list[Anomaly] = []
    for code, known in customers.items():
        found, told = follow_ups(
            [quote for quote in quotes if quote.company == code], history_of(history, code), known, rules,
            today, counter=counter, scope=scope, has_clients_file=has_clients_file,
        )  # fmt: skip
        lines += [_of(line, code) for line in found]
        anomalies += told
    return tuple(lines), tuple(anomalies)


def _of(line: QuoteLine, code: str) -> QuoteLine:
    # A customer only the quote names was made up without a company.
    if not code or line.customer.company == code:
        return line
    return replace(line, customer=replace(line.customer, company=code))


def _unreachable(quote: Quote, known: Customer | None, email: str, has_clients_file: bool) -> str:
    """Why a follow-up of this quote cannot reach its customer, in French; empty when it can."""
    what = f"Devis {quote.number}" + (f" ({quote.company})" if quote.company else "")
    if known is None:
        where = "absent du fichier clients" if has_clients_file else "inconnu (pas de fichier clients)"
        if has_clients_file and quote.company:  # it may be another company's customer
            where += " pour cette société"
        return (f"{what} : client {quote.customer_code} {where}, sans email ni adresse : "
                "proposé avec « À relancer » à Non.")  # fmt: skip
    if not email and not (known.address or known.city):
        return (f"{what} : {known.name or known.code} n'a ni email ni adresse postale dans le "
                "fichier clients : proposé avec « À relancer » à Non.")  # fmt: skip
    return ""
