"""Payment terms: each French expression parsed, and due dates computed by hand."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.terms import PaymentTerms, due_date, parse_terms


@pytest.mark.parametrize(
    ("text", "days", "end_of_month", "day_of_month"),
    [
        ("comptant", 0, False, None),
        ("Paiement comptant", 0, False, None),
        ("à réception", 0, False, None),
        ("A RECEPTION DE FACTURE", 0, False, None),
        ("réception de facture", 0, False, None),
        ("Dès réception", 0, False, None),
        ("30 jours", 30, False, None),
        ("30 j", 30, False, None),
        ("30J", 30, False, None),
        ("30", 30, False, None),  # a "Délai de paiement" column holding a number
        ("  30   jours  net ", 30, False, None),
        ("60 jours nets", 60, False, None),
        ("Paiement à 30 jours", 30, False, None),
        ("45 jours fin de mois", 45, True, None),
        ("45 Jours Fin De Mois", 45, True, None),
        ("45 j fdm", 45, True, None),
        ("45 J F.D.M.", 45, True, None),
        ("30 jours fin de mois le 10", 30, True, 10),
        ("30 jours fin de mois, le 10 du mois suivant", 30, True, 10),
        ("30 j fdm 10", 30, True, 10),
        ("60 jours", 60, False, None),
        ("60 jours date de facture", 60, False, None),
        ("60 jours à date de facture", 60, False, None),
        ("fin de mois", 0, True, None),
        ("Fin de mois le 10", 0, True, 10),
        ("30 jours le 15", 30, False, 15),
    ],
)
def test_parse_terms(text, days, end_of_month, day_of_month):
    assert parse_terms(text) == PaymentTerms(days, end_of_month, day_of_month, text.strip())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "conditions de paiement vides"),
        ("  ", "conditions de paiement vides"),
        ("traite", "conditions de paiement « traite » non comprises"),
        # The other reading of "45 jours fin de mois" (end of month first) is not guessed at.
        ("fin de mois + 45 jours", "conditions de paiement « fin de mois + 45 jours » non comprises"),
        ("30 jours 15", "conditions de paiement « 30 jours 15 » non comprises"),
        ("fin de mois le 10 le 12", "conditions de paiement « fin de mois le 10 le 12 » non comprises"),
        ("jours", "conditions de paiement « jours » non comprises"),
        ("400 jours", "délai de 400 jours trop long (plus d'un an)"),
        ("30 jours fin de mois le 32", "jour du mois « 32 » impossible"),
        ("30 jours le 0", "jour du mois « 0 » impossible"),
    ],
)
def test_parse_terms_refuses_with_reason(text, reason):
    with pytest.raises(ValueError) as raised:
        parse_terms(text)
    assert str(raised.value) == reason


def due(text: str, invoice: str) -> str:
    return due_date(date.fromisoformat(invoice), parse_terms(text)).isoformat()


@pytest.mark.parametrize(
    ("text", "invoice", "expected"),
    [
        ("comptant", "2026-04-15", "2026-04-15"),
        ("à réception", "2026-04-15", "2026-04-15"),
        ("réception de facture", "2026-02-28", "2026-02-28"),
        # 31 January + 30 days: 1 February is day 1, 28 February day 28, 2 March day 30.
        ("30 jours", "2026-01-31", "2026-03-02"),
        ("30 j", "2024-01-31", "2024-03-01"),  # leap year: 29 February is day 29
        ("30 jours net", "2026-12-15", "2027-01-14"),
        # 10 April + 45 days = 25 May -> end of May; 17 April + 45 days = 1 June -> end of June.
        ("45 jours fin de mois", "2026-04-10", "2026-05-31"),
        ("45 jours fin de mois", "2026-04-17", "2026-06-30"),
        ("45 j fdm", "2024-01-15", "2024-02-29"),  # 15 January + 45 = 29 February 2024
        ("45 j fdm", "2025-01-15", "2025-03-31"),  # 15 January + 45 = 1 March 2025
        # 15 April + 30 = 15 May -> 31 May -> 10 June.
        ("30 jours fin de mois le 10", "2026-04-15", "2026-06-10"),
        ("30 jours fin de mois le 10", "2026-11-20", "2027-01-10"),  # 20 Dec -> 31 Dec -> 10 Jan
        ("30 j fdm le 30", "2024-01-05", "2024-03-30"),  # 4 Feb -> 29 Feb -> 30 March
        ("fin de mois le 31", "2026-01-10", "2026-02-28"),  # no 31 February: its last day
        ("60 jours", "2026-01-01", "2026-03-02"),
        ("60 jours", "2024-01-01", "2024-03-01"),
        ("60 jours date de facture", "2026-11-30", "2027-01-29"),
        ("fin de mois", "2026-02-03", "2026-02-28"),
        ("fin de mois", "2024-02-03", "2024-02-29"),
        ("fin de mois", "2026-12-31", "2026-12-31"),
        # 15 April + 30 = 15 May, itself a 15th; 16 April + 30 = 16 May -> 15 June.
        ("30 jours le 15", "2026-04-15", "2026-05-15"),
        ("30 jours le 15", "2026-04-16", "2026-06-15"),
        ("30 jours le 15", "2026-12-20", "2027-02-15"),  # 19 January -> 15 February
        ("30 jours le 31", "2026-03-15", "2026-04-30"),  # 14 April -> April has no 31st
    ],
)
def test_due_date(text, invoice, expected):
    assert due(text, invoice) == expected


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.integers(0, 365),
    st.booleans(),
    st.one_of(st.none(), st.integers(1, 31)),
)
def test_due_date_is_never_before_the_delay(invoice, days, end_of_month, day_of_month):
    terms = PaymentTerms(days, end_of_month, day_of_month, "")
    result = due_date(invoice, terms)
    earliest = invoice + timedelta(days=days)
    assert result >= earliest
    if day_of_month is not None:
        month_length = calendar.monthrange(result.year, result.month)[1]
        assert result.day == min(day_of_month, month_length)
        assert (result - earliest).days <= (62 if end_of_month else 31)
    elif end_of_month:
        assert (result + timedelta(days=1)).day == 1 and result.month == earliest.month
    else:
        assert result == earliest


@given(st.text(max_size=40))
def test_parse_terms_only_ever_raises_value_error(text):
    try:
        terms = parse_terms(text)
    except ValueError:
        return
    assert 0 <= terms.days <= 365
    assert terms.day_of_month is None or 1 <= terms.day_of_month <= 31
