"""Allocation of payments and credit notes: referenced first, then oldest due date, never twice."""

from decimal import Decimal

from models.allocation import allocate
from tests.models.factories import invoice, payment


def remaining(invoices, payments):
    result = allocate(invoices, payments)
    return _plain(result.remaining), _plain(result.credits)


def _plain(amounts):
    """{"F1": Decimal("50.00")} -> {"F1": "50"}: short expectations, compared exactly."""
    return {k: format(v.normalize(), "f") for k, v in amounts.items()}


def test_unreferenced_payment_pays_oldest_due_date_first():
    invoices = [invoice("F2", "100", due="2026-10-10"), invoice("F1", "100", due="2026-09-01")]
    assert remaining(invoices, [payment("150")]) == ({"F1": "0", "F2": "50"}, {})


def test_referenced_payment_pays_its_invoice_first_even_if_newer():
    invoices = [invoice("F1", "100", due="2026-09-01"), invoice("F2", "100", due="2026-10-10")]
    assert remaining(invoices, [payment("100", reference="F2")]) == ({"F1": "100", "F2": "0"}, {})


def test_reference_is_case_and_space_insensitive():
    invoices = [invoice("FA-001", "100")]
    assert remaining(invoices, [payment("40", reference=" fa-001 ")])[0] == {"FA-001": "60"}


def test_label_containing_invoice_number_pays_it():
    invoices = [invoice("FA-1", "100", due="2026-09-01"), invoice("FA-12", "80", due="2026-10-01")]
    # "FA-1" stands inside "FA-12" but not as a whole word: only FA-12 is named.
    result = remaining(invoices, [payment("80", label="VIR SEPA DUPONT FA-12 MERCI")])
    assert result == ({"FA-1": "100", "FA-12": "0"}, {})


def test_label_naming_two_invoices_pays_both_in_due_order():
    invoices = [
        invoice("F1", "100", due="2026-09-01"),
        invoice("F2", "100", due="2026-10-01"),
        invoice("F3", "100", due="2026-08-01"),
    ]
    result = remaining(invoices, [payment("150", label="REGLT F2 ET F1")])
    assert result == ({"F1": "0", "F2": "50", "F3": "100"}, {})


def test_excess_of_referenced_payment_pays_oldest_other_invoice():
    invoices = [invoice("F1", "100", due="2026-09-01"), invoice("F2", "100", due="2026-10-01")]
    assert remaining(invoices, [payment("130", reference="F2")])[0] == {"F1": "70", "F2": "0"}


def test_excess_over_everything_is_a_customer_credit():
    invoices = [invoice("F1", "100")]
    assert remaining(invoices, [payment("130", reference="F1")]) == ({"F1": "0"}, {"C1": "30"})


def test_credit_note_pays_oldest_invoice():
    invoices = [
        invoice("F1", "100", due="2026-09-01"),
        invoice("F2", "100", due="2026-10-01"),
        invoice("AV1", "-150", due="2026-10-05"),
    ]
    assert remaining(invoices, []) == ({"F1": "0", "F2": "50"}, {})


def test_used_credit_note_gives_nothing_more():
    invoices = [invoice("F1", "100"), invoice("AV1", "-50", remaining="0")]
    assert remaining(invoices, [])[0] == {"F1": "100"}


def test_export_paid_column_is_not_subtracted_twice_by_referenced_payment():
    invoices = [invoice("F1", "1000", paid="400")]
    # The payments file holds the same 400 € the invoices export already counts.
    assert remaining(invoices, [payment("400", reference="F1")])[0] == {"F1": "600"}


def test_export_remaining_column_is_not_subtracted_twice_by_unreferenced_payment():
    invoices = [invoice("F1", "1000", remaining="600")]
    assert remaining(invoices, [payment("400")])[0] == {"F1": "600"}


def test_payment_beyond_what_the_export_counts_is_applied():
    invoices = [invoice("F1", "1000", paid="400", remaining="600")]
    assert remaining(invoices, [payment("400", reference="F1"), payment("100", reference="F1")])[0] == {
        "F1": "500"
    }


def test_rejected_payment_cancels_the_one_it_rejects():
    invoices = [invoice("F1", "100")]
    payments = [payment("100", reference="F1"), payment("-100", reference="F1")]
    assert remaining(invoices, payments) == ({"F1": "100"}, {})


def test_disputed_invoice_is_paid_last_by_unreferenced_money():
    invoices = [invoice("F1", "100", due="2026-09-01", dispute="Oui"), invoice("F2", "100", due="2026-10-01")]
    assert remaining(invoices, [payment("100")])[0] == {"F1": "100", "F2": "0"}


def test_customers_are_kept_apart():
    invoices = [invoice("F1", "100", customer="A"), invoice("F2", "100", customer="B")]
    assert remaining(invoices, [payment("100", customer="B")])[0] == {"F1": "100", "F2": "0"}


def test_reference_to_another_customers_invoice_is_an_anomaly_and_unreferenced():
    invoices = [invoice("F1", "100", customer="A"), invoice("F2", "100", customer="B")]
    result = allocate(invoices, [payment("100", customer="B", reference="F1", row=7)])
    assert result.remaining == {"F1": Decimal("100"), "F2": Decimal("0")}
    (anomaly,) = result.anomalies
    assert (anomaly.file, anomaly.row, anomaly.value) == ("reglements.csv", 7, "F1")
    assert "du client A" in anomaly.message


def test_unknown_reference_is_an_anomaly():
    result = allocate([invoice("F1", "100")], [payment("40", reference="F999", row=3)])
    assert result.remaining == {"F1": Decimal("60")}
    assert [a.message for a in result.anomalies] == [
        "Le règlement cite une facture inconnue (F999) : il est appliqué aux factures les plus anciennes "
        "du client."
    ]


def test_payment_without_invoices_is_a_credit():
    assert remaining([], [payment("50", customer="Z")]) == ({}, {"Z": "50"})
