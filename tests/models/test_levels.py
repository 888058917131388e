"""Levels: last level sent + 1 once both delays have passed, one step at a time, then litigation."""

import pytest

from models.levels import merge_history, next_step
from models.records import NO_HISTORY, InvoiceHistory, Source
from models.settings import Settings
from sources import PastReminder
from tests.models.factories import TODAY, d, sent

SETTINGS = Settings()  # 1: 7 days; 2: 21 days and 14 since previous; 3: 40 days and 14 since previous


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-11-16", 1),  # 7 days overdue: level 1 reached
        ("2026-11-17", None),  # 6 days: too early
        ("2026-08-01", 1),  # 114 days and never reminded: level 1 only, one step at a time
    ],
)
def test_first_level(due, expected):
    assert next_step(d(due), NO_HISTORY, SETTINGS, TODAY).due_level == expected


def test_too_early_says_when():
    step = next_step(d("2026-11-20"), NO_HISTORY, SETTINGS, TODAY)
    assert (step.due_level, step.next_date, step.litigation) == (None, d("2026-11-27"), False)


def test_second_level_needs_both_delays():
    due = d("2026-10-01")  # 53 days overdue
    assert next_step(due, sent(1, "2026-11-09"), SETTINGS, TODAY).due_level == 2  # 14 days since
    step = next_step(due, sent(1, "2026-11-10"), SETTINGS, TODAY)  # 13 days since
    assert (step.due_level, step.next_date) == (None, d("2026-11-24"))


def test_second_level_waits_for_days_after_due_date():
    # Reminded long ago, but only 20 days overdue: level 2 needs 21.
    step = next_step(d("2026-11-03"), sent(1, "2026-10-01"), SETTINGS, TODAY)
    assert (step.due_level, step.next_date) == (None, d("2026-11-24"))


def test_third_level_then_litigation():
    due = d("2026-09-01")
    assert next_step(due, sent(2, "2026-11-01"), SETTINGS, TODAY).due_level == 3
    step = next_step(due, sent(3, "2026-11-20"), SETTINGS, TODAY)
    assert (step.due_level, step.litigation) == (None, True)


def test_merge_history_keeps_latest_and_counts_all():
    journal = {"F1": InvoiceHistory(1, d("2026-10-01"), 1), "F2": InvoiceHistory(2, d("2026-11-01"), 2)}
    past = [
        PastReminder("F1", d("2026-11-02"), 2, Source("relances.csv", 2)),
        PastReminder("F2", d("2026-09-01"), 1, Source("relances.csv", 3)),
        PastReminder("F3", d("2026-09-01"), 1, Source("relances.csv", 4)),
    ]
    merged = merge_history(journal, past)
    assert merged == {
        "F1": InvoiceHistory(2, d("2026-11-02"), 2),
        "F2": InvoiceHistory(2, d("2026-11-01"), 3),
        "F3": InvoiceHistory(1, d("2026-09-01"), 1),
    }
