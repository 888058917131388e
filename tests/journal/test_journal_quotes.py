"""Quote follow-ups in the journal (schema version 3): their own kind, their own history, never a level."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from journal_helpers import REF, T0, at, plan_one, send_one

from journal import Journal, read_quote_history, schema
from models.quotes import QuoteHistory


def plan_quote(journal: Journal, lot: str, number: str = "F1", follow_up: int = 1, customer: str = "C001",
               channel: str = "email", company: str = "") -> int:  # fmt: skip
    """A follow-up of quote `number` (numbered like an invoice on purpose: the kinds stay apart)."""
    return journal.plan(lot, customer, f"Client {customer}", follow_up, channel, "c@example.fr",
                        [(number, Decimal("3600.00"), follow_up)], T0, kind="devis",
                        company=company)  # fmt: skip


def test_a_quote_follow_up_has_its_own_history_and_never_counts_as_an_invoice_reminder(journal):
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, lot, ["F1", "F2"], level=2))
    send_one(journal, plan_quote(journal, lot, "F1"), at(days=1))
    history = journal.history()
    assert {n: (h.last_level, h.count) for n, h in history.items()} == {"F1": (2, 1), "F2": (2, 1)}
    assert [(letter.level, letter.invoices) for letter in journal.letters()] == [(2, ("F1", "F2"))]
    assert journal.quote_history() == {("", "F1"): QuoteHistory(1, date(2026, 11, 24))}
    totals = journal.totals()
    assert (totals.sent, dict(totals.by_level), totals.amount) == (1, {2: 1}, Decimal("200.00"))
    assert totals.quotes == 1
    rows = {row.kind: row for row in journal.reminders(lot)}
    assert (rows["devis"].level, rows["devis"].invoices[0].number, rows["facture"].level) == (1, "F1", 2)


def test_quote_history_counts_what_reached_the_customer_only(journal):
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_quote(journal, lot, "D1", 1), at(days=0))
    journal.complete_lot(lot, at(minutes=5))
    lot = journal.create_lot(at(days=16), REF, "q.xlsx")
    send_one(journal, plan_quote(journal, lot, "D1", 2), at(days=16))
    planned = plan_quote(journal, lot, "D2")  # planned, never sent
    journal.mark_failed(planned, at(days=16), "refusé par le serveur")
    assert journal.quote_history() == {("", "D1"): QuoteHistory(2, date(2026, 12, 9))}
    journal.cancel_lot(lot, at(days=17))  # a cancelled lot's follow-ups no longer count
    assert journal.quote_history() == {("", "D1"): QuoteHistory(1, date(2026, 11, 23))}


def test_quote_history_is_per_company_and_number(journal):
    """[[societes]]: two companies may number their quotes alike; each quote has its own history."""
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_quote(journal, lot, "D1", customer="C1", company="LYON"), at(days=0))
    send_one(journal, plan_quote(journal, lot, "D1", customer="C1", company="PARIS"), at(days=1))
    journal.complete_lot(lot, at(days=1))
    lot = journal.create_lot(at(days=16), REF, "q.xlsx")
    send_one(journal, plan_quote(journal, lot, "D1", 2, customer="C1", company="LYON"), at(days=16))
    assert journal.quote_history() == {
        ("LYON", "D1"): QuoteHistory(2, date(2026, 12, 9)),
        ("PARIS", "D1"): QuoteHistory(1, date(2026, 11, 24)),
    }
    assert {(row.company, row.kind) for row in journal.reminders(lot)} == {("LYON", "devis")}


def test_an_unknown_kind_is_a_bug_in_the_caller(journal):
    lot = journal.create_lot(T0, REF, "p.xlsx")
    with pytest.raises(ValueError, match="unknown kind 'offre'"):
        journal.plan(lot, "C1", "X", 1, "email", "a@b.fr", [("D1", Decimal("1.00"), 1)], T0, kind="offre")


def test_read_quote_history_of_a_missing_journal_creates_nothing(path: Path):
    assert read_quote_history(path) == {}
    assert not path.exists()


def test_a_version_2_journal_keeps_its_reminders_as_invoice_reminders(path: Path):
    with sqlite3.connect(path, isolation_level=None) as raw:
        schema.MIGRATIONS[1](raw)
        schema.MIGRATIONS[2](raw)
        raw.execute("PRAGMA user_version = 2")
        raw.execute(
            "INSERT INTO lots VALUES ('2026-11-23-1', '2026-11-23', 1, '2026-11-23 09:00:00', "
            "'2026-11-23', 'p.xlsx', 'complete', '2026-11-23 09:00:00')"
        )
        raw.execute(
            "INSERT INTO reminders (id, lot_id, customer_code, customer_name, level, channel, recipient, "
            "status, planned_at, sent_at, updated_at, proposed_level) VALUES (1, '2026-11-23-1', 'C1', 'X', "
            "2, 'email', 'a@b.fr', 'sent', '2026-11-23 09:00:00', '2026-11-23 09:01:00', "
            "'2026-11-23 09:01:00', 2)"
        )
        raw.execute("INSERT INTO reminder_invoices VALUES (1, 'F1', '10.00', 2)")
        raw.execute(
            "INSERT INTO deliveries (reminder_id, part, status, recipient, files, sent_at, updated_at) "
            "VALUES (1, 'email', 'sent', 'a@b.fr', '[]', '2026-11-23 09:01:00', '2026-11-23 09:01:00')"
        )
    with Journal.open(path) as journal:
        assert [(row.kind, row.level) for row in journal.reminders()] == [("facture", 2)]
        assert {n: h.last_level for n, h in journal.history().items()} == {"F1": 2}
        assert journal.quote_history() == {}
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (schema.VERSION,)
        with pytest.raises(sqlite3.IntegrityError):  # the kind is checked by the file itself
            raw.execute("UPDATE reminders SET kind = 'offre' WHERE id = 1")
