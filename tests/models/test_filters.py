"""Filters of the proposal: each one, several values, several filters, payment modes after allocation."""

import pytest

from models.filters import Filters
from models.proposal import build_proposal
from models.settings import Settings, settings_from_mapping
from tests.models.factories import TODAY, customer, invoice, payment

CUSTOMERS = {
    "411-001": customer("411-001", family="BTP", representative="Julie", company="Lyon"),
    "411-002": customer("411-002", family="Commerce", representative="Marc", company="Lyon"),
    "411-010": customer("411-010", family="btp", representative="Marc", company="Annecy"),
}
INVOICES = [
    invoice("F1", "100", customer="411-001", mode="Virement"),
    invoice("F2", "100", customer="411-002", mode="Chèque"),
    invoice("F3", "100", customer="411-010", mode="VIREMENT SEPA"),
    invoice("F4", "100", customer="411-010", mode="Chèque"),
]


def shown(scope, payments=()):
    proposal = build_proposal(INVOICES, payments, CUSTOMERS, {}, Settings(), TODAY, scope=scope)
    return {c.customer.code: [i.invoice.number for i in c.invoices] for c in proposal.customers}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Filters(), {"411-001": ["F1"], "411-002": ["F2"], "411-010": ["F3", "F4"]}),
        (Filters(customers=("411-002", "411-010")), {"411-002": ["F2"], "411-010": ["F3", "F4"]}),
        (Filters(families=("BTP",)), {"411-001": ["F1"], "411-010": ["F3", "F4"]}),  # case and accents
        (Filters(representatives=("Marc",), companies=("Annecy",)), {"411-010": ["F3", "F4"]}),
        (Filters(payment_modes=("virement",)), {"411-001": ["F1"], "411-010": ["F3"]}),
        (Filters(from_account="411-002"), {"411-002": ["F2"], "411-010": ["F3", "F4"]}),
        (Filters(to_account="411-002"), {"411-001": ["F1"], "411-002": ["F2"]}),
    ],
)
def test_each_filter(scope, expected):
    assert shown(scope) == expected


def test_numeric_accounts_compare_as_numbers():
    assert Filters(from_account="9").keeps_customer(customer("10"))  # as text, "10" < "9"
    assert not Filters(to_account="9").keeps_customer(customer("10"))


def test_money_is_allocated_before_filtering():
    # a payment without reference pays 411-010's oldest invoice even when only cheques are shown
    scope = Filters(payment_modes=("Chèque",))
    assert shown(scope, [payment("100", customer="411-010")]) == {"411-002": ["F2"], "411-010": ["F4"]}


def test_filters_from_relance_toml_and_description():
    settings = settings_from_mapping({"filtres": {"famille": "BTP", "du_compte": "411-001"}})
    assert settings.filters == Filters(families=("BTP",), from_account="411-001")
    assert settings.filters.describe() == ("Famille : BTP", "Comptes : du 411-001 au …")
    assert not Filters() and Filters(families=("x",))
