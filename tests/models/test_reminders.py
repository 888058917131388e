"""What a letter says of its customer and of the earlier reminders: courtesy, legal mentions, history."""

from datetime import date
from decimal import Decimal

import pytest

from models.records import Customer
from models.reminders import (
    PreviousLetter,
    Reminder,
    ReminderInvoice,
    history_sentence,
    legal_mentions,
    salutation,
    template_fields,
)
from models.settings import DEFAULT_LEVELS, Company

FERME = DEFAULT_LEVELS[1]


@pytest.mark.parametrize(
    ("title", "name", "expected"),
    [
        ("", "M. Jean-Pierre Rousseau", "Monsieur,"),
        ("", "Mme Claire Dumas", "Madame,"),
        ("", "Monsieur Paul Martin", "Monsieur,"),
        ("M.", "Rousseau Jean-Pierre", "Monsieur,"),
        ("Mme", "Dumas", "Madame,"),
        ("Société", "M. et Fils SARL", "Madame, Monsieur,"),
        ("", "M. et Mme Bernard", "Madame, Monsieur,"),
        ("Mme et M.", "Bernard", "Madame, Monsieur,"),
        ("", "Boulangerie Martin", "Madame, Monsieur,"),
        ("", "Mmes Durand", "Madame, Monsieur,"),
    ],
)
def test_salutation_from_the_civilite_or_the_name(title, name, expected):
    assert salutation(Customer("C1", name, title=title)) == expected


def invoice(number: str, *reminded: str) -> ReminderInvoice:
    return ReminderInvoice(
        number, date(2026, 9, 1), date(2026, 10, 1), Decimal("100"), Decimal("100"), 53, 2,
        reminded=tuple(date.fromisoformat(day) for day in reminded),
    )  # fmt: skip


def letter(*invoices: ReminderInvoice, previous: tuple[PreviousLetter, ...] = ()) -> Reminder:
    return Reminder(Customer("C1", "Client"), FERME, "email", invoices, previous=previous)


RAPPEL = PreviousLetter(date(2026, 11, 3), 1, "Rappel amiable")


def test_no_history_no_sentence():
    assert history_sentence(letter(invoice("F1"))) == ""


def test_every_invoice_reminded_the_same_way():
    text = history_sentence(letter(invoice("F1", "2026-11-03"), previous=(RAPPEL,)))
    assert text == "Nous vous avons déjà écrit à ce sujet le 3 novembre 2026 (rappel amiable)."


def test_an_invoice_never_reminded_is_named_as_such():
    text = history_sentence(
        letter(invoice("F1", "2026-11-03"), invoice("F2"), invoice("F3"), previous=(RAPPEL,))
    )
    assert text == (
        "Nous vous avons déjà écrit à ce sujet le 3 novembre 2026 (rappel amiable). Les factures F2 et F3 "
        "n'avaient pas encore fait l'objet d'une relance."
    )


def test_different_histories_point_to_the_table():
    second = PreviousLetter(date(2026, 11, 17), 2, "Relance ferme")
    text = history_sentence(
        letter(
            invoice("F1", "2026-11-03", "2026-11-17"), invoice("F2", "2026-11-17"), previous=(RAPPEL, second)
        )
    )
    assert text == (
        "Nous vous avons déjà écrit à ce sujet le 3 novembre 2026 (rappel amiable) et le 17 novembre 2026 "
        "(relance ferme). Le tableau indique pour chaque facture les relances déjà envoyées."
    )


def test_legal_mentions_only_those_set():
    assert legal_mentions(Company()) == ""
    full = Company(legal_form="SARL", capital="8000", registry="Lyon 812 345 678", siret="812 345 678 00019",
                   vat="FR45812345678")  # fmt: skip
    assert legal_mentions(full) == (
        "SARL au capital de 8\u00a0000\u00a0€ – RCS Lyon 812 345 678 – SIRET 812 345 678 00019 – "
        "TVA FR45812345678"
    )
    assert legal_mentions(Company(capital="10 000 €")) == "au capital de 10 000 €"


def test_the_letter_is_dated_the_day_it_leaves_and_its_deadline_counts_from_then():
    fields = template_fields(letter(invoice("F1")), Company(), date(2026, 12, 2), date(2026, 11, 23))
    assert (fields["date_lettre"], fields["date_limite"], fields["date_reference"]) == (
        "2 décembre 2026", "10 décembre 2026", "23/11/2026",
    )  # fmt: skip
