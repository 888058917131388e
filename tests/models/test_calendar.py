"""Counting days: calendar days, jours ouvrés, jours ouvrables, around French public holidays."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.calendar import COUNTINGS, DayCounter
from models.errors import RelanceError
from tests.models.factories import d

# Jours fériés of mainland France in 2026 and 2027, written by hand (tests/sources/test_calendar.py checks
# that the holidays package gives the same). 2026: 1 Jan Thu, Easter Monday 6 Apr, 1 May Fri, 8 May Fri,
# Ascension 14 May Thu, Whit Monday 25 May, 14 Jul Tue, 15 Aug Sat, 1 Nov Sun, 11 Nov Wed, 25 Dec Fri.
_2026 = "01-01 04-06 05-01 05-08 05-14 05-25 07-14 08-15 11-01 11-11 12-25"
_2027 = "01-01 03-29 05-01 05-06 05-08 05-17 07-14 08-15 11-01 11-11 12-25"
MAINLAND = frozenset(
    d(f"{year}-{day}") for year, days in ((2026, _2026), (2027, _2027)) for day in days.split()
)
# Alsace-Moselle adds Good Friday (3 Apr 2026, 26 Mar 2027) and Saint-Étienne (26 Dec, a Saturday in 2026).
ALSACE = MAINLAND | {d("2026-04-03"), d("2026-12-26"), d("2027-03-26"), d("2027-12-26")}

CALENDAR = DayCounter()
OUVRES = DayCounter("ouvres", MAINLAND)
OUVRABLES = DayCounter("ouvrables", MAINLAND)
ALSACE_OUVRES = DayCounter("ouvres", ALSACE)
ALSACE_OUVRABLES = DayCounter("ouvrables", ALSACE)


@pytest.mark.parametrize(
    ("counter", "start", "end", "expected"),
    [
        # Easter: Thu 2 -> Thu 9 Apr 2026 = Fri 3, Sat 4, Sun 5, Mon 6 (Easter Monday), Tue 7, Wed 8, Thu 9
        (CALENDAR, "2026-04-02", "2026-04-09", 7),
        (OUVRES, "2026-04-02", "2026-04-09", 4),  # Fri 3, Tue 7, Wed 8, Thu 9
        (OUVRABLES, "2026-04-02", "2026-04-09", 5),  # + Sat 4
        (ALSACE_OUVRES, "2026-04-02", "2026-04-09", 3),  # Good Friday is off too
        (ALSACE_OUVRABLES, "2026-04-02", "2026-04-09", 4),  # Sat 4, Tue 7, Wed 8, Thu 9
        # 14 July: Fri 10 -> Fri 17 Jul 2026 = Sat 11, Sun 12, Mon 13, Tue 14 (holiday), Wed 15 .. Fri 17
        (CALENDAR, "2026-07-10", "2026-07-17", 7),
        (OUVRES, "2026-07-10", "2026-07-17", 4),  # Mon 13, Wed 15, Thu 16, Fri 17
        (OUVRABLES, "2026-07-10", "2026-07-17", 5),  # + Sat 11
        # Christmas: Wed 23 -> Wed 30 Dec 2026 = Thu 24, Fri 25 (Noël), Sat 26, Sun 27, Mon 28 .. Wed 30
        (OUVRES, "2026-12-23", "2026-12-30", 4),  # Thu 24, Mon 28, Tue 29, Wed 30
        (OUVRABLES, "2026-12-23", "2026-12-30", 5),  # + Sat 26
        (ALSACE_OUVRES, "2026-12-23", "2026-12-30", 4),  # Saint-Étienne is a Saturday: not worked anyway
        (ALSACE_OUVRABLES, "2026-12-23", "2026-12-30", 4),  # ... but it is a jour ouvrable
        # A plain weekend: Fri 20 -> Mon 23 Nov 2026
        (CALENDAR, "2026-11-20", "2026-11-23", 3),
        (OUVRES, "2026-11-20", "2026-11-23", 1),  # Mon 23
        (OUVRABLES, "2026-11-20", "2026-11-23", 2),  # Sat 21, Mon 23
        (OUVRES, "2026-11-21", "2026-11-22", 0),  # Saturday to Sunday: nothing worked
        # The whole of 2026: 365 days = 52 weeks + Thu 31 Dec. Ouvrés 52*5 + 1 = 261, minus the 9
        # holidays on Mon-Fri (all but 15 Aug Sat and 1 Nov Sun) = 252; ouvrables 52*6 + 1 = 313 minus
        # 10 (15 Aug, a Saturday, counts) = 303.
        (CALENDAR, "2025-12-31", "2026-12-31", 365),
        (OUVRES, "2025-12-31", "2026-12-31", 252),
        (OUVRABLES, "2025-12-31", "2026-12-31", 303),
    ],
)
def test_days_between(counter, start, end, expected):
    assert counter.days_between(d(start), d(end)) == expected


@pytest.mark.parametrize("counter", [CALENDAR, OUVRES, OUVRABLES, ALSACE_OUVRES])
def test_counting_backwards_is_negative(counter):
    # An invoice due in the future is "minus n days overdue", n counted the other way.
    for start, end in [
        ("2026-04-02", "2026-04-09"),
        ("2026-12-23", "2026-12-30"),
        ("2026-11-20", "2026-11-23"),
    ]:
        assert counter.days_between(d(end), d(start)) == -counter.days_between(d(start), d(end))
    assert counter.days_between(d("2026-11-23"), d("2026-11-23")) == 0


def test_due_today_or_tomorrow():
    today = d("2026-11-23")  # a Monday
    assert OUVRES.days_between(d("2026-11-24"), today) == -1
    assert OUVRES.days_between(d("2026-11-28"), today) == -4  # due Saturday: Tue, Wed, Thu, Fri away
    assert OUVRABLES.days_between(d("2026-11-28"), today) == -5


@pytest.mark.parametrize(
    ("counter", "start", "days", "expected"),
    [
        (CALENDAR, "2026-04-02", 2, "2026-04-04"),
        (OUVRES, "2026-04-02", 2, "2026-04-07"),  # Fri 3, then Easter Monday is skipped: Tue 7
        (ALSACE_OUVRES, "2026-04-02", 2, "2026-04-08"),  # Good Friday skipped too: Tue 7, Wed 8
        (OUVRABLES, "2026-04-02", 2, "2026-04-04"),  # Fri 3, Sat 4
        (OUVRES, "2026-07-10", 1, "2026-07-13"),
        (OUVRES, "2026-07-13", 1, "2026-07-15"),  # over 14 July
        (OUVRES, "2026-12-24", 1, "2026-12-28"),  # over Christmas and the weekend
        (ALSACE_OUVRABLES, "2026-12-24", 1, "2026-12-28"),  # Sat 26 is Saint-Étienne
        (OUVRABLES, "2026-12-24", 1, "2026-12-26"),
        # Thu 24 Dec 2026 + 5 jours ouvrés: Mon 28, Tue 29, Wed 30, Thu 31, (Fri 1 Jan 2027), Mon 4 Jan
        (OUVRES, "2026-12-24", 5, "2027-01-04"),
        # 30 jours ouvrés from Fri 1 May 2026: 6 weeks = 30 weekdays would end Fri 12 Jun, but 8 May,
        # 14 May and 25 May are off: Mon 15, Tue 16, Wed 17 Jun.
        (OUVRES, "2026-05-01", 30, "2026-06-17"),
        (OUVRES, "2026-11-23", 0, "2026-11-23"),
        (OUVRES, "2026-11-23", -1, "2026-11-20"),  # Fri 20 -> Mon 23 is one working day
        (CALENDAR, "2026-11-23", -3, "2026-11-20"),
    ],
)
def test_add_days(counter, start, days, expected):
    assert counter.add_days(d(start), days) == d(expected)


def test_a_long_span_costs_the_same():
    # 10 years of jours ouvrés: the week arithmetic and the holidays list agree with add_days.
    start = d("2020-03-02")
    end = OUVRES.add_days(start, 2600)
    assert OUVRES.days_between(start, end) == 2600
    assert OUVRES.days_between(start, end - timedelta(days=1)) == 2599


def test_unknown_counting():
    with pytest.raises(RelanceError) as error:
        DayCounter("ouvrés")
    assert str(error.value) == (
        "Décompte des jours inconnu « ouvrés » dans [relance] decompte de relance.toml : "
        "choisissez calendaires, ouvres ou ouvrables."
    )


# Against a day-by-day count, over two years of holidays (including the Alsace ones).
def _slow_count(counting: str, holidays: frozenset[date], start: date, end: date) -> int:
    per_week = {"calendaires": 7, "ouvres": 5, "ouvrables": 6}[counting]
    low, high, sign = (start, end, 1) if start <= end else (end, start, -1)
    days = (low + timedelta(days=i) for i in range(1, (high - low).days + 1))
    counted = sum(1 for day in days if day.weekday() < per_week and (per_week == 7 or day not in holidays))
    return sign * counted


dates = st.dates(min_value=date(2025, 12, 1), max_value=date(2028, 1, 31))


@given(st.sampled_from(COUNTINGS), st.booleans(), dates, dates)
def test_days_between_matches_a_day_by_day_count(counting, alsace, start, end):
    holidays = ALSACE if alsace else MAINLAND
    expected = _slow_count(counting, holidays, start, end)
    assert DayCounter(counting, holidays).days_between(start, end) == expected


@given(st.sampled_from(COUNTINGS), st.booleans(), dates, st.integers(min_value=-150, max_value=150))
def test_add_days_is_the_first_date_reaching_the_count(counting, alsace, start, days):
    counter = DayCounter(counting, ALSACE if alsace else MAINLAND)
    result = counter.add_days(start, days)
    assert counter.days_between(start, result) >= days
    assert counter.days_between(start, result - timedelta(days=1)) < days
