"""Pure parsers for one cell of an export: amounts, dates, yes/no flags, codes and column titles."""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

CENT = Decimal("0.01")

# Excel's 1900 date system counts from 1899-12-30 (its phantom 29/02/1900 makes that the base for
# every serial after 60); 2958465 is 31/12/9999, the largest serial Excel accepts.
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = 2958465

# --- amounts ---------------------------------------------------------------------------------

_SIMPLE_AMOUNT = re.compile(r"-?\d+(?:[.,]\d{1,2})?€?")
_CURRENCY = re.compile(r"€|euros?|eur", re.IGNORECASE)  # no \b: spaces are already gone
# Thousands separators French software writes: space, no-break space (U+00A0), narrow no-break
# space (U+202F, CLDR fr_FR) and thin space (U+2009); tabs slip in from copy-pastes.
_DROP_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")
_GROUPS = {mark: re.compile(r"\d{1,3}(?:" + re.escape(mark) + r"\d{3})+") for mark in ",."}
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")


def parse_amount(value: object) -> Decimal | None:
    """An amount in euros rounded to the cent, or None for an empty cell; ValueError if unreadable."""
    kind = type(value)
    if kind is str:
        cleaned = value.translate(_DROP_SPACES)  # type: ignore[attr-defined]
        if _SIMPLE_AMOUNT.fullmatch(cleaned):  # the common case: 1 234,56 €, 1234.56 or -600,00
            return _quantize(Decimal(cleaned.rstrip("€").replace(",", ".")))
        return _amount_from_text(cleaned)
    if value is None:
        return None
    if kind is bool:
        raise ValueError("montant illisible (vrai/faux)")
    if kind is float:
        # round() first: Decimal(1234.56) would carry the binary error (1234.5599999…);
        # NaN and the infinities are refused by _quantize.
        return _quantize(Decimal(repr(round(value, 2))))  # type: ignore[call-overload]
    if isinstance(value, int | Decimal):
        return _quantize(Decimal(value))
    raise ValueError("montant illisible")


# No cache here, unlike dates: amounts are mostly distinct, and an LRU miss costs more than parsing.
def _amount_from_text(cleaned: str) -> Decimal | None:
    """The rare shapes: symbols and signs around, both marks, several groups; spaces already gone."""
    cleaned = cleaned.strip()
    if not cleaned:
        return None
    cleaned = _CURRENCY.sub("", cleaned).replace("\u2212", "-")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    if cleaned.endswith("-"):  # 600,00- as some accounting software prints credits
        negative, cleaned = True, cleaned[:-1]
    elif cleaned.startswith("-"):
        negative, cleaned = not negative, cleaned[1:]
    elif cleaned.startswith("+"):
        cleaned = cleaned[1:]
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        # Both marks: the last one is the decimal mark, the other one groups thousands.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = _ungroup(cleaned, ".", ",")
        else:
            cleaned = _ungroup(cleaned, ",", ".")
    elif commas > 1:
        cleaned = _ungroup(cleaned, ",", None)
    elif commas:
        cleaned = cleaned.replace(",", ".")
    elif dots > 1:
        cleaned = _ungroup(cleaned, ".", None)
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError("montant illisible")
    amount = _quantize(Decimal(cleaned))
    return -amount if negative else amount


def _ungroup(text: str, group: str, decimal: str | None) -> str:
    """Remove a thousands mark, which must split the units into groups of three ("12,3,4" is no
    amount); the decimal mark becomes a dot."""
    units, _, cents = text.rpartition(decimal) if decimal and decimal in text else (text, "", "")
    if not _GROUPS[group].fullmatch(units):
        raise ValueError("montant illisible")
    units = units.replace(group, "")
    return f"{units}.{cents}" if decimal and decimal in text else units


def _quantize(amount: Decimal) -> Decimal:
    try:
        result = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError("montant illisible") from None
    if not result.is_finite():
        raise ValueError("montant illisible")
    return result


# --- dates -----------------------------------------------------------------------------------

_TIME = r"(?:(?:T|\s+)\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_YEAR_FIRST = re.compile(r"(\d{4})([/.-])(\d{1,2})\2(\d{1,2})" + _TIME)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})" + _TIME)
_SERIAL = re.compile(r"(\d{5})(?:\.0*)?")
# Months in words, as French software and hand-typed sheets write them: « 1er sept. 2026 », « lundi 5
# octobre 2026 », « 05-oct-2026 » (no accent needed: « fevrier », « aout », « decembre »).
_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "fév": 2, "fev": 2,
    "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "décembre": 12, "decembre": 12, "déc": 12, "dec": 12,
}  # fmt: skip
_IN_WORDS = re.compile(
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche),?\s+)?(\d{1,2})(?:er)?[\s-]+"
    r"([a-zéèûô]+)\.?[\s-]+(\d{4})" + _TIME,
    re.IGNORECASE,
)


def parse_date(value: object) -> date | None:
    """A date read day-first, or None for an empty cell; ValueError if unreadable or impossible."""
    kind = type(value)
    if kind is str:
        return _date_from_text(value)  # type: ignore[arg-type]
    if kind is date:
        return value  # type: ignore[return-value]
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if kind is bool:
        raise ValueError("date illisible (vrai/faux)")
    if kind is float and not math.isfinite(value):  # type: ignore[arg-type]
        raise ValueError("date illisible")
    if isinstance(value, int | float):
        return _from_serial(int(value))
    raise ValueError("date illisible")


@lru_cache(maxsize=1 << 14)
def _date_from_text(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    match = _DAY_FIRST.fullmatch(text)
    if match:
        year = int(match[4])
        if len(match[4]) == 2:
            # Two-digit years pivot as POSIX strptime's %y does: 00-69 -> 20xx, 70-99 -> 19xx.
            year += 2000 if year < 70 else 1900
        return _checked(year, int(match[3]), int(match[1]))
    match = _YEAR_FIRST.fullmatch(text) or _COMPACT.fullmatch(text)
    if match:
        groups = match.groups()
        if len(groups) == 4:  # year-first with a separator group
            return _checked(int(groups[0]), int(groups[2]), int(groups[3]))
        return _checked(int(groups[0]), int(groups[1]), int(groups[2]))
    match = _SERIAL.fullmatch(text)
    if match:
        return _from_serial(int(match[1]))
    match = _IN_WORDS.fullmatch(text)
    if match and match[2].lower() in _MONTHS:
        return _checked(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    raise ValueError("date illisible")


def _checked(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("date inexistante") from None


def _from_serial(serial: int) -> date:
    if not 1 <= serial <= _MAX_SERIAL:
        raise ValueError("numéro de date Excel hors limites")
    return _EXCEL_EPOCH + timedelta(days=serial)


# --- flags, codes, headers ----------------------------------------------------------------------

_TRUE = frozenset({"oui", "o", "x", "1", "vrai", "true", "yes", "y"})
_FALSE = frozenset({"non", "n", "0", "faux", "false", "no", ""})


def parse_flag(value: object) -> bool | None:
    """Oui/x/1/Vrai… -> True, Non/0/empty… -> False, anything else -> None; never raises."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        try:
            return {0: False, 1: True}.get(value)  # type: ignore[call-overload]
        except TypeError:  # an unhashable NaN-like Decimal
            return None
    try:
        text = str(value).strip().lower()
    except Exception:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def text_of(value: object) -> str:
    """A cell as trimmed text; a spreadsheet number such as 1042.0 becomes "1042", not "1042.0"."""
    if type(value) is str:
        return value.strip()  # type: ignore[attr-defined]
    if value is None:
        return ""
    if type(value) is float and value.is_integer():  # type: ignore[attr-defined]
        return str(int(value))  # type: ignore[call-overload]
    return str(value).strip()


_NOT_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=4096)
def normalize_header(text: str) -> str:
    """Lower case, accents stripped, punctuation, ° and apostrophes as single spaces, trimmed."""
    # "º" (ordinal indicator) decomposes to "o" under NFKD; users mean "°" by it.
    text = text.replace("º", " ").lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", text).strip()


# Articles and prepositions left out when titles are compared: « Date Émission » is « Date d'émission »,
# « Date de la facture » is « Date facture ».
_LINKS = frozenset({"d", "de", "du", "des", "l", "la", "le", "les"})


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """What column titles are matched on: normalize_header without articles and prepositions."""
    words = normalize_header(text).split()
    kept = [w for w in words if w not in _LINKS]
    return " ".join(kept or words)
