"""The dunning sequence: per customer, one level after the other, never gentler after firmer."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from models.proposal import build_proposal
from models.sequence import Letter, invoice_histories, letters_before_relance, next_letter
from tests.models.factories import SETTINGS, TODAY, customer, d, invoice, payment, sent


def step(letters, open_due, included=None, today=TODAY):
    included = open_due.values() if included is None else included
    return next_letter(letters, open_due, included, SETTINGS, today)


def test_a_new_customer_starts_at_level_1_seven_days_after_the_due_date():
    assert step([], {"F1": d("2026-11-16")}).level == 1
    waiting = step([], {"F1": d("2026-11-17")})
    assert (waiting.level, waiting.next_level, waiting.next_date) == (None, 1, d("2026-11-24"))


def test_an_invoice_due_since_the_last_letter_joins_the_next_level_instead_of_opening_a_gentler_one():
    # Level 1 sent on 16 November for F1; F2 fell due on 10 November, after F1's letter was prepared.
    letters = [sent(1, "2026-11-16", "F1")]
    waiting = step(letters, {"F1": d("2026-11-01"), "F2": d("2026-11-10")})
    # No new « Rappel amiable » for F2: the next letter is level 2, 14 days after the first one.
    assert (waiting.level, waiting.next_level, waiting.next_date) == (None, 2, d("2026-11-30"))
    assert (waiting.last_level, waiting.last_date) == (1, d("2026-11-16"))
    due = step(letters, {"F1": d("2026-11-01"), "F2": d("2026-11-10")}, today=d("2026-11-30"))
    assert due.level == 2


def test_level_2_also_waits_for_its_days_after_the_oldest_due_date():
    # Level 1 sent early by hand: level 2 still needs F1 to be 21 days late.
    letters = [sent(1, "2026-10-01", "F1")]
    assert step(letters, {"F1": d("2026-11-10")}).next_date == d("2026-12-01")


def test_after_the_mise_en_demeure_the_customer_is_in_litigation_even_with_new_invoices():
    letters = [sent(1, "2026-10-10"), sent(2, "2026-10-30"), sent(3, "2026-11-20")]
    litigation = step(letters, {"F1": d("2026-09-01"), "F9": d("2026-11-18")}, today=d("2026-11-27"))
    assert litigation.litigation and (litigation.level, litigation.next_level) == (None, None)
    assert (litigation.last_level, litigation.last_date) == (3, d("2026-11-20"))


def test_a_partial_payment_keeps_the_sequence_a_full_one_closes_it():
    letters = [sent(2, "2026-11-01", "F1")]
    partly_paid = step(letters, {"F1": d("2026-09-01"), "F2": d("2026-11-10")})
    assert partly_paid.level == 3
    # F1 fully paid: the letter no longer matters; F2 starts a new sequence at level 1.
    fresh = step(letters, {"F2": d("2026-11-10")})
    assert (fresh.level, fresh.last_level) == (1, 0)


def test_a_new_sequence_respects_level_1_delay_since_any_last_letter():
    from dataclasses import replace

    from models.settings import Settings

    levels = (replace(SETTINGS.levels[0], days_since_previous=10), *SETTINGS.levels[1:])
    settings = Settings(levels=levels, penalty_rates=SETTINGS.penalty_rates)
    letters = [sent(2, "2026-11-20", "F0")]  # F0 paid since
    waiting = next_letter(letters, {"F2": d("2026-11-01")}, [d("2026-11-01")], settings, TODAY)
    assert (waiting.level, waiting.next_date) == (None, d("2026-11-30"))


def test_nothing_to_list_means_no_letter():
    assert step([], {"F1": d("2026-11-01")}, included=[]).next_level is None


def test_histories_count_letters_per_invoice():
    histories = invoice_histories([sent(1, "2026-10-01", "F1"), sent(2, "2026-10-20", "F1", "F2")])
    assert (histories["F1"].count, histories["F1"].last_date, histories["F1"].last_level) == (
        2, d("2026-10-20"), 2,
    )  # fmt: skip
    assert (histories["F2"].count, histories["F2"].last_level) == (1, 2)


@dataclass
class Past:
    invoice_number: str
    date: date
    level: int


def test_reminders_sent_before_relance_become_letters_per_customer_day_and_level():
    past = [Past("F1", d("2026-10-01"), 1), Past("F2", d("2026-10-01"), 1), Past("G1", d("2026-10-01"), 1),
            Past("X", d("2026-10-01"), 1)]  # fmt: skip
    letters = letters_before_relance(past, {"F1": "C1", "F2": "C1", "G1": "C2"})
    assert sorted(letters, key=lambda letter: letter.customer_code) == [
        Letter("C1", d("2026-10-01"), 1, ("F1", "F2")),
        Letter("C2", d("2026-10-01"), 1, ("G1",)),
    ]


def test_reminders_of_the_relances_file_count_in_the_proposal():
    proposal = build_proposal(
        [invoice("F1", "100", due="2026-09-01")], [], {"C1": customer("C1")}, (), SETTINGS, TODAY,
        past=[Past("F1", d("2026-10-01"), 2)],
    )  # fmt: skip
    (line,) = proposal.customers
    assert (line.level, line.step.last_level, line.reminder_count) == (3, 2, 1)


# --- several weeks, with the clock moving and payments arriving -------------------------------------------


def test_eleven_weeks_of_weekly_runs_never_go_backwards():
    """Three customers, a run every Monday, each chased customer sent the proposed letter; payments
    arrive in between. The levels each customer receives, week by week."""
    customers = {code: customer(code) for code in ("A", "B", "C")}
    invoices = [
        invoice("A1", "1000", due="2026-09-01", customer="A"),
        invoice("A2", "500", due="2026-10-20", customer="A"),  # falls due in the middle of A's sequence
        invoice("B1", "800", due="2026-09-10", customer="B"),
        invoice("B2", "300", due="2026-11-05", customer="B"),  # B pays B1 in full before B2 is late
        invoice("C1", "600", due="2026-09-15", customer="C"),  # C pays in part: its sequence goes on
    ]
    payments_by_day = {
        d("2026-10-08"): [payment("800", customer="B", reference="B1")],
        d("2026-10-15"): [payment("200", customer="C", reference="C1")],
    }
    letters: list[Letter] = []
    payments = []
    received: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {"A": [], "B": [], "C": []}
    day = d("2026-09-07")
    while day <= d("2026-11-16"):
        for when, arrived in payments_by_day.items():
            if when <= day and arrived[0] not in payments:
                payments.extend(arrived)
        proposal = build_proposal(invoices, payments, customers, letters, SETTINGS, day)
        for line in proposal.chased:
            numbers = tuple(i.invoice.number for i in line.invoices if i.include)
            letters.append(Letter(line.customer.code, day, line.level, numbers))
            received[line.customer.code].append((day.isoformat(), line.level, numbers))
        day += timedelta(days=7)
    assert received["A"] == [
        ("2026-09-14", 1, ("A1",)),
        ("2026-09-28", 2, ("A1",)),
        ("2026-10-12", 3, ("A1",)),  # A2 falls due on 20 October: never a « Rappel amiable » after this
    ]
    assert received["B"] == [
        ("2026-09-21", 1, ("B1",)),
        ("2026-10-05", 2, ("B1",)),
        # B1 paid on 8 October: B2 (due 5 November) opens a new sequence at level 1.
        ("2026-11-16", 1, ("B2",)),
    ]
    assert received["C"] == [
        ("2026-09-28", 1, ("C1",)),
        ("2026-10-12", 2, ("C1",)),
        ("2026-10-26", 3, ("C1",)),  # partly paid on 15 October: still unpaid, the sequence goes on
    ]
    last = build_proposal(invoices, payments, customers, letters, SETTINGS, d("2026-11-23"))
    a = next(line for line in last.customers if line.customer.code == "A")
    assert (a.chase, a.litigation, a.total_overdue) == (False, True, Decimal("1500"))
    assert a.reason.startswith("Contentieux : mise en demeure envoyée le 12/10/2026")
