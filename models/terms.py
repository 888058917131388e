"""Payment terms as French businesses write them ("45 jours fin de mois") and the due date they give."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from models.text import fold

MAX_DAYS = 365  # longer is a typing slip ("300 jours" for "30 jours"), not a term anyone agrees to


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """Parsed "conditions de paiement"; see `due_date` for how each part counts."""

    days: int  # 0 for comptant / à réception
    end_of_month: bool  # "fin de mois"
    day_of_month: int | None  # "le 10"
    text: str  # as written


# On folded text (lower case, no accents), where every run of punctuation became one space and
# digits were split from letters ("30j" -> "30 j", "f.d.m." -> "f d m").
_CASH = re.compile(
    r"(?:(?:paiement|reglement|payable)\s)?(?:au\s)?comptant"
    r"|(?:(?:paiement|reglement|payable)\s)?(?:a\s|des\s)?(?:la\s)?reception(?:\s(?:de\s)?(?:la\s)?facture)?"
    r"|(?:(?:paiement|reglement|payable)\s)?immediat"
)
_TERMS = re.compile(
    r"(?:(?:paiement|reglement|payable)\s)?(?:a\s)?"
    # A bare number is a count of days: a "Délai de paiement" column often holds just 30.
    r"(?:(?P<days>\d+)(?:\s(?:jours?|j))?(?:\snets?)?"
    r"(?:\s(?:a\s)?(?:compter\sde\s)?(?:la\s)?(?:date\s(?:de\s)?(?:la\s)?facture|date\sd\semission|df))?)?"
    # After "fin de mois" the "le" may go ("30 j fdm 10"), not after "30 jours" ("30 jours 15"?).
    r"(?:\s?(?P<eom>fin\sde\smois|f\s?d\s?m|fm)(?:\s(?:le\s)?(?P<eom_day>\d+))?)?"
    r"(?:(?:^|\s)le\s(?P<day>\d+))?"
    r"(?:\sdu\smois(?:\ssuivant)?)?"
    r"(?:\snets?)?"
)
_PUNCTUATION = re.compile(r"[^0-9a-z]+")
_DIGITS_LETTERS = re.compile(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)")


def parse_terms(text: str) -> PaymentTerms:
    """The terms `text` states; ValueError with a short French reason when it cannot be understood.

    Understood, whatever the case, accents and spacing: « comptant », « à réception (de facture) »,
    « 30 jours », « 30 j », « 30 jours net », « 60 jours date de facture », « 45 jours fin de mois »,
    « 45 j fdm », « fin de mois », « 30 jours fin de mois le 10 », « 30 jours le 15 ».
    """
    plain = _PUNCTUATION.sub(" ", fold(text)).strip()
    plain = _DIGITS_LETTERS.sub(" ", plain)
    if not plain:
        raise ValueError("conditions de paiement vides")
    if _CASH.fullmatch(plain):
        return PaymentTerms(0, False, None, text.strip())
    match = _TERMS.fullmatch(plain)
    dom = match and (match["eom_day"] or match["day"])
    if not match or not (match["days"] or match["eom"] or dom) or (match["eom_day"] and match["day"]):
        raise ValueError(f"conditions de paiement « {text.strip()} » non comprises")
    days = int(match["days"] or 0)
    if days > MAX_DAYS:
        raise ValueError(f"délai de {days} jours trop long (plus d'un an)")
    day_of_month = int(dom) if dom else None
    if day_of_month is not None and not 1 <= day_of_month <= 31:
        raise ValueError(f"jour du mois « {day_of_month} » impossible")
    return PaymentTerms(days, match["eom"] is not None, day_of_month, text.strip())


def due_date(invoice_date: date, terms: PaymentTerms) -> date:
    """The due date of an invoice issued on `invoice_date` under `terms`.

    - « X jours »: invoice date + X calendar days.
    - « X jours fin de mois »: invoice date + X days, then the last day of that month
      (10 April + 45 days = 25 May -> 31 May). Code de commerce L441-10 caps terms at "45 jours fin
      de mois" without saying how to count; both readings are admitted in practice (see e.g.
      solon.law, 27/10/2023). This one is the one most guides and accounting packages apply; the
      other, end of the invoice's month then + X days, is written « fin de mois + 45 jours » and
      is not understood (the accountant then writes the due date in the export).
    - « X jours fin de mois le N »: as above, then day N of the following month (15 April, 30 days
      -> 15 May -> 31 May -> 10 June).
    - « X jours le N »: invoice date + X days, then the next day N of a month (that day included).
    A day N the month lacks (le 31 in April, le 30 in February) falls on the month's last day.
    """
    due = invoice_date + timedelta(days=terms.days)
    if terms.end_of_month:
        due = _last_day(due.year, due.month)
        if terms.day_of_month is not None:
            year, month = _next_month(due.year, due.month)
            due = _day_in(year, month, terms.day_of_month)
    elif terms.day_of_month is not None:
        candidate = _day_in(due.year, due.month, terms.day_of_month)
        if candidate < due:
            candidate = _day_in(*_next_month(due.year, due.month), terms.day_of_month)
        due = candidate
    return due


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _day_in(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
