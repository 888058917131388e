"""The proposal rules: which customers are chased, at which level, by which channel, and why not."""

from decimal import Decimal

from models.proposal import build_proposal
from models.settings import DEFAULT_LEVELS, Level, Settings
from tests.models.factories import SETTINGS, TODAY, customer, d, invoice, payment, sent


def propose(invoices, payments=(), customers=None, letters=(), settings=None, **kwargs):
    customers = customers if customers is not None else {"C1": customer("C1")}
    return build_proposal(invoices, payments, customers, letters, settings or SETTINGS, TODAY, **kwargs)


def only(proposal):
    (line,) = proposal.customers
    return line


def test_chased_customer_gets_the_next_level_of_its_sequence_for_all_its_overdue_invoices():
    line = only(
        propose(
            [
                invoice("F1", "100", due="2026-09-01"),  # reminded at level 1 on 1 October
                invoice("F2", "200", due="2026-11-10"),  # fell due since: joins the level 2 letter
                invoice("F3", "300", due="2026-11-20"),  # 3 days late: joins it too
                invoice("F4", "400", due="2026-12-20"),  # not due: not listed
            ],
            letters=[sent(1, "2026-10-01")],
        )
    )
    assert (line.chase, line.level, line.level_label, line.channel) == (True, 2, "Relance ferme", "email")
    assert [(i.invoice.number, line.invoice_level(i), i.include, i.reason) for i in line.invoices] == [
        ("F1", 2, True, ""),
        ("F2", 2, True, ""),
        ("F3", 2, True, ""),
    ]
    assert [i.history.count for i in line.invoices] == [1, 0, 0]
    assert (line.total_due, line.total_overdue) == (Decimal("1000"), Decimal("600"))
    assert line.last_reminder == d("2026-10-01") and line.reminder_count == 1


def test_days_overdue_counts_calendar_days_and_due_today_is_not_overdue():
    line = only(propose([invoice("F1", "100", due="2026-11-16"), invoice("F2", "100", due="2026-11-23")]))
    assert [(i.invoice.number, i.days_overdue) for i in line.invoices] == [("F1", 7)]


def test_paid_invoice_is_not_listed_and_customer_without_overdue_not_shown():
    proposal = propose([invoice("F1", "100")], [payment("100", reference="F1")])
    assert proposal.customers == ()


def test_customer_in_credit_is_shown_not_chased():
    line = only(propose([invoice("F1", "100"), invoice("AV1", "-250")]))
    assert (line.chase, line.reason, line.total_due) == (
        False,
        "Solde créditeur ou nul (-150,00\u00a0€)",
        Decimal("-150"),
    )


def test_disputed_invoice_excluded_with_reason_and_customer_not_chased_when_nothing_left():
    line = only(propose([invoice("F1", "100", dispute="Oui")]))
    assert (line.invoices[0].include, line.invoices[0].reason) == (False, "Facture en litige")
    assert (line.chase, line.reason) == (False, "Aucune facture à relancer : facture en litige")


def test_dispute_comment_is_shown():
    line = only(propose([invoice("F1", "100", dispute="porte abîmée"), invoice("F2", "100")]))
    assert line.invoices[0].reason == "Facture en litige : porte abîmée"
    assert line.chase and [i.include for i in line.invoices] == [False, True]


def test_excluded_payment_mode_matches_without_case_or_accents():
    line = only(
        propose([invoice("F1", "100", mode="PRELEVEMENT SEPA"), invoice("F2", "50", mode="Virement")])
    )
    assert line.invoices[0].reason == "Mode de règlement exclu (PRELEVEMENT SEPA)"
    assert line.invoices[1].include


def test_do_not_chase_customer():
    proposal = propose([invoice("F1", "100")], customers={"C1": customer("C1", do_not_chase=True)})
    assert (only(proposal).chase, only(proposal).reason) == (False, "Client marqué « Ne pas relancer »")


def test_minimum_amount_on_included_overdue_total():
    line = only(propose([invoice("F1", "9.99")]))
    assert (line.chase, line.reason) == (
        False,
        "Total échu à relancer inférieur au minimum (9,99\u00a0€ < 10,00\u00a0€)",
    )
    assert only(propose([invoice("F1", "10")])).chase


def test_too_early_customer_says_when():
    line = only(propose([invoice("F1", "100", due="2026-11-20")]))
    assert (line.chase, line.reason) == (
        False,
        "Trop tôt : prochaine relance (niveau 1) possible le 27/11/2026",
    )


def test_past_last_level_goes_to_litigation():
    line = only(propose([invoice("F1", "100", due="2026-06-01")], letters=[sent(3, "2026-10-01")]))
    assert (line.chase, line.level, line.level_label) == (False, 3, "Contentieux")
    assert line.reason == (
        "Contentieux : mise en demeure envoyée le 01/10/2026 ; pas de nouvelle lettre sauf si vous mettez "
        "Oui dans « À relancer »"
    )


def test_inconsistent_export_amounts_exclude_the_invoice():
    line = only(propose([invoice("F1", "100", paid="30", remaining="60"), invoice("F2", "100")]))
    assert not line.invoices[0].include and "incohérents" in line.invoices[0].reason


def test_customer_without_email_gets_a_letter():
    proposal = propose(
        [invoice("F1", "100")],
        customers={"C1": customer("C1", email="", address=("1 rue Neuve",), city="Lyon")},
        letters=[sent(2, "2026-11-01")],
    )
    assert (only(proposal).level, only(proposal).channel, only(proposal).chase) == (3, "courrier", True)


def test_customer_without_email_nor_address_cannot_be_chased():
    line = only(propose([invoice("F1", "100")], customers={"C1": customer("C1", email="")}))
    assert (line.level, line.channel, line.chase) == (1, "courrier", False)
    assert line.reason == "Ni email ni adresse postale : complétez le fichier clients ou saisissez un email"


def test_email_channel_needs_no_postal_address():
    assert only(propose([invoice("F1", "100")])).chase


def test_telephone_level_needs_a_phone_number():
    levels = (DEFAULT_LEVELS[0], Level(2, "Appel", 21, 14, "telephone", "x.docx"))
    settings = Settings(levels=levels)
    letters = [sent(1, "2026-10-01")]
    with_phone = {"C1": customer("C1", phone="04 78 00 00 00")}
    assert only(
        propose([invoice("F1", "100")], customers=with_phone, letters=letters, settings=settings)
    ).channel == ("telephone")
    assert only(propose([invoice("F1", "100")], letters=letters, settings=settings)).channel == "courrier"


def test_cross_file_anomalies():
    proposal = propose(
        [invoice("F1", "100", customer="C1"), invoice("F2", "100", customer="C9", row=5)],
        [payment("10", customer="ZZ", row=4)],
    )
    assert [(a.file, a.row, a.column, a.value) for a in proposal.anomalies] == [
        ("factures.csv", 5, "Code client", "C9"),
        ("reglements.csv", 4, "Client", "ZZ"),
    ]
    # A customer missing from the clients file is still shown, by the name the invoices give.
    assert {c.customer.name for c in proposal.customers} == {"Client C1", "Client C9"}


def test_no_clients_file_means_no_missing_customer_anomaly():
    proposal = propose([invoice("F1", "100")], customers={}, has_clients_file=False)
    assert proposal.anomalies == () and only(proposal).channel == "courrier"


def test_chased_customers_first_then_by_overdue_total():
    proposal = propose(
        [
            invoice("F1", "100", customer="A"),
            invoice("F2", "500", customer="B"),
            invoice("F3", "900", customer="C", dispute="Oui"),
        ],
        customers={code: customer(code) for code in "ABC"},
    )
    assert [c.customer.code for c in proposal.customers] == ["B", "A", "C"]


def test_ageing_buckets():
    proposal = propose(
        [
            invoice("F0", "1", due="2026-12-01"),
            invoice("F1", "10", due="2026-11-22"),
            invoice("F2", "100", due="2026-10-24"),  # 30 days
            invoice("F3", "1000", due="2026-10-23"),  # 31 days
            invoice("F4", "10000", due="2026-08-25"),  # 90 days
            invoice("F5", "100000", due="2026-08-24"),  # 91 days
        ]
    )
    (row,) = proposal.ageing
    assert row.amounts == tuple(Decimal(x) for x in ("1", "110", "1000", "10000", "100000"))
    assert row.total == Decimal("111111")


def test_working_days_count_days_overdue_and_delays():
    from models.calendar import DayCounter

    # Due Friday 10 July 2026; 14 July is a holiday. On Monday 20 July: 10 calendar days, 5 jours ouvrés
    # (13, 15, 16, 17, 20) — level 1 needs 7 days, so in jours ouvrés it is too early.
    counter = DayCounter("ouvres", frozenset({d("2026-07-14")}))
    proposal = build_proposal(
        [invoice("F1", "100", due="2026-07-10")], [], {"C1": customer("C1")}, (), Settings(), d("2026-07-20"),
        counter=counter,
    )  # fmt: skip
    (line,) = proposal.customers
    assert line.invoices[0].days_overdue == 5
    assert (line.chase, line.reason) == (
        False,
        "Trop tôt : prochaine relance (niveau 1) possible le 22/07/2026",
    )
    calendar = build_proposal(
        [invoice("F1", "100", due="2026-07-10")], [], {"C1": customer("C1")}, (), Settings(), d("2026-07-20")
    )
    assert calendar.customers[0].invoices[0].days_overdue == 10 and calendar.customers[0].chase


def test_blocked_invoice_and_customer_pauses():
    line = only(propose([_blocked_invoice("F1", "attente avoir"), invoice("F2", "100")]))
    assert (line.invoices[0].include, line.invoices[0].reason) == (False, "Facture bloquée : attente avoir")
    for mark, reason in (("Oui", "Client bloqué"), ("Litige", "Client en litige"),
                         ("Litige : chantier en cours", "Client en litige : chantier en cours"),
                         ("compte gelé", "Client bloqué : compte gelé")):  # fmt: skip
        held = only(propose([invoice("F1", "100")], customers={"C1": customer("C1", blocked=mark)}))
        assert (held.chase, held.reason) == (False, reason)


def test_promise_to_pay_waits_until_its_date():
    promised = {"C1": customer("C1", chase_from=d("2026-11-30"))}
    line = only(propose([invoice("F1", "100")], customers=promised))
    assert (line.chase, line.reason) == (False, "Promesse de paiement : pas de relance avant le 30/11/2026")
    past = {"C1": customer("C1", chase_from=d("2026-11-23"))}
    assert only(propose([invoice("F1", "100")], customers=past)).chase


def _blocked_invoice(number: str, mark: str):
    from dataclasses import replace

    return replace(invoice(number, "100"), blocked=mark)


def test_penalties_are_not_proposed_when_a_rate_is_missing():
    from models.settings import Settings as Shipped

    letters = [sent(2, "2026-11-01")]
    line = only(propose([invoice("F1", "1000", due="2026-10-01")], letters=letters, settings=Shipped()))
    assert (line.level, line.invoices[0].penalty, line.claims_penalties) == (3, None, False)
    assert (line.chase, line.penalties, line.indemnities) == (True, None, None)  # unknown, not zero
    assert line.reason == (
        "Pénalités non proposées : un taux BCE manque (voir l'onglet Anomalies)"
    )
    with_rate = only(propose([invoice("F1", "1000", due="2026-10-01")], letters=letters))
    assert (with_rate.claims_penalties, with_rate.penalties, with_rate.indemnities) == (
        True, Decimal("17.64"), Decimal("40.00"),
    )  # fmt: skip
