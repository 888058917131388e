"""Late-payment penalties between businesses: interest (Code de commerce L441-10), 40 € indemnity (D441-5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from models.errors import RelanceError

# D441-5: fixed indemnity for recovery costs, per invoice paid late, owed from the first day of delay and
# still due in full after a partial payment.
INDEMNITY = Decimal("40.00")
CENT = Decimal("0.01")
ZERO_EUR = Decimal("0.00")

# ECB main refinancing rate (%) in force on 1 January (S1) and 1 July (S2), the reference of L441-10:
# only rates checked against public sources (see REFERENCE.md) are shipped. Later half-years are
# fetched from the ECB Data Portal into taux_bce.toml (app.rates), or written in relance.toml.
DEFAULT_ECB: Mapping[str, Decimal] = MappingProxyType(
    {
        "2023-S1": Decimal("2.50"),
        "2023-S2": Decimal("4.00"),
        "2024-S1": Decimal("4.50"),
        "2024-S2": Decimal("4.25"),
        "2025-S1": Decimal("3.15"),
        "2025-S2": Decimal("2.15"),
        "2026-S1": Decimal("2.15"),
    }
)

# Interest per day is the annual rate / 365, leap years included: the usual French practice (e.g.
# 15 000 € × 15 % × 30 / 365 = 184,93 € in Les Echos Publishing's worked example, 2018), and what
# accountants' spreadsheets do; a leap-year delay therefore counts 29 February as one more day at 1/365.
DAYS_PER_YEAR = 365

# (first day, last day, days, annual rate %) of a stretch of delay at one rate
Period = tuple[date, date, int, Decimal]


@dataclass(frozen=True)
class PenaltyRates:
    """Where the annual rate comes from: ECB rate of the half-year + margin, or one contractual rate."""

    ecb: Mapping[str, Decimal]  # "2025-S2" -> Decimal("2.15")
    margin: Decimal = Decimal("10")  # L441-10: ECB rate + 10 points
    contractual: Decimal | None = None  # [penalites] taux_contractuel, replaces ECB + margin
    # Periods and sum of rate × days per (due date, today): many invoices share a due date, and the
    # proposal prices every open invoice on the same day.
    _memo: dict[tuple[date, date], tuple[tuple[Period, ...], Decimal]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # A private read-only copy: the memo below must not outlive a change to the caller's table.
        object.__setattr__(self, "ecb", MappingProxyType(dict(self.ecb)))

    def annual_rate(self, day: date) -> Decimal:
        """The annual rate (%) on a day of delay; RelanceError naming a half-year missing from the table."""
        if self.contractual is not None:
            return self.contractual
        key = half_year(day)
        if key not in self.ecb:
            month = "janvier" if key.endswith("S1") else "juillet"
            raise RelanceError(
                f"Le taux BCE du {key} manque : « python relance.py taux » le récupère sur le site de la "
                f'BCE, ou ajoutez "{key}" = … dans [penalites] taux_bce de relance.toml (taux de '
                f"refinancement de la BCE au 1er {month} {day.year})."
            )
        return self.ecb[key] + self.margin

    def delay(self, due_date: date, today: date) -> tuple[tuple[Period, ...], Decimal]:
        """The periods of delay after `due_date` up to `today` included, and the sum of rate × days.

        The delay is split at 1 January and 1 July, each half-year at its own rate; consecutive
        half-years at the same rate make one period.
        """
        key = (due_date, today)
        if key not in self._memo:
            periods: list[Period] = []
            start = due_date + timedelta(days=1)
            while start <= today:
                end = min(date(start.year, 6, 30) if start.month <= 6 else date(start.year, 12, 31), today)
                rate = self.annual_rate(start)
                if periods and periods[-1][3] == rate:
                    first, _, days, _ = periods[-1]
                    periods[-1] = (first, end, days + (end - start).days + 1, rate)
                else:
                    periods.append((start, end, (end - start).days + 1, rate))
                start = end + timedelta(days=1)
            rate_days = sum((rate * days for _, _, days, rate in periods), Decimal(0))
            self._memo[key] = (tuple(periods), rate_days)
        return self._memo[key]


@dataclass(frozen=True)
class Penalty:
    """What a late invoice costs its business customer on a given day."""

    interest: Decimal  # to the cent, rounded once over the whole delay
    indemnity: Decimal  # INDEMNITY or 0.00
    periods: tuple[Period, ...] = ()  # one line per rate, for the letter's detail

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


NO_PENALTY = Penalty(ZERO_EUR, ZERO_EUR, ())


def half_year(day: date) -> str:
    """'2026-S1' for January–June, '2026-S2' for July–December."""
    return f"{day.year}-S{1 if day.month <= 6 else 2}"


def late_penalty(
    remaining: Decimal, due_date: date, today: date, rates: PenaltyRates, *, private: bool
) -> Penalty:
    """Interest and indemnity on `remaining` (incl. VAT) for the days after `due_date` up to `today` included.

    Private customers owe neither (L441-10 and D441-5 apply between businesses only). Nothing is owed
    on an invoice not yet due, due today, or with nothing left to pay. See PenaltyRates.delay for the
    periods.
    """
    if private or remaining <= 0 or today <= due_date:
        return NO_PENALTY
    periods, rate_days = rates.delay(due_date, today)
    # Simple interest summed over the periods and rounded once (rounding each period could lose cents).
    exact = remaining * rate_days / (100 * DAYS_PER_YEAR)
    return Penalty(exact.quantize(CENT, rounding=ROUND_HALF_UP), INDEMNITY, periods)


def reference_day(half: str) -> date:
    """1 January for '2026-S1', 1 July for '2026-S2': the day whose ECB rate applies to the half-year."""
    year, part = half.split("-S")
    return date(int(year), 1 if part == "1" else 7, 1)


def half_years(first: date, last: date) -> tuple[str, ...]:
    """The half-years from the one of `first` to the one of `last` included, in order."""
    found: list[str] = []
    day = reference_day(half_year(first))
    while day <= last:
        found.append(half_year(day))
        day = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)
    return tuple(found)


def rates_in_force(observations: Iterable[tuple[date, Decimal]], until: date) -> dict[str, Decimal]:
    """The ECB rate in force on each 1 January / 1 July that the observations prove, by half-year.

    The rate on a day is that of the last observation on or before it, and is proven only when the
    series goes on to that day or later: in a daily series, the observation of that very day; in a
    series that lists changes alone, a later change. The last point of a series of changes cannot
    prove that nothing changed after it, so the days after it are left out. Observations dated after
    `until` (the day of the fetch: a rate announced for a day to come) prove nothing yet.
    """
    points = sorted((day, rate) for day, rate in observations if day <= until)
    if not points:
        return {}
    rates: dict[str, Decimal] = {}
    latest = points[-1][0]
    index = 0
    for half in half_years(points[0][0], latest):
        day = reference_day(half)
        while index + 1 < len(points) and points[index + 1][0] <= day:
            index += 1
        if points[index][0] <= day <= latest:
            rates[half] = points[index][1]
    return rates
