"""The journal with [[societes]]: each reminder records its company; the step « companies » migrates."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from journal_helpers import REF, T0, send_one

from journal import Journal, schema


def test_a_reminder_records_its_company_and_its_letter_says_it(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    for company in ("LYON", "PARIS"):
        reminder = journal.plan(lot, "C1", "Boulangerie", 1, "email", "a@b.fr", [("FA-001", Decimal("1"), 1)],
                                T0, company=company)  # fmt: skip
        send_one(journal, reminder)
    assert [(row.company, row.customer_code) for row in journal.reminders(lot)] == [
        ("LYON", "C1"), ("PARIS", "C1"),
    ]  # fmt: skip
    assert [(letter.company, letter.customer_code, letter.invoices) for letter in journal.letters()] == [
        ("LYON", "C1", ("FA-001",)), ("PARIS", "C1", ("FA-001",)),
    ]  # fmt: skip


def companies_step() -> int:
    """The version the step « companies » brings (whatever steps other work put before it)."""
    with sqlite3.connect(":memory:", isolation_level=None) as raw:
        for version in sorted(schema.MIGRATIONS):
            schema.MIGRATIONS[version](raw)
            if "company" in {row[1] for row in raw.execute("PRAGMA table_info(reminders)")}:
                return version
    raise AssertionError("no step adds reminders.company")


def test_a_journal_of_before_gets_no_company_for_its_reminders(path: Path) -> None:
    step = companies_step()
    with sqlite3.connect(path, isolation_level=None) as raw:
        for version in range(1, step):
            schema.MIGRATIONS[version](raw)
        raw.execute(f"PRAGMA user_version = {step - 1}")
        raw.execute(
            "INSERT INTO lots VALUES ('2026-11-23-1', '2026-11-23', 1, '2026-11-23 09:00:00', "
            "'2026-11-23', 'p.xlsx', 'complete', '2026-11-23 09:00:00')"
        )
        raw.execute(
            "INSERT INTO reminders (id, lot_id, customer_code, customer_name, level, channel, recipient, "
            "status, planned_at, sent_at, updated_at) VALUES (1, '2026-11-23-1', 'C1', 'X', 1, 'email', "
            "'a@b.fr', 'sent', '2026-11-23 09:00:00', '2026-11-23 09:01:00', '2026-11-23 09:01:00')"
        )
        raw.execute("INSERT INTO reminder_invoices VALUES (1, 'F1', '10.00', 1)")
    with Journal.open(path) as journal:
        assert [letter.company for letter in journal.letters()] == [""]
        assert [row.company for row in journal.reminders()] == [""]
