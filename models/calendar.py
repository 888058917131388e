"""Counting days the French way: calendar days, jours ouvrés or jours ouvrables, without public holidays."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from models.errors import RelanceError

COUNTINGS = ("calendaires", "ouvres", "ouvrables")

# How many days of each week count, Monday first: jours ouvrés are Monday–Friday (what most businesses
# work), jours ouvrables Monday–Saturday (all days but Sunday, Code du travail usage).
_DAYS_PER_WEEK = {"calendaires": 7, "ouvres": 5, "ouvrables": 6}


@dataclass(frozen=True)
class DayCounter:
    """Counts days between two dates; holidays are passed in (see sources.calendar.french_holidays).

    Working-day counts are arithmetic on whole weeks plus a binary search in the sorted holidays, so a
    count costs the same for a span of three days or of three years.
    """

    counting: str = "calendaires"
    holidays: frozenset[date] = frozenset()
    # Ordinals of the holidays that fall on a counted weekday (a holiday on a Sunday removes nothing).
    _holidays: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _per_week: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.counting not in COUNTINGS:
            raise RelanceError(
                f"Décompte des jours inconnu « {self.counting} » dans [relance] decompte de relance.toml : "
                f"choisissez {', '.join(COUNTINGS[:-1])} ou {COUNTINGS[-1]}."
            )
        per_week = _DAYS_PER_WEEK[self.counting]
        counted = sorted(day.toordinal() for day in self.holidays if day.weekday() < per_week)
        object.__setattr__(self, "_per_week", per_week)
        object.__setattr__(self, "_holidays", tuple(counted) if per_week < 7 else ())

    def days_between(self, start: date, end: date) -> int:
        """Counted days after `start` up to `end` included; minus the count the other way if end < start.

        So a due date of today gives 0 and an invoice due next Monday gives a negative number of days
        overdue, as with calendar days.
        """
        if self._per_week == 7:
            return (end - start).days
        return self._rank(end.toordinal()) - self._rank(start.toordinal())

    def add_days(self, start: date, days: int) -> date:
        """The first date d such that days_between(start, d) >= days.

        With working days the result is a counted day when days > 0 (5 jours ouvrés after a Friday is
        the next Friday, or the Monday after when a holiday falls in between).
        """
        if self._per_week == 7:
            return start + timedelta(days=days)
        target = self._rank(start.toordinal()) + days
        n = start.toordinal()
        # Jump whole weeks while far from the target, then walk: a week holds at most _per_week days.
        while True:
            gap = target - self._rank(n)
            if gap > self._per_week:
                step = gap // self._per_week * 7
            elif gap < -self._per_week:
                step = -(-gap // self._per_week * 7)
            else:
                break
            before = gap
            n += step
            if abs(target - self._rank(n)) >= abs(before):
                break  # weeks made only of holidays: walking below still ends
        while self._rank(n) < target:
            n += 1
        while self._rank(n - 1) >= target:
            n -= 1
        return date.fromordinal(n)

    def _rank(self, ordinal: int) -> int:
        """Counted days from 1 January of year 1 (a Monday, ordinal 1) up to `ordinal` included."""
        weeks, rest = divmod(ordinal, 7)
        return weeks * self._per_week + min(rest, self._per_week) - bisect_right(self._holidays, ordinal)
