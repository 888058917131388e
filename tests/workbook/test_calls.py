"""The call list: one row per customer to phone, invoice numbers and amounts as written."""

from datetime import date
from decimal import Decimal

import openpyxl

from models.reminders import Reminder, ReminderInvoice
from models.settings import DEFAULT_LEVELS
from tests.models.factories import customer
from workbook.calls import write_call_list


def test_call_list_keeps_invoice_numbers_with_dots(tmp_path):
    invoice = ReminderInvoice("FA.2026.1", date(2026, 9, 1), date(2026, 10, 1), Decimal("1234.5"),
                              Decimal("1234.5"), 53, 1)  # fmt: skip
    reminder = Reminder(customer("C1", phone="04 78 00 00 01"), DEFAULT_LEVELS[0], "telephone", (invoice,))
    path = tmp_path / "appels.xlsx"
    write_call_list([reminder], path)
    (row,) = openpyxl.load_workbook(path)["Appels"].iter_rows(min_row=2, values_only=True)
    assert row[:3] == ("C1", "Client C1", "04 78 00 00 01")
    assert row[5] == "FA.2026.1 (1 234,50 €)" and row[6] == 1234.5
