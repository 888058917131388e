"""The allocation on whole columns gives what models.allocation gives, invoice by invoice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from models.allocation import allocate as allocate_records
from models.frames.allocation import allocate, credit_note_pool
from models.records import Invoice, Payment, Source
from tests.models.frames.records_to_frames import cents, invoice_frame, payment_frame

NUMBERS = ["F1", "F2", "F12", "FA-1", "FA-12", "f3", "A-7", "INV/2026/01", "#9", "É5"]
CUSTOMERS = ["C1", "C2", "C3"]
MONEY = st.decimals(min_value=-500, max_value=3000, places=2)


@st.composite
def books(draw):
    numbers = draw(st.lists(st.sampled_from(NUMBERS), min_size=0, max_size=8, unique=True))
    invoices = []
    for row, number in enumerate(numbers, start=2):
        amount = draw(st.one_of(MONEY, st.sampled_from([Decimal("0.10"), Decimal("-0.30")])))
        paid = draw(st.one_of(st.none(), st.decimals(min_value=-50, max_value=3000, places=2)))
        remaining = draw(st.one_of(st.none(), st.decimals(min_value=-100, max_value=3000, places=2)))
        due = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 5)))
        invoices.append(Invoice(number, draw(st.sampled_from(CUSTOMERS)), "", due, due, amount, paid,
                                remaining, "", draw(st.sampled_from(["", "", "Oui"])),
                                Source("factures.csv", row)))
    payments = []
    for row in range(2, 2 + draw(st.integers(0, 8))):
        reference = draw(st.one_of(st.just(""), st.sampled_from(NUMBERS),
                                   st.sampled_from([" f1 ", "ZZ9", "fa-1"])))
        words = draw(st.lists(st.sampled_from([*NUMBERS, "VIR", "SEPA", "ET", "FA-123", "F1X"]), max_size=4))
        payments.append(Payment(date(2026, 2, 1), draw(st.sampled_from(CUSTOMERS)), draw(MONEY),
                                reference, " ".join(words), Source("reglements.csv", row)))
    return invoices, payments


@settings(max_examples=400, deadline=None)
@given(books())
def test_same_remaining_credits_and_anomalies_as_the_record_rule(book) -> None:
    invoices, payments = book
    expected = allocate_records(invoices, payments)
    got = allocate(invoice_frame(invoices), payment_frame(payments))
    left = got.remaining.astype(object).where(got.remaining.notna(), None).tolist()
    assert {i.number: r for i, r in zip(invoices, left, strict=True) if r is not None} == {
        n: cents(v) for n, v in expected.remaining.items()}
    assert {i.number for i, r in zip(invoices, left, strict=True) if r is None} == {
        i.number for i in invoices if i.is_credit_note}
    assert got.credits.to_dict() == {c: cents(v) for c, v in expected.credits.items()}
    assert sorted(got.anomalies.itertuples(index=False, name=None)) == sorted(
        (a.file, a.row, a.column, a.value, a.message) for a in expected.anomalies)


def test_amounts_whose_float_sum_is_not_exact() -> None:
    # 0.1 + 0.2 != 0.3 in floats; in cents the three credit notes cancel the invoice exactly.
    day = date(2026, 1, 1)
    invoices = [Invoice("F1", "C1", "", day, day, Decimal("0.60"), source=Source("f", 2)),
                *[Invoice(f"A{n}", "C1", "", day, day, Decimal(v), source=Source("f", 3 + n))
                  for n, v in enumerate(["-0.10", "-0.20", "-0.30"])]]
    got = allocate(invoice_frame(invoices), payment_frame([]))
    assert got.remaining.tolist()[0] == 0 and got.credits.empty
    assert credit_note_pool(invoice_frame(invoices)).to_dict() == {"C1": 60}
    assert allocate_records(invoices, []).remaining == {"F1": Decimal("0.00")}
