"""Late-payment penalties: interest per half-year at ECB + 10 points, the 40 € indemnity, B2B only."""

from datetime import timedelta
from decimal import Decimal

import pytest

from models.errors import RelanceError
from models.penalties import (
    DEFAULT_ECB,
    INDEMNITY,
    NO_PENALTY,
    Penalty,
    PenaltyRates,
    half_year,
    half_years,
    late_penalty,
    rates_in_force,
    reference_day,
)
from tests.models.factories import d

RATES = PenaltyRates(
    DEFAULT_ECB
)  # 2024-S1 14.50 %, 2024-S2 14.25 %, 2025-S1 13.15 %, 2025-S2 and 2026-S1 12.15 %


def penalty(
    remaining: str, due: str, today: str, rates: PenaltyRates = RATES, private: bool = False
) -> Penalty:
    return late_penalty(Decimal(remaining), d(due), d(today), rates, private=private)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-01-01", "2026-S1"),
        ("2026-06-30", "2026-S1"),
        ("2026-07-01", "2026-S2"),
        ("2026-12-31", "2026-S2"),
    ],
)
def test_half_year(day, expected):
    assert half_year(d(day)) == expected


def test_delay_inside_one_half_year():
    # Due 31 Jan 2026, on 2 Mar 2026: 1 Feb .. 2 Mar = 28 + 2 = 30 days at 2.15 + 10 = 12.15 %
    # 1000 × 12.15 × 30 / 36500 = 364500 / 36500 = 9.9863 -> 9.99
    assert penalty("1000.00", "2026-01-31", "2026-03-02") == Penalty(
        Decimal("9.99"), Decimal("40.00"), ((d("2026-02-01"), d("2026-03-02"), 30, Decimal("12.15")),)
    )


def test_delay_across_1_july():
    # Due 10 Jun 2025, on 20 Jul 2025: 11..30 Jun = 20 days at 3.15 + 10 = 13.15 %,
    # 1..20 Jul = 20 days at 2.15 + 10 = 12.15 %.
    # 2400 × (13.15 × 20 + 12.15 × 20) / 36500 = 2400 × 506 / 36500 = 1214400 / 36500 = 33.2712 -> 33.27
    result = penalty("2400.00", "2025-06-10", "2025-07-20")
    assert result.interest == Decimal("33.27")
    assert result.periods == (
        (d("2025-06-11"), d("2025-06-30"), 20, Decimal("13.15")),
        (d("2025-07-01"), d("2025-07-20"), 20, Decimal("12.15")),
    )


def test_delay_across_1_january():
    # Due 15 Dec 2024, on 14 Jan 2025: 16..31 Dec = 16 days at 4.25 + 10 = 14.25 %,
    # 1..14 Jan = 14 days at 3.15 + 10 = 13.15 %.
    # 500 × (14.25 × 16 + 13.15 × 14) / 36500 = 500 × (228 + 184.1) / 36500 = 206050 / 36500 = 5.6452 -> 5.65
    result = penalty("500.00", "2024-12-15", "2025-01-14")
    assert (result.interest, result.indemnity) == (Decimal("5.65"), Decimal("40.00"))
    assert result.periods == (
        (d("2024-12-16"), d("2024-12-31"), 16, Decimal("14.25")),
        (d("2025-01-01"), d("2025-01-14"), 14, Decimal("13.15")),
    )


def test_half_years_at_the_same_rate_make_one_period():
    # 2025-S2 and 2026-S1 are both 12.15 %: 1 Jul 2025 .. 31 Mar 2026 = 184 + 90 = 274 days.
    # 1000 × 12.15 × 274 / 36500 = 3329100 / 36500 = 91.2082 -> 91.21
    result = penalty("1000.00", "2025-06-30", "2026-03-31")
    assert result.interest == Decimal("91.21")
    assert result.periods == ((d("2025-07-01"), d("2026-03-31"), 274, Decimal("12.15")),)


def test_rounded_once_not_per_period():
    # 30 Jun 2025 at 13.15 %, 1 Jul at 12.15 %: 12 × 13.15 / 36500 = 0.00432 and 12 × 12.15 / 36500
    # = 0.00399 would each round to 0.00; together 12 × 25.30 / 36500 = 0.00832 -> 0.01.
    assert penalty("12.00", "2025-06-29", "2025-07-01").interest == Decimal("0.01")


def test_half_a_cent_rounds_up():
    # 18.25 × 10 × 1 / 36500 = 0.005 exactly: 0.01 with ROUND_HALF_UP (banker's rounding would give 0.00).
    rates = PenaltyRates({}, contractual=Decimal("10"))
    assert penalty("18.25", "2026-03-01", "2026-03-02", rates).interest == Decimal("0.01")


def test_leap_year_counts_29_february_at_1_365():
    # Due 28 Feb 2024, on 1 Mar 2024: 29 Feb and 1 Mar = 2 days at 4.50 + 10 = 14.50 %.
    # 1000 × 14.50 × 2 / 36500 = 29000 / 36500 = 0.7945 -> 0.79
    result = penalty("1000.00", "2024-02-28", "2024-03-01")
    assert (result.interest, result.periods[0][2]) == (Decimal("0.79"), 2)


def test_partial_payment():
    # Invoice of 1200.00 TTC, 700.00 paid: interest on the 500.00 left; the indemnity stays 40 in full.
    # Due 31 Mar 2026, on 30 May 2026: 1 Apr .. 30 May = 30 + 30 = 60 days at 12.15 %.
    # 500 × 12.15 × 60 / 36500 = 364500 / 36500 = 9.9863 -> 9.99
    # Unpaid in full it would be 1200 × 12.15 × 60 / 36500 = 874800 / 36500 = 23.9671 -> 23.97.
    assert penalty("1200.00", "2026-03-31", "2026-05-30").interest == Decimal("23.97")
    result = penalty("500.00", "2026-03-31", "2026-05-30")
    assert (result.interest, result.indemnity, result.total) == (
        Decimal("9.99"),
        INDEMNITY,
        Decimal("49.99"),
    )


def test_private_customers_owe_nothing():
    assert penalty("500.00", "2026-03-31", "2026-05-30", private=True) == Penalty(
        Decimal("0.00"), Decimal("0.00"), ()
    )


def test_contractual_rate_replaces_ecb_and_margin():
    # Les Echos Publishing's example: 15 000 € due 15 Apr 2018 at 15 %, paid 15 May 2018: 16 Apr .. 15 May
    # = 30 days; 15000 × 15 × 30 / 36500 = 184.93. No ECB rate is needed for 2018.
    rates = PenaltyRates({}, contractual=Decimal("15"))
    assert penalty("15000.00", "2018-04-15", "2018-05-15", rates) == Penalty(
        Decimal("184.93"), INDEMNITY, ((d("2018-04-16"), d("2018-05-15"), 30, Decimal("15")),)
    )
    # Across 1 July the contractual rate stays one period.
    assert penalty("100.00", "2027-06-20", "2027-07-10", rates).periods == (
        (d("2027-06-21"), d("2027-07-10"), 20, Decimal("15")),
    )


def test_margin_is_a_setting():
    # 30 days in 2026-S1 at 2.15 + 8 = 10.15 %: 1000 × 10.15 × 30 / 36500 = 304500 / 36500 = 8.3425 -> 8.34
    rates = PenaltyRates(DEFAULT_ECB, margin=Decimal("8"))
    assert penalty("1000.00", "2026-01-31", "2026-03-02", rates).interest == Decimal("8.34")


@pytest.mark.parametrize(
    ("ecb", "due", "today", "message"),
    [
        (
            {**DEFAULT_ECB, "2026-S2": Decimal("2.15")},
            "2026-12-20",
            "2027-01-10",
            "Le taux BCE du 2027-S1 manque : « python relance.py taux » le récupère sur le site de la BCE, "
            'ou ajoutez "2027-S1" = … dans [penalites] taux_bce de relance.toml (taux de refinancement de '
            "la BCE au 1er janvier 2027).",
        ),
        (
            DEFAULT_ECB,  # the first half-year missing is named
            "2026-06-20",
            "2027-01-10",
            "Le taux BCE du 2026-S2 manque : « python relance.py taux » le récupère sur le site de la BCE, "
            'ou ajoutez "2026-S2" = … dans [penalites] taux_bce de relance.toml (taux de refinancement de '
            "la BCE au 1er juillet 2026).",
        ),
    ],
)
def test_missing_half_year_is_an_error(ecb, due, today, message):
    with pytest.raises(RelanceError) as error:
        penalty("100.00", due, today, PenaltyRates(ecb))
    assert str(error.value) == message


def test_missing_half_year_outside_the_delay_is_fine():
    # 2026-S2 is not in the defaults, but a delay inside 2026-S1 does not need it.
    assert penalty("100.00", "2026-06-01", "2026-06-30").interest > 0


@pytest.mark.parametrize(
    ("due", "today"),
    [("2026-11-23", "2026-11-23"), ("2026-11-24", "2026-11-23"), ("2027-03-01", "2026-11-23")],
)
def test_not_late_yet(due, today):
    # Due today or later: no interest, no indemnity, and no rate needed (2026-S2 is not in the table).
    assert penalty("1000.00", due, today) == NO_PENALTY


def test_one_day_late():
    # 1000 × 12.15 × 1 / 36500 = 0.3329 -> 0.33, and the indemnity is owed from the first day.
    result = penalty("1000.00", "2026-03-01", "2026-03-02")
    assert (result.interest, result.indemnity) == (Decimal("0.33"), INDEMNITY)


def test_nothing_left_to_pay():
    assert penalty("0.00", "2026-01-31", "2026-03-02") == NO_PENALTY
    assert penalty("-50.00", "2026-01-31", "2026-03-02") == NO_PENALTY  # a credit balance


def test_reference_days_and_half_years():
    assert (reference_day("2026-S1"), reference_day("2026-S2")) == (d("2026-01-01"), d("2026-07-01"))
    assert half_years(d("2025-06-30"), d("2026-07-01")) == ("2025-S1", "2025-S2", "2026-S1", "2026-S2")
    assert half_years(d("2026-07-02"), d("2026-12-31")) == ("2026-S2",)


def daily(changes: dict[str, str], first: str, last: str) -> list[tuple]:
    """One observation a day, each the rate of the last change on or before it."""
    days = [d(first)]
    while days[-1] < d(last):
        days.append(days[-1] + timedelta(days=1))
    steps = sorted((d(day), Decimal(rate)) for day, rate in changes.items())
    return [(day, [rate for when, rate in steps if when <= day][-1]) for day in days]


def test_a_change_on_11_june_applies_to_the_second_half_year_one_on_2_july_does_not():
    changes = {"2025-06-11": "2.15", "2026-06-11": "2.40", "2026-07-02": "2.65"}
    series = daily(changes, "2025-12-01", "2026-11-23")
    assert rates_in_force(series, d("2026-11-23")) == {"2026-S1": Decimal("2.15"), "2026-S2": Decimal("2.40")}


def test_a_change_on_1_july_itself_applies_to_the_second_half_year():
    series = daily({"2025-06-11": "2.15", "2026-07-01": "2.40"}, "2026-06-01", "2026-07-01")
    assert rates_in_force(series, d("2026-07-01")) == {"2026-S2": Decimal("2.40")}


def test_only_days_the_series_reaches_are_derived():
    # The series stops on 30 June: nothing proves the rate of 1 July.
    series = daily({"2025-06-11": "2.15"}, "2025-12-31", "2026-06-30")
    assert rates_in_force(series, d("2026-11-23")) == {"2026-S1": Decimal("2.15")}


def test_a_series_of_changes_proves_nothing_after_its_last_point():
    changes = [(d("2024-12-18"), Decimal("3.15")), (d("2025-06-11"), Decimal("2.15"))]
    # 1 July 2025 and later come after the last change: it cannot show that nothing changed since.
    assert rates_in_force(changes, d("2026-11-23")) == {"2025-S1": Decimal("3.15")}


def test_a_business_day_series_gives_1_january_from_the_days_around_it():
    series = [(d("2025-12-31"), Decimal("2.15")), (d("2026-01-02"), Decimal("2.15"))]
    assert rates_in_force(series, d("2026-01-02")) == {"2026-S1": Decimal("2.15")}


def test_a_rate_dated_after_the_fetch_day_proves_nothing_yet():
    series = daily({"2026-06-11": "2.40"}, "2026-06-20", "2026-07-10")
    assert rates_in_force(series, d("2026-06-30")) == {}
    assert rates_in_force(series, d("2026-07-01")) == {"2026-S2": Decimal("2.40")}
    assert rates_in_force([], d("2026-07-01")) == {}
