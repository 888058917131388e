"""Helpers for the journal tests: fixed times and short ways to plan and send reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from journal import Journal

T0 = datetime(2026, 11, 23, 9, 0, 0)
REF = date(2026, 11, 23)


def at(minutes: int = 0, days: int = 0) -> datetime:
    """A time `days` and `minutes` after T0: tests never read the clock either."""
    return T0 + timedelta(days=days, minutes=minutes)


def plan_one(
    journal: Journal,
    lot_id: str,
    invoices: dict[str, int] | list[str] = ("F1",),
    level: int = 1,
    channel: str = "email",
    customer: str = "C001",
    now: datetime = T0,
) -> int:
    """Plan a reminder for `invoices` (numbers, or number -> own level), 100.00 each."""
    levels = invoices if isinstance(invoices, dict) else dict.fromkeys(invoices, level)
    return journal.plan(
        lot_id,
        customer,
        f"Client {customer}",
        level,
        channel,
        f"{customer.lower()}@example.fr",
        [(number, Decimal("100.00"), own) for number, own in levels.items()],
        now,
    )


def send_one(journal: Journal, reminder_id: int, now: datetime = T0) -> None:
    journal.mark_sending(reminder_id, now)
    journal.mark_sent(reminder_id, now, [f"relance_{reminder_id}.pdf"])
