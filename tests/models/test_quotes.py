"""The follow-up rule of expired quotes, the planning of a lot's quote follow-ups and their letter fields."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from models.calendar import DayCounter
from models.filters import Filters
from models.quote_rules import QuoteRules
from models.quote_sending import QUOTE_FIELDS, QuoteChoice, QuoteReminder, plan_quotes, quote_fields
from models.quotes import (
    ACCEPTED,
    CANCELLED,
    PENDING,
    REFUSED,
    Quote,
    QuoteHistory,
    QuoteProposal,
    follow_ups,
    follow_ups_by_company,
    history_of,
)
from models.records import Anomaly, Customer, Source
from models.reminders import FIELDS
from models.settings import Company
from tests.models.factories import TODAY, d

CUSTOMERS = {
    "C1": Customer("C1", "Boulangerie Martin", "compta@martin.example", ("3 place Sathonay",), "69001",
                   "Lyon", source=Source("clients.csv", 2)),
    "C2": Customer("C2", "Garage Lemoine", "", ("4 rue Garibaldi",), "69006", "Lyon",
                   source=Source("clients.csv", 3)),
    "C3": Customer("C3", "Atelier sans adresse", "", source=Source("clients.csv", 4)),
    "C4": Customer("C4", "Client muet", "compta@muet.example", ("1 rue X",), "69001", "Lyon",
                   do_not_chase=True, source=Source("clients.csv", 5)),
    "C5": Customer("C5", "Adresse fausse", "andré@exemple.fr", ("2 rue Y",), "69002", "Lyon",
                   family="BTP", source=Source("clients.csv", 6)),
    "C6": Customer("C6", "Client en litige", "compta@litige.example", ("5 rue Z",), "69003", "Lyon",
                   blocked="Litige : facture FA-9 contestée", source=Source("clients.csv", 7)),
    "C7": Customer("C7", "Client bloqué", "compta@bloque.example", ("6 rue Z",), "69003", "Lyon",
                   blocked="Oui", source=Source("clients.csv", 8)),
}  # fmt: skip
RULES = QuoteRules()


def quote(number: str = "D1", valid: str = "2026-11-01", customer: str = "C1", status: str = PENDING,
          amount: str = "1200.00", row: int = 2, company: str = "") -> Quote:  # fmt: skip
    return Quote(number, customer, f"Nom {customer}", d("2026-10-01"), d(valid), Decimal(amount), status,
                 Source("devis.csv", row), company)  # fmt: skip


def proposed(quotes, history=None, rules=RULES, today=TODAY, **options):
    lines, anomalies = follow_ups(quotes, history or {}, CUSTOMERS, rules, today, **options)
    return lines, anomalies


def numbers(lines) -> list[str]:
    return [line.quote.number for line in lines]


def test_a_pending_quote_past_its_validity_is_followed_up_by_email():
    (line,), anomalies = proposed([quote()])
    assert (line.days_expired, line.history, line.number, line.channel, line.chase) == (
        22, QuoteHistory(), 1, "email", True
    )
    assert anomalies == ()


@pytest.mark.parametrize("status", [ACCEPTED, REFUSED, CANCELLED])
def test_only_a_pending_quote_is_followed_up(status):
    assert proposed([quote(status=status)]) == ((), ())


def test_a_quote_valid_until_today_is_still_valid():
    assert numbers(proposed([quote("D1", "2026-11-23"), quote("D2", "2026-11-22")])[0]) == ["D2"]


@pytest.mark.parametrize(("valid", "shown"), [("2026-11-17", False), ("2026-11-16", True)])
def test_delai_jours_waits_after_the_validity_date(valid, shown):
    lines, _ = proposed([quote(valid=valid)], rules=QuoteRules(delay_days=7))
    assert bool(lines) is shown


def test_the_next_follow_up_waits_intervalle_jours_and_stops_at_relances_max():
    history = {"D1": QuoteHistory(1, d("2026-11-09"))}
    assert proposed([quote()], history)[0] == ()  # 14 days since the last one: too early
    (line,), _ = proposed([quote()], history, today=d("2026-11-24"))
    assert (line.history.count, line.history.last_date, line.number) == (1, d("2026-11-09"), 2)
    assert proposed([quote()], {"D1": QuoteHistory(2, d("2026-10-01"))})[0] == ()  # relances_max = 2
    history = {"D1": QuoteHistory(2, d("2026-10-01"))}
    lines, _ = proposed([quote()], history, rules=QuoteRules(max_follow_ups=3))
    assert [line.number for line in lines] == [3]


def test_working_days_count_for_the_delays():
    saturday = d("2026-11-21")
    ouvres = DayCounter("ouvres")
    # validity on a Friday: on Saturday and Sunday no working day has passed yet
    assert proposed([quote(valid="2026-11-20")], today=saturday, counter=ouvres)[0] == ()
    (line,), _ = proposed([quote(valid="2026-11-20")], today=d("2026-11-23"), counter=ouvres)
    assert line.days_expired == 1


def test_do_not_chase_blocked_disputing_customers_and_filters_leave_quotes_out():
    quotes = [quote("D1"), quote("D4", customer="C4"), quote("D5", customer="C5"), quote("D6", customer="C6"),
              quote("D7", customer="C7")]  # fmt: skip
    assert numbers(proposed(quotes)[0]) == ["D1", "D5"]
    assert numbers(proposed(quotes, scope=Filters(families=("BTP",)))[0]) == ["D5"]


def test_channel_is_email_only_with_a_usable_address():
    lines, anomalies = proposed([quote("D2", customer="C2"), quote("D5", customer="C5")])
    assert [(line.quote.number, line.channel, line.chase) for line in lines] == [
        ("D2", "courrier", True), ("D5", "courrier", True)
    ]
    assert anomalies == ()


def test_a_quote_that_cannot_reach_its_customer_is_shown_not_chased_with_an_anomaly():
    lines, anomalies = proposed([quote("D3", customer="C3", row=4), quote("D9", customer="C9", row=5)])
    assert [(line.quote.number, line.chase, line.customer.name) for line in lines] == [
        ("D3", False, "Atelier sans adresse"), ("D9", False, "Nom C9")
    ]
    assert anomalies == (
        Anomaly("devis.csv", 4, "Code client", "C3",
                "Devis D3 : Atelier sans adresse n'a ni email ni adresse postale dans le fichier clients : "
                "proposé avec « À relancer » à Non."),
        Anomaly("devis.csv", 5, "Code client", "C9",
                "Devis D9 : client C9 absent du fichier clients, sans email ni adresse : proposé avec "
                "« À relancer » à Non."),
    )  # fmt: skip
    _, anomalies = proposed([quote("D9", customer="C9")], has_clients_file=False)
    assert "client C9 inconnu (pas de fichier clients)" in anomalies[0].message


def test_oldest_validity_first():
    quotes = [quote("D3", "2026-11-10"), quote("D1", "2026-10-01"), quote("D2", "2026-10-01")]
    assert numbers(proposed(quotes)[0]) == ["D1", "D2", "D3"]


# --- several companies ([[societes]]) -------------------------------------------------------------------

# C1 is a customer of both companies (two customers); C2 of every company (as split_frames gives it).
BY_COMPANY = {
    "LYON": {"C1": replace(CUSTOMERS["C1"], company="LYON"), "C2": replace(CUSTOMERS["C2"], company="LYON")},
    "PARIS": {"C1": Customer("C1", "Boulangerie Martin Paris", "paris@martin.example", ("8 rue de Turenne",),
                             "75004", "Paris", source=Source("clients.csv", 7), company="PARIS"),
              "C2": replace(CUSTOMERS["C2"], company="PARIS")},
}  # fmt: skip


def test_a_company_sees_its_own_follow_ups_and_those_sent_before_societes():
    history = {("", "D1"): QuoteHistory(1, d("2026-10-01")), ("LYON", "D1"): QuoteHistory(1, d("2026-11-01")),
               ("PARIS", "D1"): QuoteHistory(1, d("2026-10-20")), ("PARIS", "D2"): QuoteHistory(2, None)}
    assert history_of(history, "LYON") == {"D1": QuoteHistory(2, d("2026-11-01"))}
    assert history_of(history, "PARIS") == {"D1": QuoteHistory(2, d("2026-10-20")), "D2": QuoteHistory(2)}
    # one company again: every follow-up of the number counts, whichever company sent it
    assert history_of(history, "")["D1"] == QuoteHistory(3, d("2026-11-01"))


def test_each_company_follows_up_its_quotes_with_its_customers_and_its_history():
    quotes = [quote("D1", company="LYON"), quote("D1", "2026-10-15", company="PARIS", row=3),
              quote("D2", customer="C2", company="PARIS", row=4),
              quote("D3", customer="C9", company="PARIS", row=5),
              quote("D1", company="MARSEILLE", row=6)]  # fmt: skip
    history = {("LYON", "D1"): QuoteHistory(1, d("2026-11-01")), ("PARIS", "D2"): QuoteHistory(2, None)}
    lines, anomalies = follow_ups_by_company(quotes, history, BY_COMPANY, RULES, TODAY)
    assert [(line.quote.company, line.quote.number, line.customer.name, line.customer.company, line.number,
             line.channel) for line in lines] == [
        ("LYON", "D1", "Boulangerie Martin", "LYON", 2, "email"),
        ("PARIS", "D1", "Boulangerie Martin Paris", "PARIS", 1, "email"),
        ("PARIS", "D3", "Nom C9", "PARIS", 1, "courrier"),
    ]  # fmt: skip
    # PARIS's D2 reached relances_max; a company not prepared (MARSEILLE) proposes nothing
    assert anomalies == (
        Anomaly("devis.csv", 5, "Code client", "C9",
                "Devis D3 (PARIS) : client C9 absent du fichier clients pour cette société, sans email ni "
                "adresse : proposé avec « À relancer » à Non."),
    )  # fmt: skip
    only_paris = {"PARIS": BY_COMPANY["PARIS"]}  # --societe PARIS
    lines, _ = follow_ups_by_company(quotes, history, only_paris, RULES, TODAY)
    assert [line.quote.key for line in lines] == [("PARIS", "D1"), ("PARIS", "D3")]


def test_one_company_is_the_case_of_before():
    quotes = [quote("D1"), quote("D2", customer="C2")]
    history = {("", "D1"): QuoteHistory(1, d("2026-11-01"))}
    assert follow_ups_by_company(quotes, history, {"": CUSTOMERS}, RULES, TODAY) == proposed(
        quotes, {"D1": QuoteHistory(1, d("2026-11-01"))}
    )


def test_a_follow_up_is_sent_for_its_quotes_company_and_a_note_names_it():
    quotes = (quote("D1", company="LYON"), quote("D1", company="PARIS"), quote("D2", company="PARIS",
              status=ACCEPTED))  # fmt: skip
    lines, anomalies = follow_ups_by_company(quotes, {}, BY_COMPANY, RULES, TODAY)
    now = QuoteProposal(quotes, lines, anomalies)
    chosen = {key: replace(choice(key[1]), company=key[0])
              for key in (("LYON", "D1"), ("PARIS", "D1"), ("PARIS", "D2"), ("LYON", "D2"))}
    plan = plan_quotes(now, chosen, frozenset({("LYON", "D2")}))  # LYON's D2 left in the lot resumed
    assert [(r.company, r.quote.key, r.customer.name, r.customer.email) for r in plan.reminders] == [
        ("LYON", ("LYON", "D1"), "Boulangerie Martin", "compta@martin.example"),
        ("PARIS", ("PARIS", "D1"), "Boulangerie Martin Paris", "paris@martin.example"),
    ]  # fmt: skip
    assert plan.notes == ("PARIS : Devis D2 (Nom C1) est désormais « accepté » : pas de relance.",)


# --- planning the lot ----------------------------------------------------------------------------------


def current(*quotes_: Quote, history=None) -> QuoteProposal:
    lines, anomalies = proposed(list(quotes_), history)
    return QuoteProposal(tuple(quotes_), lines, anomalies)


def choice(number: str, chase: bool = True, channel: str | None = None, message: str = "", row: int = 2,
           code: str = "C1") -> QuoteChoice:  # fmt: skip
    return QuoteChoice(number, code, chase, channel, message, f"Devis, ligne {row}", f"Devis!K{row}", row,
                       f"Nom {code}")  # fmt: skip


def test_the_validated_choices_become_follow_ups():
    plan = plan_quotes(current(quote("D1"), quote("D2", customer="C2")),
                       {("", "D1"): choice("D1", message="  Notre offre tient toujours.  "),
                        ("", "D2"): choice("D2", chase=False, code="C2")})  # fmt: skip
    (reminder,) = plan.reminders
    assert (reminder.quote.number, reminder.channel, reminder.message, reminder.number) == (
        "D1", "email", "Notre offre tient toujours.", 1
    )
    assert (reminder.level.template, reminder.level.number) == ("relance_devis.docx", 1)
    assert (plan.notes, plan.problems) == ((), ())


def test_a_quote_accepted_gone_or_no_longer_due_since_the_proposal_is_a_note():
    now = current(quote("D1", status=ACCEPTED), quote("D2", valid="2026-12-31"))
    plan = plan_quotes(now, {("", n): choice(n) for n in ("D1", "D2", "D3")})
    assert plan.reminders == ()
    assert plan.notes == (
        "Devis D1 (Nom C1) est désormais « accepté » : pas de relance.",
        "Devis D2 (Nom C1) n'est plus à relancer aujourd'hui : pas de relance.",
        "Devis D3 (Nom C1) n'est plus dans le fichier des devis : pas de relance.",
    )


def test_a_follow_up_that_cannot_reach_its_customer_is_a_problem():
    now = current(quote("D1"), quote("D2", customer="C2"), quote("D3", customer="C3"),
                  quote("D9", customer="C9"))  # fmt: skip
    plan = plan_quotes(now, {("", "D1"): choice("D1", channel="courrier", row=2),  # C1 has an address
                             ("", "D2"): choice("D2", channel="email", row=3, code="C2"),
                             ("", "D3"): choice("D3", row=4, code="C3"),
                             ("", "D9"): choice("D9", row=5, code="C9")})  # fmt: skip
    assert [(p.where, p.message) for p in plan.problems] == [
        ("Devis!K3", "Devis D2, Garage Lemoine (Devis, ligne 3) : canal « Email » mais pas d'adresse email "
                     "dans le fichier clients ; complétez-le ou choisissez le canal Courrier en Devis!K3."),
        ("Devis!K4", "Devis D3, Atelier sans adresse (Devis, ligne 4) : canal « Courrier » mais pas "
                     "d'adresse postale dans le fichier clients ; complétez-la ou choisissez le canal "
                     "Email."),
        ("Devis!K5", "Devis D9, Nom C9 (Devis, ligne 5) : le client C9 est absent du fichier clients ; "
                     "ajoutez-le (email ou adresse) ou mettez Non dans « À relancer »."),
    ]  # fmt: skip
    assert [r.channel for r in plan.reminders] == ["courrier", "email", "courrier", "courrier"]


def test_a_quote_whose_follow_up_left_in_the_lot_being_resumed_is_no_note():
    history = {"D1": QuoteHistory(1, TODAY)}  # sent by the interrupted run, today
    chosen = {("", "D1"): choice("D1")}
    assert plan_quotes(current(quote("D1"), history=history), chosen, frozenset({("", "D1")})) == (
        plan_quotes(None, {})
    )


def test_no_quotes_file_means_no_follow_up():
    assert plan_quotes(None, {}).reminders == ()


# --- the letter's fields --------------------------------------------------------------------------------


def test_letter_fields_a_courteous_follow_up_with_no_money_claimed():
    line = proposed([quote(amount="12345.6")], {"D1": QuoteHistory(1, d("2026-11-01"))},
                    today=d("2026-11-20"))[0][0]  # fmt: skip
    fields = quote_fields(QuoteReminder(CUSTOMERS["C1"], line, "email", "Un mot"),
                          Company(name="Atelier", city="Lyon"), date(2026, 11, 24), TODAY)  # fmt: skip
    assert set(fields) == set(QUOTE_FIELDS)
    assert fields["devis"] == {"numero": "D1", "date": "01/10/2026", "validite": "01/11/2026",
                               "montant": "12\u00a0345,60\u00a0€"}  # fmt: skip
    assert (fields["objet"], fields["relance_numero"]) == ("Notre devis n° D1 du 01/10/2026", 2)
    assert (fields["nb_relances"], fields["date_derniere_relance"]) == (1, "01/11/2026")
    assert (fields["date_lettre"], fields["lieu"], fields["canal"], fields["message"]) == (
        "24 novembre 2026", "Lyon", "Email", "Un mot"
    )
    # nothing of a payment reminder: no amount due, no deadline, no penalty, no QR code
    for name in ("total_du", "date_limite", "reclamer_penalites", "mention_penalites", "qr_paiement",
                 "lien_paiement", "factures"):  # fmt: skip
        assert name in FIELDS and name not in fields
