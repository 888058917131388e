"""One state per channel: an email accepted is sent whatever happens to its paper copy, and the reverse."""

from __future__ import annotations

from decimal import Decimal

import pytest
from journal_helpers import REF, T0, at, plan_one

from journal import Journal
from models.sequence import Letter


def both(journal: Journal, lot: str) -> int:
    return journal.plan(
        lot, "C1", "Client C1", 3, "email+courrier", "", [("F1", Decimal("100.00"), 3)], T0,
        proposed_level=3, recipients={"email": "c1@example.fr", "courrier": "1 rue Neuve, 69001 Lyon"},
    )  # fmt: skip


def test_an_email_accepted_counts_even_if_its_paper_copy_fails(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = both(journal, lot)
    journal.part_sending(reminder_id, "email", at(minutes=1))
    journal.part_sent(reminder_id, "email", at(minutes=1), ["Mise_en_demeure.pdf"], "corrige@example.fr")
    journal.part_sending(reminder_id, "courrier", at(minutes=2), files=["output/courriers_2026-11-23.pdf"])
    journal.part_failed(reminder_id, "courrier", at(minutes=2), "disque plein")
    row = journal.reminder(reminder_id)
    assert (row.status, row.delivered, row.sent_at) == ("failed", True, at(minutes=1))
    email, letter = row.parts
    assert (email.status, email.recipient, email.files) == (
        "sent",
        "corrige@example.fr",
        ("Mise_en_demeure.pdf",),
    )
    assert (letter.status, letter.error, letter.recipient) == (
        "failed",
        "disque plein",
        "1 rue Neuve, 69001 Lyon",
    )
    assert row.recipient == "corrige@example.fr ; 1 rue Neuve, 69001 Lyon"
    # It reached the customer: it counts for the sequence, and only the paper copy is left to do.
    assert journal.letters() == [Letter("C1", REF, 3, ("F1",))]
    assert journal.uncertain() == []
    journal.part_sending(reminder_id, "courrier", at(minutes=9))
    journal.part_sent(reminder_id, "courrier", at(minutes=9), ["output/courriers_2026-11-23_2.pdf"])
    row = journal.reminder(reminder_id)
    assert (row.status, row.sent_at, row.proposed_level) == ("sent", at(minutes=1), 3)
    assert row.files == ("Mise_en_demeure.pdf", "output/courriers_2026-11-23_2.pdf")


def test_only_an_email_being_handed_over_is_uncertain(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = both(journal, lot)
    journal.part_sending(reminder_id, "courrier", at(minutes=1), files=["courriers.pdf"])
    assert journal.uncertain() == []
    journal.part_sending(reminder_id, "email", at(minutes=2))
    assert [row.id for row in journal.uncertain()] == [reminder_id]


def test_a_sent_channel_never_moves_again(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = plan_one(journal, lot, channel="email")
    journal.part_sending(reminder_id, "email", at(minutes=1))
    journal.part_sent(reminder_id, "email", at(minutes=1), [])
    with pytest.raises(ValueError, match="illegal transition sent -> failed"):
        journal.part_failed(reminder_id, "email", at(minutes=2), "x")
    with pytest.raises(ValueError, match="has no courrier delivery"):
        journal.part_sending(reminder_id, "courrier", at(minutes=2))


def test_a_whole_failure_leaves_the_sent_channel_sent(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = both(journal, lot)
    journal.part_sending(reminder_id, "email", at(minutes=1))
    journal.part_sent(reminder_id, "email", at(minutes=1), [])
    journal.mark_failed(reminder_id, at(minutes=2), "la lettre n'a pas pu être convertie")
    assert [(p.part, p.status) for p in journal.reminder(reminder_id).parts] == [
        ("email", "sent"), ("courrier", "failed"),
    ]  # fmt: skip


def test_a_cancelled_lot_no_longer_counts(journal: Journal) -> None:
    lot = journal.create_lot(T0, REF, "p.xlsx")
    reminder_id = both(journal, lot)
    journal.part_sending(reminder_id, "email", at(minutes=1))
    journal.part_sent(reminder_id, "email", at(minutes=1), [])
    journal.cancel_lot(lot, at(minutes=5))
    assert journal.letters() == [] and journal.totals().sent == 0
    assert {p.status for p in journal.reminder(reminder_id).parts} == {"cancelled"}
