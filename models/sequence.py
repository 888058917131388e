"""The dunning sequence of a customer: which level its next letter has, and when — never gentler after firmer.

The rule, in one place (the README says the same in French):

1. The letters that still matter are those sent to the customer with at least one invoice still unpaid
   (partly paid counts as unpaid). While there is one, the customer is in a sequence: its next letter
   has the level after the highest of them, and leaves once both delays of that level have passed —
   `jours_apres_echeance` since the oldest unpaid invoice of those letters fell due, and
   `jours_depuis_relance_precedente` since the last of those letters. Invoices that fell due in between
   join that letter at its level; they never open a gentler one.
2. Once the last level (the mise en demeure) has been sent and its invoices are unpaid, the customer is
   in litigation: no letter is proposed; the accountant may still ask for one in the workbook.
3. With no such letter (never reminded, or every reminded invoice paid), a new sequence starts at
   level 1 once an invoice is `jours_apres_echeance` of level 1 overdue, and not before level 1's
   `jours_depuis_relance_precedente` since the last letter of any kind.
4. Only the accountant may lower a level (in the workbook); the journal keeps the level proposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from models.calendar import DayCounter
from models.records import InvoiceHistory
from models.settings import Settings

CALENDAR = DayCounter()


class PastReminder(Protocol):
    """A reminder sent before Relance was used (read from a `relances` file of input/)."""

    invoice_number: str
    date: date
    level: int


@dataclass(frozen=True, slots=True)
class Letter:
    """A reminder that reached a customer (journal, or the `relances` file for those sent before Relance)."""

    customer_code: str
    date: date
    level: int
    invoices: tuple[str, ...]  # invoice numbers the letter listed
    company: str = ""  # [[societes]]: the code of the company that sent it; "" with one company


@dataclass(frozen=True, slots=True)
class CustomerStep:
    """Where a customer stands in its sequence on the reference date."""

    level: int | None  # the level of a letter that may leave now; None: not yet, or litigation
    next_level: int | None  # the level of the next letter, due now or later (None: litigation, nothing due)
    next_date: date | None  # when the next letter may leave, when it is not due yet
    last_level: int = 0  # the highest level of the letters that still matter (0: none)
    last_date: date | None = None  # when the last of those letters was sent
    top_date: date | None = None  # when the last letter at `last_level` was sent (the mise en demeure)

    @property
    def litigation(self) -> bool:
        return self.last_level > 0 and self.next_level is None


def next_letter(
    letters: Sequence[Letter],
    open_due: Mapping[str, date],
    included_due: Iterable[date],
    settings: Settings,
    today: date,
    counter: DayCounter = CALENDAR,
) -> CustomerStep:
    """The customer's next step. `letters`: the customer's letters; `open_due`: due date of each of its
    invoices still unpaid (overdue or not); `included_due`: due dates of the overdue invoices a letter
    would list now (not disputed, not blocked…)."""
    included = list(included_due)
    active = [letter for letter in letters if any(number in open_due for number in letter.invoices)]
    latest = max((letter.date for letter in letters), default=None)
    if active:
        last_level = max(letter.level for letter in active)
        last_date = max(letter.date for letter in active)
        top_date = max(letter.date for letter in active if letter.level == last_level)
        if last_level >= settings.last_level:
            return CustomerStep(None, None, None, last_level, last_date, top_date)
        number = last_level + 1
        oldest = min(open_due[n] for letter in active for n in letter.invoices if n in open_due)
        since = last_date
    else:
        last_level, last_date, top_date = 0, None, None
        if not included:
            return CustomerStep(None, None, None)
        number, oldest, since = 1, min(included), latest
    level = settings.level(number)
    assert level is not None, "levels are numbered 1, 2, 3… (checked with the settings)"
    ready = counter.add_days(oldest, level.days_after_due)
    if since is not None:
        ready = max(ready, counter.add_days(since, level.days_since_previous))
    if today >= ready and included:
        return CustomerStep(number, number, None, last_level, last_date, top_date)
    return CustomerStep(None, number, ready if today < ready else None, last_level, last_date, top_date)


def invoice_histories(letters: Iterable[Letter]) -> dict[str, InvoiceHistory]:
    """Per invoice number: how many letters listed it, the last one's day and level."""
    found: dict[str, tuple[date, int, int]] = {}
    for letter in letters:
        for number in letter.invoices:
            last, level, count = found.get(number, (date.min, 0, 0))
            if (letter.date, letter.level) >= (last, level):
                last, level = letter.date, letter.level
            found[number] = (last, level, count + 1)
    return {number: InvoiceHistory(level, last, count) for number, (last, level, count) in found.items()}


def letters_before_relance(past: Iterable[PastReminder], owners: Mapping[str, str]) -> list[Letter]:
    """Reminders of the `relances` file (one line per invoice) as letters: one per customer, day and
    level. Invoices the exports do not know are left out (they are paid, or not this company's)."""
    grouped: dict[tuple[str, date, int], list[str]] = {}
    for reminder in past:
        owner = owners.get(reminder.invoice_number)
        if owner is None:
            continue
        grouped.setdefault((owner, reminder.date, reminder.level), []).append(reminder.invoice_number)
    return [Letter(code, day, level, tuple(numbers)) for (code, day, level), numbers in grouped.items()]
