"""The call list of a lot (`appels_AAAA-MM-JJ.xlsx`): whom to phone, about what, room for notes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from models.reminders import Reminder
from models.text import plain_amount
from workbook.saving import save_atomically
from workbook.styles import Styler

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
    workbook = Workbook(write_only=True)
    styler = Styler.install(workbook)
    sheet = workbook.create_sheet("Appels")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([styler.cell(sheet, header, "rl_header") for header in HEADERS])
    for reminder in reminders:
        customer = reminder.customer
        invoices = ", ".join(f"{i.number} ({plain_amount(i.remaining)})" for i in reminder.invoices)
        sheet.append(
            [
                styler.text(sheet, customer.code),
                styler.text(sheet, customer.name),
                styler.text(sheet, customer.phone),
                styler.text(sheet, customer.email),
                f"{reminder.level.number} — {reminder.level.label}",
                styler.text(sheet, invoices),
                styler.cell(sheet, reminder.total, "rl_euro"),
                styler.text(sheet, reminder.message),
                styler.cell(sheet, "", "rl_edit_text"),
            ]
        )
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{len(reminders) + 1}"
    save_atomically(workbook, path)
