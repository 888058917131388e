"""Planning a lot: the accountant's choices applied to today's figures, each change told."""

from datetime import date
from decimal import Decimal

import pytest

from models.proposal import build_proposal
from models.sending import CustomerChoice, plan_lot
from models.settings import Settings
from tests.models.factories import SETTINGS, TODAY, customer, invoice, payment, sent

ADDRESS = {"address": ("1 rue Neuve",), "city": "Lyon", "phone": "04 78 00 00 00"}


def current(invoices, payments=(), letters=(), settings=None, **customer_fields):
    fields = {**ADDRESS, **customer_fields}
    return build_proposal(
        invoices, payments, {"C1": customer("C1", **fields)}, letters, settings or SETTINGS, TODAY
    )


def choice(chase=True, level=None, channel=None, email="compta@client.example", message="", claim=None):
    return {
        "C1": CustomerChoice(
            "C1",
            chase,
            level,
            channel,
            email,
            message,
            where="Clients, ligne 2",
            email_cell="Clients!C2",
            claim=claim,
            claim_cell="Clients!O2",
        )
    }


def plan(proposal, choices, included=None, shown=None, settings=None):
    included = included if included is not None else {("C1", "F1"): True, ("C1", "F2"): True}
    return plan_lot(proposal, choices, included, shown or {}, settings or SETTINGS)


def test_validated_customer_becomes_a_reminder_with_todays_amounts():
    proposal = current([invoice("F1", "100", due="2026-09-01"), invoice("F2", "50", due="2026-11-01")])
    result = plan(proposal, choice(message=" Merci "), shown={("C1", "F1"): Decimal("100")})
    (reminder,) = result.reminders
    assert (reminder.level.number, reminder.channel, reminder.message) == (1, "email", "Merci")
    assert [(i.number, i.remaining, i.level) for i in reminder.invoices] == [
        ("F1", Decimal("100"), 1),
        ("F2", Decimal("50"), 1),
    ]
    assert reminder.total == Decimal("150") and result.notes == ()


def test_unticked_customer_is_not_sent():
    proposal = current([invoice("F1", "100")])
    assert plan(proposal, choice(chase=False)).reminders == ()


def test_invoice_paid_since_the_proposal_is_dropped_and_told():
    proposal = current([invoice("F1", "100"), invoice("F2", "50")], [payment("100", reference="F1")])
    result = plan(proposal, choice())
    assert [i.number for i in result.reminders[0].invoices] == ["F2"]
    assert result.notes == ("Facture F1 (Client C1) réglée depuis la proposition : retirée.",)


def test_changed_balance_uses_todays_amount_and_is_told():
    proposal = current([invoice("F1", "100")], [payment("30", reference="F1")])
    result = plan(proposal, choice(), {("C1", "F1"): True}, shown={("C1", "F1"): Decimal("100.00")})
    assert result.reminders[0].invoices[0].remaining == Decimal("70")
    assert result.notes == (
        "Facture F1 (Client C1) : reste dû aujourd'hui 70,00 € (au lieu de 100,00 € dans la proposition) : "
        "la lettre indique le montant d'aujourd'hui.",
    )


def test_customer_who_paid_everything_is_not_chased():
    proposal = current([invoice("F1", "100")], [payment("150")])
    result = plan(proposal, choice())
    assert result.reminders == ()
    assert result.notes == ("Client C1 (C1) ne doit plus rien d'échu : pas de relance.",)


def test_unticked_or_deleted_invoice_is_left_out():
    proposal = current([invoice("F1", "100"), invoice("F2", "50")])
    result = plan(proposal, choice(), included={("C1", "F1"): False})
    assert result.reminders == ()
    assert result.notes == ("Client C1 (C1) n'a plus de facture à relancer : pas de relance.",)


def test_edited_email_level_and_channel_win():
    proposal = current([invoice("F1", "100", due="2026-09-01")], letters=[sent(1, "2026-10-01")])
    result = plan(
        proposal,
        choice(level=3, channel="email+courrier", email="autre@client.example"),
        {("C1", "F1"): True},
    )
    (reminder,) = result.reminders
    assert (reminder.level.number, reminder.channel, reminder.customer.email) == (
        3,
        "email+courrier",
        "autre@client.example",
    )
    assert (reminder.proposed_level, reminder.invoices[0].level, result.notes) == (2, 3, ())


def test_a_lowered_level_is_the_accountants_choice_and_is_told():
    proposal = current([invoice("F1", "100", due="2026-09-01")], letters=[sent(1, "2026-10-01")])
    result = plan(proposal, choice(level=1), {("C1", "F1"): True})
    (reminder,) = result.reminders
    assert (reminder.level.number, reminder.proposed_level, reminder.invoices[0].level) == (1, 2, 1)
    assert result.notes == (
        "Client C1 (C1) : niveau 1 choisi au lieu du niveau 2 proposé ; ce choix est inscrit au journal.",
    )


def test_customer_ticked_by_hand_before_its_time_gets_the_next_level():
    proposal = current([invoice("F1", "100", due="2026-11-20")])  # 3 days: too early
    assert not proposal.customers[0].chase
    (reminder,) = plan(proposal, choice(), included={("C1", "F1"): True}).reminders
    assert (reminder.level.number, reminder.invoices[0].level) == (1, 1)


def test_every_invoice_of_a_letter_takes_its_level_and_keeps_its_own_history():
    proposal = current(
        [invoice("F1", "100", due="2026-09-01"), invoice("F2", "50", due="2026-11-20")],
        letters=[sent(1, "2026-10-01", "F1")],
    )
    (reminder,) = plan(proposal, choice()).reminders
    assert [(i.number, i.level, i.reminded) for i in reminder.invoices] == [
        ("F1", 2, (date(2026, 10, 1),)),
        ("F2", 2, ()),
    ]
    assert [(p.date, p.label) for p in reminder.previous] == [(date(2026, 10, 1), "Rappel amiable")]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"email": ""},
            "Client C1 (Clients, ligne 2) : canal « Email » mais pas d'adresse email ; saisissez-la en "
            "Clients!C2 ou choisissez le canal Courrier.",
        ),
        (
            {"email": "andré@client.example"},
            "Client C1 (Clients, ligne 2) : l'adresse email « andré@client.example » n'est pas valide "
            "(Clients!C2) ; une adresse s'écrit sans accent ni espace, par exemple compta@client.fr.",
        ),
        (
            {"email": "pas-une-adresse"},
            "Client C1 (Clients, ligne 2) : l'adresse email « pas-une-adresse » n'est pas valide "
            "(Clients!C2) ; une adresse s'écrit sans accent ni espace, par exemple compta@client.fr.",
        ),
    ],
)
def test_a_reminder_that_cannot_reach_its_customer_is_a_problem(kwargs, message):
    proposal = current([invoice("F1", "100")])
    assert [p.message for p in plan(proposal, choice(**kwargs)).problems] == [message]


def test_every_problem_is_found_not_only_the_first():
    proposal = build_proposal(
        [invoice("F1", "100"), invoice("G1", "100", customer="C2")],
        [],
        {"C1": customer("C1", **ADDRESS), "C2": customer("C2")},
        (),
        SETTINGS,
        TODAY,
    )
    choices = {
        **choice(email=""),
        "C2": CustomerChoice("C2", True, None, "courrier", "", "", where="Clients, ligne 3"),
    }
    result = plan_lot(proposal, choices, {("C1", "F1"): True, ("C2", "G1"): True}, {}, SETTINGS)
    assert [p.where for p in result.problems] == ["Clients!C2", "Clients, ligne 3"]
    assert "pas d'adresse postale" in result.problems[1].message


def test_a_mise_en_demeure_claims_penalties_from_a_business():
    proposal = current([invoice("F1", "1000", due="2026-10-01")], letters=[sent(2, "2026-11-01")])
    (reminder,) = plan(proposal, choice(), {("C1", "F1"): True}).reminders
    # 1000 € × 12.15 % × 53 days / 365
    assert (reminder.claims_penalties, reminder.interest, reminder.indemnities) == (
        True, Decimal("17.64"), Decimal("40.00"),
    )  # fmt: skip
    assert reminder.invoices[0].rates == (Decimal("12.15"),)


def test_the_accountant_can_untick_penalties_and_a_consumer_never_pays_them():
    letters = [sent(2, "2026-11-01")]
    proposal = current([invoice("F1", "1000", due="2026-10-01")], letters=letters)
    (reminder,) = plan(proposal, choice(claim=False), {("C1", "F1"): True}).reminders
    assert (reminder.claims_penalties, reminder.interest) == (False, Decimal("0"))
    private = current([invoice("F1", "1000", due="2026-10-01")], letters=letters, private=True)
    (reminder,) = plan(private, choice(claim=True), {("C1", "F1"): True}).reminders
    assert (reminder.claims_penalties, reminder.interest) == (False, Decimal("0"))


def test_claiming_penalties_without_the_rate_of_a_half_year_is_a_problem():
    no_rate = Settings()  # the shipped table stops at 2026-S1
    proposal = current([invoice("F1", "1000", due="2026-10-01")], letters=[sent(2, "2026-11-01")],
                       settings=no_rate)  # fmt: skip
    (problem,) = plan(proposal, choice(), {("C1", "F1"): True}, settings=no_rate).problems
    assert problem.message == (
        "Le taux BCE du 2026-S2 manque : « python relance.py taux » le récupère sur le site de la BCE, ou "
        'ajoutez "2026-S2" = … dans [penalites] taux_bce de relance.toml (taux de refinancement de la BCE '
        "au 1er juillet 2026). Sans lui, les pénalités de Client C1 ne "
        "peuvent pas être réclamées : ajoutez-le, ou mettez Non en Clients!O2."
    )
    # unticked, the letter goes without them
    unticked = plan(proposal, choice(claim=False), {("C1", "F1"): True}, settings=no_rate)
    assert unticked.reminders and not unticked.problems
