"""What the journal tells `preparer` and `etat`: per-invoice history, totals, runs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from journal_helpers import REF, T0, at, plan_one, send_one

from journal import Journal, JournalTotals, RunRow
from models.records import InvoiceHistory


def test_only_sent_reminders_count(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, lot, ["SENT"], customer="C1"))
    plan_one(journal, lot, ["PLANNED"], customer="C2")
    journal.mark_sending(plan_one(journal, lot, ["SENDING"], customer="C3"), T0)
    failed = plan_one(journal, lot, ["FAILED"], customer="C4")
    journal.mark_sending(failed, T0)
    journal.mark_failed(failed, T0, "refusé")
    assert journal.history() == {"SENT": InvoiceHistory(1, date(2026, 11, 23), 1)}


def test_latest_level_date_and_count(journal: Journal) -> None:
    first = journal.create_lot(T0, REF, "p1.xlsx")
    send_one(journal, plan_one(journal, first, ["F1", "F2"], level=1), at(days=0))
    second = journal.create_lot(at(days=14), REF, "p2.xlsx")
    send_one(journal, plan_one(journal, second, {"F1": 2, "F3": 1}, level=2), at(days=14))
    assert journal.history() == {
        "F1": InvoiceHistory(2, date(2026, 12, 7), 2),
        "F2": InvoiceHistory(1, date(2026, 11, 23), 1),
        "F3": InvoiceHistory(1, date(2026, 12, 7), 1),
    }


def test_the_invoices_own_level_is_kept_not_the_letters(journal: Journal) -> None:
    # a young invoice listed in a mise en demeure has been reminded once, at its own level 1
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, lot, {"OLD": 3, "YOUNG": 1}, level=3))
    history = journal.history()
    assert (history["OLD"].last_level, history["YOUNG"].last_level) == (3, 1)


def test_the_most_recent_wins_even_when_lower(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, lot, ["F1"], level=3, customer="A"), at(days=0))
    send_one(journal, plan_one(journal, lot, ["F1"], level=1, customer="B"), at(days=5))
    assert journal.history()["F1"] == InvoiceHistory(1, date(2026, 11, 28), 2)


def test_same_day_ties_go_to_the_highest_level(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, lot, ["F1"], level=2, customer="A"), at(minutes=1))
    send_one(journal, plan_one(journal, lot, ["F1"], level=1, customer="B"), at(minutes=30))
    send_one(journal, plan_one(journal, lot, ["F1"], level=10, customer="C"), at(days=-1))
    assert journal.history()["F1"] == InvoiceHistory(2, date(2026, 11, 23), 3)


def test_the_date_is_the_sending_day_not_the_planning_day(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = plan_one(journal, lot, ["F1"], now=T0)
    journal.mark_sending(reminder_id, at(days=2))
    journal.mark_sent(reminder_id, at(days=2, minutes=1), [])
    assert journal.history()["F1"].last_date == date(2026, 11, 25)


def test_a_cancelled_lot_gives_the_levels_back(journal: Journal) -> None:
    first = journal.create_lot(T0, REF, "p1.xlsx")
    send_one(journal, plan_one(journal, first, ["F1"], level=1), at(days=0))
    second = journal.create_lot(at(days=14), REF, "p2.xlsx")
    send_one(journal, plan_one(journal, second, ["F1", "F9"], level=2), at(days=14))
    assert journal.history()["F1"] == InvoiceHistory(2, date(2026, 12, 7), 2)
    journal.cancel_lot(second, at(days=15))
    assert journal.history() == {"F1": InvoiceHistory(1, date(2026, 11, 23), 1)}


def test_history_of_many_invoices(journal: Journal) -> None:
    """20k reminders over 100k invoice rows, checked against a plain-Python reading of the rules."""
    db = journal._db
    # The set-up makes 54k commits: without syncing and with the rollback journal in memory it
    # takes seconds instead of minutes. The reads checked below do not depend on these settings.
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA journal_mode = MEMORY")
    lot = journal.create_lot(T0, REF, "p.xlsx")
    expected_rows: list[tuple[str, date, int]] = []
    for r in range(20_000):
        invoices = {f"F{(r * 5 + k) % 40_000 + (k * 7919) % 13}": 1 + (r + k) % 4 for k in range(5)}
        now = at(days=r % 60, minutes=r % 600)
        reminder_id = plan_one(
            journal, lot, invoices, level=max(invoices.values()), customer=f"C{r}", now=now
        )
        if r % 10 == 3:
            continue  # stays planned
        journal.mark_sending(reminder_id, now)
        if r % 10 == 7:
            journal.mark_failed(reminder_id, now, "erreur")
            continue
        journal.mark_sent(reminder_id, now, [])
        expected_rows.extend((number, now.date(), level) for number, level in invoices.items())
    assert db.execute("SELECT count(*) FROM reminder_invoices").fetchone() == (100_000,)

    expected: dict[str, InvoiceHistory] = {}
    for number, day, level in expected_rows:
        known = expected.get(number)
        if known is None:
            expected[number] = InvoiceHistory(level, day, 1)
        else:
            assert known.last_date is not None
            latest = max((known.last_date, known.last_level), (day, level))
            expected[number] = InvoiceHistory(latest[1], latest[0], known.count + 1)
    history = journal.history()
    assert len(history) > 30_000
    assert history == expected


def test_totals(journal: Journal) -> None:
    assert journal.totals() == JournalTotals()
    first = journal.create_lot(T0, REF, "p1.xlsx")
    send_one(journal, plan_one(journal, first, ["F1", "F2"], level=1, channel="email", customer="A"))
    send_one(
        journal,
        plan_one(journal, first, ["F3"], level=3, channel="email+courrier", customer="B"),
        at(days=3),
    )
    plan_one(journal, first, ["F4"], level=1, customer="C")  # planned: not counted
    second = journal.create_lot(at(days=5), REF, "p2.xlsx")
    send_one(journal, plan_one(journal, second, ["F5"], level=2, channel="courrier"), at(days=5))
    cancelled = journal.create_lot(at(days=6), REF, "p3.xlsx")
    send_one(journal, plan_one(journal, cancelled, ["F6"], level=2), at(days=9))
    journal.cancel_lot(cancelled, at(days=9))
    assert journal.totals() == JournalTotals(
        sent=3,
        by_level={1: 1, 2: 1, 3: 1},
        by_channel={"courrier": 1, "email": 1, "email+courrier": 1},
        lots=2,
        amount=Decimal("400.00"),
        first_date=date(2026, 11, 23),
        last_date=date(2026, 11, 28),
    )


def test_runs(journal: Journal) -> None:
    assert journal.runs() == []
    journal.record_run("preparer", "envoi", T0, at(minutes=1), 0, {"clients": 30, "anomalies": 2})
    second = journal.record_run("envoyer", "simulation", at(days=1), at(days=1, minutes=2), 3)
    journal.record_run("envoyer", "envoi", at(days=2), at(days=2, minutes=2), 0, {"emails": 12})
    runs = journal.runs(limit=2)
    assert [run.started_at for run in runs] == [at(days=2), at(days=1)]
    assert runs[1] == RunRow(
        id=second,
        started_at=at(days=1),
        finished_at=at(days=1, minutes=2),
        command="envoyer",
        mode="simulation",
        result=3,
        counts={},
    )
    assert journal.runs()[2].counts == {"clients": 30, "anomalies": 2}
