"""The call list of a lot (`appels_AAAA-MM-JJ.xlsx`): whom to phone, about what, room for notes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from models.reminders import Reminder
from models.text import plain_amount
from workbook.xlsx import Book

HEADERS = (
    "Code client",
    "Client",
    "Téléphone",
    "Email",
    "Niveau",
    "Factures",
    "Total dû",
    "Message",
    "Notes de l'appel",
)
WIDTHS = (12, 34, 16, 30, 16, 40, 13, 40, 50)


def write_call_list(reminders: Sequence[Reminder], path: Path) -> None:
    """One row per customer to phone, at `path` (which must not exist)."""
    book = Book(path)
    sheet = book.sheet("Appels", WIDTHS, HEADERS)
    for reminder in reminders:
        customer = reminder.customer
        invoices = ", ".join(f"{i.number} ({plain_amount(i.remaining)})" for i in reminder.invoices)
        sheet.append(
            [
                customer.code,
                customer.name,
                customer.phone,
                customer.email,
                f"{reminder.level.number} — {reminder.level.label}",
                invoices,
                (reminder.total, "rl_euro"),
                reminder.message,
                ("", "rl_edit_text"),
            ]
        )
    sheet.filters(len(HEADERS), len(reminders))
    book.close()
