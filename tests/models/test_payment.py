"""Paying in one scan: the EPC069-12 payload, the amount to the cent, the IBAN key, the payment link."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import RelanceError
from models.payment import (
    PaymentQr,
    amount_due,
    epc_payload,
    iban_problem,
    letter_qr,
    link_problem,
    payment_link,
    remittance,
    sepa_text,
)
from models.records import Customer
from models.reminders import Reminder, ReminderInvoice, template_fields
from models.settings import DEFAULT_LEVELS, Company, settings_from_mapping

IBAN = "FR76 3000 6000 0112 3456 7890 189"
COMPANY = Company(name="Atelier Durand SARL", iban=IBAN, bic="AGRIFRPP")
DAY = date(2026, 11, 23)


def letter(*remaining: str, penalties: bool = False, interest: str = "0", code: str = "C0042") -> Reminder:
    invoices = tuple(
        ReminderInvoice(
            f"FA-{i + 1:03d}", date(2026, 9, 1), date(2026, 10, 1), Decimal(amount), Decimal(amount), 53, 3,
            interest=Decimal(interest) if penalties else Decimal(0),
            indemnity=Decimal(40) if penalties else Decimal(0),
        )
        for i, amount in enumerate(remaining)
    )  # fmt: skip
    return Reminder(Customer(code, "Client SARL"), DEFAULT_LEVELS[2], "courrier", invoices,
                    claims_penalties=penalties)  # fmt: skip


def lines(payload: str) -> list[str]:
    return payload.split("\n")


def test_the_payload_holds_the_fields_of_epc069_12_in_their_order():
    payload = epc_payload("Atelier Durand SARL", IBAN, "AGRIFRPP", Decimal("1234.50"), "Facture FA-1")
    assert lines(payload) == [
        "BCD", "002", "1", "SCT", "AGRIFRPP", "Atelier Durand SARL", "FR7630006000011234567890189",
        "EUR1234.50", "", "", "Facture FA-1",
    ]  # fmt: skip


def test_the_bic_is_optional_and_a_wrong_one_is_left_out():
    assert lines(epc_payload("A", IBAN, "", Decimal(1), "x"))[4] == ""
    assert lines(epc_payload("A", IBAN, "BNPAFRPPXX", Decimal(1), "x"))[4] == ""  # 10 characters
    assert lines(epc_payload("A", IBAN, "bnpa fr pp xxx", Decimal(1), "x"))[4] == "BNPAFRPPXXX"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0.01", "EUR0.01"),
        ("12.3", "EUR12.30"),
        ("999999999.99", "EUR999999999.99"),
        ("1052.345", "EUR1052.34"),
    ],
)
def test_the_amount_is_in_euros_with_a_dot_and_two_decimals(amount, shown):
    assert lines(epc_payload("A", IBAN, "", Decimal(amount), "x"))[7] == shown


@pytest.mark.parametrize("amount", ["0", "0.00", "-15.20", "0.004", "1000000000.00"])
def test_no_payload_outside_the_amounts_epc069_12_allows(amount):
    assert epc_payload("A", IBAN, "", Decimal(amount), "x") == ""


@pytest.mark.parametrize("iban", ["", "FR76 3000 6000 0112 3456 7890 188", "FR76 3000 6000", "bonjour"])
def test_no_payload_without_a_valid_iban(iban):
    assert epc_payload("A", iban, "", Decimal(10), "x") == ""


def test_no_payload_without_a_name():
    assert epc_payload("", IBAN, "", Decimal(10), "x") == ""
    assert epc_payload("日本 株式会社", IBAN, "", Decimal(10), "x") == ""  # nothing left in the SEPA set


def test_names_keep_to_the_basic_sepa_characters_and_to_70_of_them():
    assert sepa_text("Société Générale d’Équipements & Fils", 70) == "Societe Generale d'Equipements + Fils"
    assert sepa_text("Œuvre «\u00a0sœur\u00a0»   n°3_b", 70) == "OEuvre ' soeur ' n 3-b"
    long = epc_payload("Établissements " + "Très Longs " * 10, IBAN, "", Decimal(1), "x")
    name = lines(long)[5]
    assert name == "Etablissements" + " Tres Longs" * 5  # cut at 70, then the space at the cut dropped


def test_the_remittance_names_the_invoices_and_the_customer():
    assert remittance(["FA-001"], "C0042") == "Facture FA-001 - client C0042"
    assert remittance(["FA-001", "FA 002/B"], "C0042") == "Factures FA-001, FA 002/B - client C0042"


def test_a_remittance_too_long_names_the_first_invoices_and_counts_the_others():
    numbers = [f"FA-2026-{n:05d}" for n in range(1, 16)]
    text = remittance(numbers, "CL0006")
    assert text == (
        "Factures FA-2026-00001, FA-2026-00002, FA-2026-00003, FA-2026-00004, FA-2026-00005, FA-2026-00006, "
        "FA-2026-00007 et 8 autres - client CL0006"
    )
    assert len(text) == 140


@given(
    name=st.text(max_size=200),
    text=st.text(max_size=400),
    cents=st.integers(min_value=1, max_value=99_999_999_999),
)
def test_any_name_and_text_give_a_payload_within_the_limits(name, text, cents):
    payload = epc_payload(name, IBAN, "AGRIFRPP", Decimal(cents) / 100, text)
    if not payload:
        assert not sepa_text(name, 70)  # nothing of the name is left
        return
    fields = lines(payload)
    assert len(payload.encode("utf-8")) <= 331
    # nothing after the last element given: no remittance line when the text has nothing left
    assert len(fields) == (11 if sepa_text(text, 140) else 8)
    assert 1 <= len(fields[5]) <= 70 and len(fields[-1]) <= 140
    assert fields[7] == f"EUR{Decimal(cents) / 100:.2f}"
    for field in (fields[5], fields[-1]):
        assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]*", field)


# --- the amount of a letter ----------------------------------------------------------------------------


def test_the_qr_asks_for_the_letters_total_to_the_cent_even_where_a_float_sum_is_not_exact():
    item = letter("100.10", "200.20")
    # the float trap the Decimal amounts avoid: 300.29999999999995, which cents cut to 300.29
    assert 100.10 + 200.20 != 300.30 and int((100.10 + 200.20) * 100) == 30029
    qr = letter_qr(item, COMPANY)
    assert qr is not None and qr.amount == Decimal("300.30")
    assert lines(qr.payload)[7] == "EUR300.30"
    assert template_fields(item, COMPANY, DAY, DAY)["total_du"] == "300,30\u00a0€"


def test_with_penalties_claimed_the_qr_asks_for_the_total_with_them():
    item = letter("0.10", "0.20", penalties=True, interest="0.015")  # interest not rounded to the cent
    assert amount_due(item) == Decimal("80.330")
    qr = letter_qr(item, COMPANY)
    assert qr is not None and lines(qr.payload)[7] == "EUR80.33"
    fields = template_fields(item, COMPANY, DAY, DAY)
    assert fields["total_avec_penalites"] == "80,33\u00a0€"  # the same cents as the letter prints
    assert amount_due(replace(item, claims_penalties=False)) == Decimal("0.30")


def test_no_qr_when_the_letter_asks_for_nothing_or_the_iban_is_wrong():
    assert letter_qr(letter("100.00", "-100.00"), COMPANY) is None
    assert letter_qr(letter("-20.00"), COMPANY) is None
    assert letter_qr(letter("100.00"), replace(COMPANY, iban="FR76 3000 6000 0112 3456 7890 188")) is None
    assert letter_qr(letter("100.00"), replace(COMPANY, iban="")) is None
    fields = template_fields(letter("100.00", "-100.00"), COMPANY, DAY, DAY)
    assert fields["qr_paiement"] == "" and fields["logo"] == ""


def test_the_qr_field_is_nothing_as_text_but_true_in_a_condition():
    qr = template_fields(letter("100.00"), COMPANY, DAY, DAY)["qr_paiement"]
    assert isinstance(qr, PaymentQr) and str(qr) == "" and bool(qr)


# --- the IBAN key -------------------------------------------------------------------------------------


def test_the_iban_is_checked_with_its_mod_97_key():
    assert iban_problem(IBAN) == iban_problem("fr7630006000011234567890189") == iban_problem("") == ""
    assert iban_problem("FR76 3000 6000 0112 3456 7890 188") == (
        "cet IBAN n'est pas valide (sa clé de contrôle est fausse) : vérifiez-le sur un RIB"
    )
    assert iban_problem("FR76 3000") == (
        "un IBAN commence par le pays et sa clé (FR76…) ; un IBAN français a 27 caractères"
    )


# --- the payment link --------------------------------------------------------------------------------

PATTERN = "https://pay.example/{numero}?montant={montant}&client={client}"


def test_the_link_is_filled_with_url_encoded_values():
    link = payment_link(PATTERN, ["FA 2026/01", "FA-2"], Decimal("1052.3"), "C&1 é")
    assert link == "https://pay.example/FA%202026%2F01%2CFA-2?montant=1052.30&client=C%261%20%C3%A9"


def test_no_link_without_a_pattern_or_anything_to_pay():
    assert payment_link("", ["FA-1"], Decimal(10), "C1") == ""
    assert payment_link(PATTERN, ["FA-1"], Decimal(0), "C1") == ""


def test_the_letter_fields_carry_the_link_with_the_amount_due():
    company = replace(COMPANY, payment_link=PATTERN)
    fields = template_fields(letter("0.10", "0.20", penalties=True, interest="1"), company, DAY, DAY)
    assert fields["lien_paiement"] == "https://pay.example/FA-001%2CFA-002?montant=82.30&client=C0042"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        (PATTERN, ""),
        ("https://pay.example/facture", ""),
        ("https://pay.example/{numéro}", "le repère {numéro} est inconnu (repères possibles : {numero}, "
                                         "{montant}, {client})"),
        ("https://pay.example/{montant:.2f}",
         "le repère {montant} s'écrit sans rien d'autre entre les accolades"),
        ("https://pay.example/{numero",
         "une accolade { ou } est seule : un repère s'écrit {numero}, {montant} ou {client}"),
        ("pay.example/{numero}", 'il faut une adresse web commençant par "https://", sans espace'),
    ],
)  # fmt: skip
def test_a_link_pattern_is_checked(pattern, problem):
    assert link_problem(pattern) == problem


def test_a_wrong_link_pattern_stops_the_reading_of_the_settings_naming_the_key():
    with pytest.raises(RelanceError) as caught:
        settings_from_mapping({"societe": {"nom": "A", "lien_paiement": "https://pay.example/{facture}"}})
    assert str(caught.value) == (
        "Dans relance.toml, la valeur de « societe.lien_paiement » est incorrecte : le repère {facture} est "
        "inconnu (repères possibles : {numero}, {montant}, {client})."
    )
    settings = settings_from_mapping({"societe": {"nom": "A", "lien_paiement": PATTERN}})
    assert settings.company.payment_link == PATTERN
