"""The SQLite journal of reminders: read by `preparer` (history per invoice), written by `envoyer`."""

from journal.rows import (
    CANCELLED,
    FAILED,
    LOT_CANCELLED,
    LOT_COMPLETE,
    LOT_OPEN,
    PLANNED,
    SENDING,
    SENT,
    STATUSES,
    JournalTotals,
    LotRow,
    PartRow,
    ReminderInvoice,
    ReminderRow,
    RunRow,
)
from journal.schema import VERSION
from journal.store import Journal, read_history, read_letters, read_quote_history

__all__ = [
    "CANCELLED",
    "FAILED",
    "LOT_CANCELLED",
    "LOT_COMPLETE",
    "LOT_OPEN",
    "PLANNED",
    "SENDING",
    "SENT",
    "STATUSES",
    "VERSION",
    "Journal",
    "JournalTotals",
    "LotRow",
    "PartRow",
    "ReminderInvoice",
    "ReminderRow",
    "RunRow",
    "read_history",
    "read_letters",
    "read_quote_history",
]
