"""Read models of the journal (frozen rows) and the statuses a reminder and a lot go through."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from models.records import ZERO

PLANNED = "planned"
SENDING = "sending"  # handed to the server: whether it got there is unknown until `sent`/`failed`
SENT = "sent"
FAILED = "failed"
CANCELLED = "cancelled"
STATUSES = (PLANNED, SENDING, SENT, FAILED, CANCELLED)

# The moves mark_sending/mark_sent/mark_failed may make; cancel_lot moves anything but CANCELLED
# to CANCELLED. A move not listed here is a bug in the caller, hence a ValueError.
TRANSITIONS: Mapping[str, frozenset[str]] = {
    # planned -> failed: it could not even be prepared (its PDF failed); planned/failed -> cancelled:
    # dropped from its lot (the customer paid in the meantime).
    PLANNED: frozenset({SENDING, FAILED, CANCELLED}),
    SENDING: frozenset({SENT, FAILED}),
    FAILED: frozenset({SENDING, CANCELLED}),
    SENT: frozenset(),
    CANCELLED: frozenset(),
}

# The deliveries of a reminder: one per channel (email + courrier has two).
PARTS = ("email", "courrier", "telephone")


def parts_of(channel: str) -> tuple[str, ...]:
    """« email+courrier » -> ("email", "courrier"); « telephone » -> ("telephone",)."""
    return tuple(part for part in PARTS if part in channel.split("+"))


def summary_status(statuses: list[str]) -> str:
    """A reminder's status from its deliveries': sent when all are, else what is left to do on one."""
    for status in (CANCELLED, SENDING, FAILED, PLANNED):
        if status in statuses:
            return status
    return SENT


LOT_OPEN = "open"
LOT_COMPLETE = "complete"
LOT_CANCELLED = "cancelled"


def check_transition(reminder_id: int, current: str, new: str) -> None:
    """Raise ValueError unless a reminder may move from `current` to `new`."""
    if new not in TRANSITIONS.get(current, frozenset()):
        raise ValueError(f"reminder {reminder_id}: illegal transition {current} -> {new}")


@dataclass(frozen=True, slots=True)
class ReminderInvoice:
    """One invoice chased by a reminder, as it stood when the reminder was planned."""

    number: str
    amount: Decimal  # still due at the time
    level: int  # the invoice's own level in this reminder


@dataclass(frozen=True, slots=True)
class PartRow:
    """One channel of a reminder: the email, the printed letter, or the call."""

    part: str  # email | courrier | telephone
    status: str
    recipient: str
    files: tuple[str, ...]
    error: str
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """One reminder of a lot (a letter, an email, both, or a call) and where it stands."""

    id: int
    lot_id: str
    customer_code: str
    customer_name: str
    level: int
    channel: str
    recipient: str
    status: str
    files: tuple[str, ...]
    error: str
    planned_at: datetime
    sent_at: datetime | None
    updated_at: datetime
    invoices: tuple[ReminderInvoice, ...] = ()
    parts: tuple[PartRow, ...] = ()
    proposed_level: int | None = None  # the level the sequence proposed (the accountant chose `level`)
    kind: str = "facture"  # "devis": a quote follow-up (its one invoice row is the quote)
    company: str = ""  # [[societes]]: the code of the company it was sent for; "" with one company

    @property
    def by_email(self) -> bool:
        return "email" in self.channel

    @property
    def delivered(self) -> bool:
        """At least one channel reached the customer (it counts for the next level)."""
        return self.sent_at is not None and self.status != CANCELLED

    def part(self, name: str) -> PartRow | None:
        return next((part for part in self.parts if part.part == name), None)

    @property
    def amount(self) -> Decimal:
        return sum((invoice.amount for invoice in self.invoices), ZERO)


@dataclass(frozen=True, slots=True)
class LotRow:
    """One lot: the sending of one proposal."""

    id: str
    created_at: datetime
    reference_date: date
    proposal: str
    status: str
    updated_at: datetime
    # number of reminders per status, e.g. {"sent": 12, "failed": 1}
    counts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class JournalTotals:
    """What the journal holds, for `etat`: sent reminders only, cancelled lots left out."""

    sent: int = 0
    by_level: Mapping[int, int] = field(default_factory=dict)
    by_channel: Mapping[str, int] = field(default_factory=dict)
    lots: int = 0  # lots not cancelled
    amount: Decimal = ZERO  # sum over sent reminders of the amounts of their invoices
    first_date: date | None = None
    last_date: date | None = None
    quotes: int = 0  # quote follow-ups sent (kind `devis`), not counted in `sent`


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run of a command, for `etat`."""

    id: int
    started_at: datetime
    finished_at: datetime
    command: str
    mode: str
    result: int  # the exit code
    counts: Mapping[str, int]
