"""Lots and reminders: ids, every status transition, illegal ones, cancellation, what is stored."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from journal_helpers import REF, T0, at, plan_one, send_one

from journal import Journal, LotRow, ReminderInvoice
from models.errors import RelanceError


def status(journal: Journal, reminder_id: int) -> str:
    return journal.reminder(reminder_id).status


def test_lot_ids_count_up_within_a_day_and_restart_the_next(journal: Journal) -> None:
    ids = [journal.create_lot(at(minutes=n), REF, f"p{n}.xlsx") for n in range(3)]
    assert ids == ["2026-11-23-1", "2026-11-23-2", "2026-11-23-3"]
    assert journal.create_lot(at(days=1), REF, "p.xlsx") == "2026-11-24-1"
    # the day is the day the lot was made, not the proposal's reference date
    assert journal.create_lot(at(days=1, minutes=5), date(2026, 1, 1), "p.xlsx") == "2026-11-24-2"
    assert [lot.id for lot in journal.lots(limit=2)] == ["2026-11-24-2", "2026-11-24-1"]
    assert len(journal.lots(limit=None)) == 5


def test_lot_row(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "proposition_2026-11-23.xlsx")
    a = plan_one(journal, lot, ["F1"], customer="C1")
    plan_one(journal, lot, ["F2"], customer="C2")
    send_one(journal, a)
    assert journal.lot(lot) == LotRow(
        id=lot,
        created_at=T0,
        reference_date=REF,
        proposal="proposition_2026-11-23.xlsx",
        status="open",
        updated_at=T0,
        counts={"sent": 1, "planned": 1},
    )
    assert journal.lot("2026-11-23-9") is None
    journal.complete_lot(lot, at(minutes=3))
    completed = journal.lot(lot)
    assert completed is not None
    assert (completed.status, completed.updated_at) == ("complete", at(minutes=3))


def test_lots_for_proposal(journal: Journal) -> None:
    first = journal.create_lot(T0, REF, "a.xlsx")
    journal.create_lot(at(minutes=1), REF, "b.xlsx")
    again = journal.create_lot(at(minutes=2), REF, "a.xlsx")
    assert [lot.id for lot in journal.lots_for_proposal("a.xlsx")] == [again, first]
    assert journal.lots_for_proposal("c.xlsx") == []


def test_plan_stores_everything(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = journal.plan(
        lot,
        "C001",
        "Dupont & Fils <SARL>",
        2,
        "email+courrier",
        "compta@dupont.fr",
        [("FA-10", Decimal("1234.50"), 2), ("FA-02", Decimal("-0.10"), 1), ("FA-05", Decimal("7"), 1)],
        at(minutes=1),
    )
    row = journal.reminder(reminder_id)
    assert (row.lot_id, row.customer_code, row.customer_name) == (lot, "C001", "Dupont & Fils <SARL>")
    assert (row.level, row.channel, row.recipient) == (2, "email+courrier", "compta@dupont.fr")
    assert (row.status, row.error, row.files) == ("planned", "", ())
    assert (row.planned_at, row.sent_at, row.updated_at) == (at(minutes=1), None, at(minutes=1))
    # invoices kept in the order given, amounts exact
    assert row.invoices == (
        ReminderInvoice("FA-10", Decimal("1234.50"), 2),
        ReminderInvoice("FA-02", Decimal("-0.10"), 1),
        ReminderInvoice("FA-05", Decimal("7"), 1),
    )
    assert row.amount == Decimal("1241.40")
    assert row.by_email


def test_the_happy_path(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = plan_one(journal, lot)
    journal.mark_sending(reminder_id, at(minutes=1))
    assert status(journal, reminder_id) == "sending"
    journal.mark_sent(reminder_id, at(minutes=2), ["relance_C001.pdf", "FA 1 é.pdf"])
    row = journal.reminder(reminder_id)
    assert (row.status, row.sent_at, row.updated_at) == ("sent", at(minutes=2), at(minutes=2))
    assert row.files == ("relance_C001.pdf", "FA 1 é.pdf")


def test_failure_then_retry(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = plan_one(journal, lot)
    journal.mark_sending(reminder_id, at(minutes=1))
    journal.mark_failed(reminder_id, at(minutes=2), "451 4.3.0 Réessayez plus tard")
    row = journal.reminder(reminder_id)
    assert (row.status, row.error, row.sent_at) == ("failed", "451 4.3.0 Réessayez plus tard", None)
    assert journal.history() == {}
    journal.mark_sending(reminder_id, at(days=1))
    assert status(journal, reminder_id) == "sending"
    journal.mark_sent(reminder_id, at(days=1, minutes=1), ["r.pdf"])
    row = journal.reminder(reminder_id)
    assert (row.status, row.error, row.sent_at) == ("sent", "", at(days=1, minutes=1))


ILLEGAL = [
    ("planned", "sent"),
    ("planned", "planned"),
    ("sending", "sending"),
    ("sent", "sending"),
    ("sent", "sent"),
    ("sent", "failed"),
    ("failed", "sent"),
    ("failed", "failed"),
    ("cancelled", "sending"),
    ("cancelled", "sent"),
    ("cancelled", "failed"),
    ("sending", "drop"),
    ("sent", "drop"),
    ("cancelled", "drop"),
]


def bring_to(journal: Journal, wanted: str) -> int:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = plan_one(journal, lot)
    steps = {
        "planned": [],
        "sending": ["sending"],
        "sent": ["sending", "sent"],
        "failed": ["sending", "failed"],
        "cancelled": ["cancel"],
    }[wanted]
    for step in steps:
        move(journal, reminder_id, step)
    assert status(journal, reminder_id) == wanted
    return reminder_id


def move(journal: Journal, reminder_id: int, to: str) -> None:
    if to == "sending":
        journal.mark_sending(reminder_id, at(minutes=1))
    elif to == "sent":
        journal.mark_sent(reminder_id, at(minutes=2), [])
    elif to == "failed":
        journal.mark_failed(reminder_id, at(minutes=2), "erreur")
    elif to == "drop":
        journal.drop(reminder_id, at(minutes=2), "payée entre-temps")
    elif to == "cancel":
        journal.cancel_lot(journal.reminder(reminder_id).lot_id, at(minutes=3))
    else:  # there is no way back to planned
        raise ValueError("no transition to planned")


@pytest.mark.parametrize(("start", "target"), ILLEGAL)
def test_illegal_transitions(journal: Journal, start: str, target: str) -> None:
    reminder_id = bring_to(journal, start)
    before = journal.reminder(reminder_id)
    with pytest.raises(ValueError):
        move(journal, reminder_id, target)
    assert journal.reminder(reminder_id) == before


def test_unknown_reminder(journal: Journal) -> None:
    with pytest.raises(ValueError, match="unknown reminder 42"):
        journal.mark_sending(42, T0)
    with pytest.raises(ValueError, match="unknown reminder 42"):
        journal.reminder(42)


@pytest.mark.parametrize("start", ["planned", "sending", "sent", "failed"])
def test_cancel_lot_cancels_every_reminder(journal: Journal, start: str) -> None:
    reminder_id = bring_to(journal, start)
    lot = journal.reminder(reminder_id).lot_id
    journal.cancel_lot(lot, at(minutes=5))
    row = journal.reminder(reminder_id)
    assert (row.status, row.updated_at) == ("cancelled", at(minutes=5))
    cancelled = journal.lot(lot)
    assert cancelled is not None
    assert (cancelled.status, cancelled.updated_at) == ("cancelled", at(minutes=5))


def test_cancel_lot_returns_the_emails_that_left(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    by_email = plan_one(journal, lot, ["F1"], channel="email", customer="C1")
    both = plan_one(journal, lot, ["F2"], channel="email+courrier", customer="C2")
    letter = plan_one(journal, lot, ["F3"], channel="courrier", customer="C3")
    call = plan_one(journal, lot, ["F4"], channel="telephone", customer="C4")
    failed = plan_one(journal, lot, ["F5"], channel="email", customer="C5")
    planned = plan_one(journal, lot, ["F6"], channel="email", customer="C6")
    uncertain = plan_one(journal, lot, ["F7"], channel="email", customer="C7")
    for reminder_id in (by_email, both, letter, call):
        send_one(journal, reminder_id, at(minutes=1))
    journal.mark_sending(failed, at(minutes=1))
    journal.mark_failed(failed, at(minutes=1), "550")
    journal.mark_sending(uncertain, at(minutes=1))
    gone = journal.cancel_lot(lot, at(minutes=9))
    assert [(row.id, row.status, row.recipient) for row in gone] == [
        (by_email, "sent", "c1@example.fr"),
        (both, "sent", "c2@example.fr"),
    ]
    assert {row.status for row in journal.reminders(lot)} == {"cancelled"}
    assert planned  # planned ones are cancelled too, and never reported as gone
    assert journal.history() == {}
    assert journal.uncertain() == []


def test_cancel_leaves_other_lots_alone(journal: Journal) -> None:
    first = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, first, ["F1"]))
    second = journal.create_lot(at(minutes=1), REF, "q.xlsx")
    send_one(journal, plan_one(journal, second, ["F2"]))
    journal.cancel_lot(second, at(minutes=2))
    assert list(journal.history()) == ["F1"]
    lot = journal.lot(first)
    assert lot is not None and lot.status == "open"


def test_unknown_lot(journal: Journal) -> None:
    with pytest.raises(RelanceError) as caught:
        journal.cancel_lot("2026-11-23-1", T0)
    assert caught.value.message == "Lot inconnu : 2026-11-23-1 (lots existants : aucun)."
    journal.create_lot(T0, REF, "p.xlsx")
    journal.create_lot(at(days=1), REF, "p.xlsx")
    with pytest.raises(RelanceError) as caught:
        journal.cancel_lot("2026-11-23-7", T0)
    assert caught.value.message == "Lot inconnu : 2026-11-23-7 (lots existants : 2026-11-24-1, 2026-11-23-1)."


def test_cancel_twice(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    journal.cancel_lot(lot, at(minutes=1))
    with pytest.raises(RelanceError) as caught:
        journal.cancel_lot(lot, at(minutes=2))
    assert caught.value.message == f"Le lot {lot} est déjà annulé."


def test_a_complete_lot_can_be_cancelled(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    send_one(journal, plan_one(journal, lot))
    journal.complete_lot(lot, at(minutes=1))
    assert [row.id for row in journal.cancel_lot(lot, at(minutes=2))] == [1]
    assert journal.history() == {}


def test_lot_transitions_that_are_bugs(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    journal.complete_lot(lot, at(minutes=1))
    with pytest.raises(ValueError, match="is complete, not open"):
        journal.complete_lot(lot, at(minutes=2))
    with pytest.raises(ValueError, match="is complete, not open"):
        plan_one(journal, lot)
    journal.cancel_lot(lot, at(minutes=3))
    with pytest.raises(ValueError, match="is cancelled, not open"):
        journal.complete_lot(lot, at(minutes=4))
    with pytest.raises(ValueError, match="is unknown, not open"):
        plan_one(journal, "2099-01-01-1")


@pytest.mark.parametrize(
    ("channel", "invoices", "level", "error"),
    [
        ("fax", [("F1", Decimal(1), 1)], 1, ValueError),
        ("Email", [("F1", Decimal(1), 1)], 1, ValueError),  # codes, not the workbook's labels
        ("email", [], 1, ValueError),
        ("email", [("F1", Decimal(1), 1), ("F1", Decimal(2), 1)], 1, ValueError),
        ("email", [("F1", 1.5, 1)], 1, TypeError),
        ("email", [("F1", Decimal(1), -1)], 1, ValueError),
        ("email", [("F1", Decimal(1), 1)], 0, ValueError),
    ],
)
def test_plan_refuses_bad_arguments(journal: Journal, channel, invoices, level, error) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    with pytest.raises(error):
        journal.plan(lot, "C1", "Client", level, channel, "a@b.fr", invoices, T0)
    assert journal.reminders() == []  # nothing half-written


def test_times_must_be_datetimes(journal: Journal) -> None:
    with pytest.raises(TypeError):
        journal.create_lot(REF, REF, "p.xlsx")  # type: ignore[arg-type]


def test_reminders_filters(journal: Journal) -> None:
    one = journal.create_lot(T0, REF, "p.xlsx")
    two = journal.create_lot(at(minutes=1), REF, "q.xlsx")
    a = plan_one(journal, one, ["F1"])
    b = plan_one(journal, one, ["F2"])
    c = plan_one(journal, two, ["F3"])
    send_one(journal, b)
    journal.mark_sending(c, T0)
    assert [r.id for r in journal.reminders()] == [a, b, c]
    assert [r.id for r in journal.reminders(one)] == [a, b]
    assert [r.id for r in journal.reminders(statuses=["sent", "sending"])] == [b, c]
    assert [r.id for r in journal.reminders(two, statuses=["sent"])] == []
    assert [r.invoices[0].number for r in journal.reminders(one)] == ["F1", "F2"]
    assert [r.id for r in journal.uncertain()] == [c]
    with pytest.raises(ValueError):
        journal.reminders(statuses=["envoyé"])


@pytest.mark.parametrize("start", ["planned", "failed"])
def test_drop_takes_a_reminder_out_of_its_lot(journal: Journal, start: str) -> None:
    reminder_id = bring_to(journal, start)
    journal.drop(reminder_id, at(minutes=5), "payée entre-temps")
    row = journal.reminder(reminder_id)
    assert (row.status, row.error) == ("cancelled", "payée entre-temps")
    assert journal.history() == {}


def test_planned_can_fail_before_any_sending(journal: Journal) -> None:
    reminder_id = bring_to(journal, "planned")
    journal.mark_failed(reminder_id, at(minutes=1), "PDF non produit")
    assert status(journal, reminder_id) == "failed"


def test_invoice_listed_without_a_level_is_recorded_at_level_0(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = plan_one(journal, lot, {"F1": 2, "F2": 0}, level=2)
    journal.mark_sending(reminder_id, at(minutes=1))
    journal.mark_sent(reminder_id, at(minutes=2), [])
    history = journal.history()
    assert (history["F1"].last_level, history["F2"].last_level, history["F2"].count) == (2, 0, 1)
