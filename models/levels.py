"""Reminder levels: which level an invoice has reached on the reference date, given its history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from models.calendar import DayCounter
from models.records import NO_HISTORY, InvoiceHistory
from models.settings import Settings

CALENDAR = DayCounter()


@dataclass(frozen=True, slots=True)
class LevelStep:
    """Where an invoice stands: the level due now, or when the next one will be, or litigation."""

    due_level: int | None  # the level to send now, None when not reached yet
    next_date: date | None  # when the next level becomes possible, if not reached
    litigation: bool = False  # the last level was already sent


def next_step(
    due_date: date,
    history: InvoiceHistory,
    settings: Settings,
    today: date,
    counter: DayCounter = CALENDAR,
) -> LevelStep:
    """One step at a time: last level sent + 1, once both of its delays have passed (counted in
    calendar or working days, as `counter` counts)."""
    number = history.last_level + 1
    level = settings.level(number)
    if level is None:
        return LevelStep(None, None, litigation=True)
    ready = counter.add_days(due_date, level.days_after_due)
    if history.last_date is not None:
        ready = max(ready, counter.add_days(history.last_date, level.days_since_previous))
    if today >= ready:
        return LevelStep(number, None)
    return LevelStep(None, ready)


class PastReminder(Protocol):
    """A reminder sent before Relance was used (read from a `relances` file of input/)."""

    invoice_number: str
    date: date
    level: int


def merge_history(
    journal: Mapping[str, InvoiceHistory], past: Iterable[PastReminder]
) -> dict[str, InvoiceHistory]:
    """The journal's history completed with reminders sent before Relance: the latest one wins."""
    merged = dict(journal)
    for reminder in past:
        known = merged.get(reminder.invoice_number, NO_HISTORY)
        latest = (reminder.date, reminder.level) >= (known.last_date or date.min, known.last_level)
        merged[reminder.invoice_number] = InvoiceHistory(
            last_level=reminder.level if latest else known.last_level,
            last_date=reminder.date if latest else known.last_date,
            count=known.count + 1,
        )
    return merged
