"""The scalar parsers of messy cells: examples from real exports, then properties (hypothesis)."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.cells import normalize_header, parse_amount, parse_date, parse_flag, text_of

NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1 234,56 €", "1234.56"),
        (f"1{NBSP}234,56{NBSP}€", "1234.56"),
        (f"12{NNBSP}500,00", "12500.00"),
        (f"3{THIN}000,00 €", "3000.00"),
        ("1234.56", "1234.56"),
        ("-600,00", "-600.00"),
        ("600,00-", "-600.00"),
        ("(600,00)", "-600.00"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567.00"),
        ("1,234,567", "1234567.00"),
        ("EUR 150,00", "150.00"),
        ("150,00 EUR", "150.00"),
        ("€1,234.56", "1234.56"),
        ("+42", "42.00"),
        ("\u2212 15,5", "-15.50"),
        ("0,005", "0.01"),  # half up, not banker's rounding
        ("1234", "1234.00"),
        (1234.56, "1234.56"),
        (0.1 + 0.2, "0.30"),
        (-600, "-600.00"),
        (Decimal("12.345"), "12.35"),
    ],
)
def test_amounts_as_french_software_writes_them(cell: object, expected: str) -> None:
    assert parse_amount(cell) == Decimal(expected)
    assert parse_amount(cell).as_tuple().exponent == -2


@pytest.mark.parametrize("cell", [None, "", "   ", NBSP])
def test_empty_amount_is_none(cell: object) -> None:
    assert parse_amount(cell) is None


@pytest.mark.parametrize(
    "cell", ["abc", "12,34,56.7.8", "1,2.3,4", "--5", "12 €€ 3x", "(5", "1e5", True, float("nan"),
             float("inf"), date(2026, 1, 1), "€", "-",
             # a thousands mark must split the units in groups of three
             "12,3,4", "12.34,5", "1.2,50", "1234.567,5", "1,23,456.00"],
)
def test_unreadable_amount_raises_a_french_reason(cell: object) -> None:
    with pytest.raises(ValueError, match="montant illisible"):
        parse_amount(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("05/03/2026", date(2026, 3, 5)),  # day first, always
        ("5/3/2026", date(2026, 3, 5)),
        ("05/03/26", date(2026, 3, 5)),
        ("05/03/69", date(2069, 3, 5)),
        ("05/03/70", date(1970, 3, 5)),
        ("05-03-2026", date(2026, 3, 5)),
        ("05.03.2026", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        ("20260305", date(2026, 3, 5)),
        ("05/03/2026 14:30", date(2026, 3, 5)),
        ("05/03/2026 14:30:59", date(2026, 3, 5)),
        ("2026-03-05T14:30:00", date(2026, 3, 5)),
        ("2026-03-05 00:00:00", date(2026, 3, 5)),
        (" 05/03/2026 ", date(2026, 3, 5)),
        ("46086", date(2026, 3, 5)),  # an Excel serial number written as text
        (46086, date(2026, 3, 5)),
        (46086.75, date(2026, 3, 5)),
        (date(2026, 3, 5), date(2026, 3, 5)),
        (datetime(2026, 3, 5, 14, 30), date(2026, 3, 5)),
        ("29/02/2024", date(2024, 2, 29)),
        ("5 mars 2026", date(2026, 3, 5)),  # months in words, as French software writes them
        ("1er septembre 2026", date(2026, 9, 1)),
        ("1 sept. 2026", date(2026, 9, 1)),
        ("15 Févr. 2026", date(2026, 2, 15)),
        ("15 fevrier 2026", date(2026, 2, 15)),
        ("lundi 5 octobre 2026", date(2026, 10, 5)),
        ("05-oct-2026", date(2026, 10, 5)),
        ("31 août 2026 14:30", date(2026, 8, 31)),
    ],
)
def test_dates(cell: object, expected: date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize("cell", [None, "", "  "])
def test_empty_date_is_none(cell: object) -> None:
    assert parse_date(cell) is None


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31/02/2026", "date inexistante"),
        ("29/02/2025", "date inexistante"),
        ("2026-13-01", "date inexistante"),
        ("abc", "date illisible"),
        ("05/03-2026", "date illisible"),
        ("05/03/2026 midi", "date illisible"),
        ("5 mardigras 2026", "date illisible"),
        ("30 février 2026", "date inexistante"),
        ("123", "date illisible"),
        (True, "date illisible"),
        (0, "hors limites"),
        (3_000_000, "hors limites"),
    ],
)
def test_unreadable_dates(cell: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(cell)


@pytest.mark.parametrize(
    "cell", ["Oui", "OUI", "oui", "O", "x", "X", "1", "Vrai", "True", "Yes", " oui ", True, 1, 1.0]
)
def test_flags_true(cell: object) -> None:
    assert parse_flag(cell) is True


@pytest.mark.parametrize("cell", ["Non", "N", "0", "Faux", "False", "No", "", None, False, 0, 0.0])
def test_flags_false(cell: object) -> None:
    assert parse_flag(cell) is False


@pytest.mark.parametrize("cell", ["en cours", "peut-être", 2, 0.5])
def test_flags_unclear(cell: object) -> None:
    assert parse_flag(cell) is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("N° facture", "n facture"),
        ("Nº Facture", "n facture"),
        ("Date d'échéance", "date d echeance"),
        ("DATE D’ÉCHÉANCE", "date d echeance"),
        ("  Reste   dû ", "reste du"),
        ("E-mail", "e mail"),
        ("Tél.", "tel"),
        ("Montant (TTC)", "montant ttc"),
    ],
)
def test_normalize_header(title: str, expected: str) -> None:
    assert normalize_header(title) == expected


@pytest.mark.parametrize(
    ("cell", "expected"), [(1042.0, "1042"), (1042, "1042"), (" F-1 ", "F-1"), (None, ""), (10.5, "10.5")]
)
def test_codes_as_text(cell: object, expected: str) -> None:
    assert text_of(cell) == expected


# --- properties --------------------------------------------------------------------------------

AMOUNTS = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


def _grouped(amount: Decimal, group: str, mark: str) -> str:
    whole, cents = f"{abs(amount):,.2f}".split(".")
    return whole.replace(",", group) + mark + cents


@given(AMOUNTS, st.sampled_from([" ", NBSP, NNBSP, THIN, ""]), st.sampled_from(["", " €", f"{NBSP}€"]),
       st.sampled_from(["-{}", "{}-", "({})"]))
def test_french_amounts_round_trip(amount: Decimal, group: str, symbol: str, negative: str) -> None:
    text = _grouped(amount, group, ",")
    if amount < 0:
        text = negative.format(text)
    assert parse_amount(text + symbol) == amount


@given(AMOUNTS, st.sampled_from([",", ""]))
def test_english_amounts_round_trip(amount: Decimal, group: str) -> None:
    text = _grouped(amount, group, ".")
    assert parse_amount(("-" if amount < 0 else "") + text) == amount


@given(AMOUNTS)
def test_excel_numbers_round_trip(amount: Decimal) -> None:
    assert parse_amount(float(amount)) == amount


DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))
FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y%m%d", "%d/%m/%Y %H:%M",
           "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


@given(DATES, st.sampled_from(FORMATS), st.times())
def test_dates_round_trip(day: date, fmt: str, time_of_day) -> None:
    assert parse_date(datetime.combine(day, time_of_day).strftime(fmt)) == day


@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2069, 12, 31)))
def test_two_digit_years_round_trip(day: date) -> None:
    assert parse_date(day.strftime("%d/%m/%y")) == day


@given(DATES)
def test_excel_serials_round_trip(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(float(serial)) == day
    assert parse_date(str(serial)) == day


@given(st.one_of(st.text(), st.integers(), st.floats(), st.decimals(), st.none(), st.booleans(),
                 st.dates(), st.binary(), st.lists(st.text())))
def test_parse_flag_never_raises(value: object) -> None:
    assert parse_flag(value) in (True, False, None)


@given(st.one_of(st.text(), st.floats(), st.integers(), st.decimals(), st.booleans()))
def test_parsers_raise_only_value_error(value: object) -> None:
    for parser in (parse_amount, parse_date):
        with contextlib.suppress(ValueError):
            parser(value)
