"""Small text helpers of the domain: comparing French words without case or accents, formatting."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache

NBSP = "\u00a0"
NNBSP = "\u202f"


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed: 'Prélèvement  SEPA' -> 'prelevement sepa'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def french_date(value: date | None) -> str:
    """23/11/2026, or an empty string."""
    return value.strftime("%d/%m/%Y") if value else ""


def french_amount(value: Decimal) -> str:
    """1 234,56 € with no-break spaces: between thousands (NNBSP, as CLDR fr_FR) and before €."""
    sign = "-" if value < 0 else ""
    units, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{NNBSP.join(groups)},{cents}{NBSP}€"


def plain_amount(value: Decimal) -> str:
    """1 234,56 € with plain spaces, for consoles (a Windows console may lack the narrow space)."""
    return french_amount(value).replace(NNBSP, " ").replace(NBSP, " ")


MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def french_long_date(value: date) -> str:
    """« 1er décembre 2026 », « 23 novembre 2026 »: the date of a French letter."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_list(items: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"
