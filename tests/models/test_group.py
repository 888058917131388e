"""Several companies: each computed as the simple case of one, then one proposal of them all."""

from dataclasses import replace

from models.group import letters_of, merge, part_of
from models.proposal import build_proposal
from models.records import Anomaly
from models.settings import Company
from tests.models.factories import SETTINGS, TODAY, customer, invoice, sent

GROUP = replace(SETTINGS, companies=(Company(name="Lyon", code="LYON"), Company(name="Paris", code="PARIS")))


def propose(code, invoices, letters=(), customers=None):
    customers = customers if customers is not None else {"C1": customer("C1", company=code)}
    return build_proposal(invoices, (), customers, letters_of(letters, code), GROUP, TODAY)


def test_a_letter_counts_for_its_company_only_and_one_sent_before_societes_for_each():
    letters = [
        replace(sent(1, "2026-10-20", "F1"), company="LYON"),
        sent(1, "2026-09-01", "F9"),  # before [[societes]]: no company
    ]
    assert letters_of(letters, "LYON") == letters
    assert letters_of(letters, "PARIS") == [letters[1]]


def test_the_same_customer_and_invoice_number_in_two_companies_follow_their_own_sequence():
    lyon_letter = replace(sent(1, "2026-10-20", "F1"), company="LYON")
    lyon = propose("LYON", [invoice("F1", "100", due="2026-09-01")], [lyon_letter])
    paris = propose("PARIS", [invoice("F1", "300", due="2026-10-01")], [lyon_letter])
    proposal = merge([("LYON", lyon), ("PARIS", paris)], GROUP, TODAY)
    assert [(c.customer.company, c.customer.code, c.level, c.total_due) for c in proposal.customers] == [
        ("LYON", "C1", 2, 100), ("PARIS", "C1", 1, 300),  # PARIS's F1 was never reminded
    ]  # fmt: skip
    assert [row.customer.company for row in proposal.ageing] == ["LYON", "PARIS"]
    assert part_of(proposal, "PARIS").customers == (proposal.customers[1],)


def test_a_customer_only_the_invoices_know_gets_its_company():
    paris = propose("PARIS", [invoice("F1", "300", customer="C7")], customers={})
    (line,) = merge([("PARIS", paris)], GROUP, TODAY).customers
    assert (line.customer.code, line.customer.company) == ("C7", "PARIS")


def test_an_anomaly_every_company_finds_is_told_once():
    missing = Anomaly("relance.toml", None, "[penalites] taux_bce", "", "Taux manquant")
    parts = [(code, replace(propose(code, []), anomalies=(missing,))) for code in ("LYON", "PARIS")]
    assert merge(parts, GROUP, TODAY).anomalies == (missing,)
    assert merge([], GROUP, TODAY).customers == ()  # a filter kept no company
