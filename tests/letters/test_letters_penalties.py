"""Penalties in the shipped letters and emails: shown with their totals and the law when claimed, else not."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from letters.pdf import to_pdf
from letters.templates import check_templates, render_email
from models.reminders import Reminder
from models.settings import DEFAULT_LEVELS, Level
from tests.letters.conftest import (
    DEMEURE,
    FERME,
    RAPPEL,
    TEMPLATES,
    TRICKY,
    docx_text,
    fields,
    flat,
    pdf_text,
    pdf_words,
    reminder,
    render,
)

LEVELS = {"relance_1": RAPPEL, "relance_2": FERME, "mise_en_demeure": DEMEURE}
# What the two invoices below claim; none of these amounts is one of the invoices' own.
PER_INVOICE = [("FA-C0042-001", "24,37 €", "40,00 €"), ("FA-C0042-002", "25,48 €", "40,00 €")]
RATES = "taux 12,40 % puis 12,15 %"
SENT_ON = date(2026, 12, 2)  # the letter leaves days after the « échues au » date its penalties run to
CLAIMED = [
    f"Pénalités de retard au 23/11/2026 ({RATES}) : 49,85 €",
    "Indemnités forfaitaires de recouvrement : 80,00 €",
    "Total à régler : 2 130,85 €",
]
AMOUNTS = ["24,37 €", "25,48 €", "40,00 €", "49,85 €", "80,00 €", "2 130,85 €"]


def nbsp(text: str) -> str:
    """An amount as the fields write it: no-break spaces in the number and before the euro sign."""
    return re.sub(r"(?<=\d) (?=\d|€)", "\u00a0", text)


def with_penalties(level: Level, claimed: bool) -> Reminder:
    """Two invoices of a business customer; the first's delay spans a change of rate.

    The amounts are there in both cases: only `claims_penalties` decides whether the letter shows them.
    """
    item = reminder(TRICKY, 2, level, count=level.number - 1, last=date(2026, 11, 2))
    rates = [(Decimal("12.40"), Decimal("12.15")), (Decimal("12.15"),)]
    interest = [Decimal("24.37"), Decimal("25.48")]
    invoices = tuple(
        replace(line, interest=interest[i], indemnity=Decimal("40.00"), rates=rates[i])
        for i, line in enumerate(item.invoices)
    )
    return replace(item, invoices=invoices, claims_penalties=claimed)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory, lo_profile: Path) -> dict[tuple[str, bool], tuple]:
    """Each shipped letter rendered with and without penalties claimed, then made PDF in one call."""
    folder = tmp_path_factory.mktemp("penalties")
    rendered = {
        (stem, claimed): render(
            f"{stem}.docx",
            with_penalties(level, claimed),
            folder,
            f"{stem}_{'avec' if claimed else 'sans'}",
            SENT_ON,
        )
        for stem, level in LEVELS.items()
        for claimed in (True, False)
    }
    pdfs = to_pdf(list(rendered.values()), folder / "pdf", "libreoffice", profile_dir=lo_profile)
    return {key: (path, pdfs[path]) for key, path in rendered.items()}


@pytest.mark.parametrize("stem", LEVELS)
def test_a_letter_that_claims_penalties_shows_them_per_invoice_with_totals_and_the_law(letters, stem):
    text = pdf_text(letters[stem, True][1])
    assert "Total dû : 2 001,00 €" in text
    for number, interest, indemnity in PER_INVOICE:
        assert f"{number} {interest} {indemnity}" in text
    for line in CLAIMED:
        assert line in text
    table = "N° facture Pénalités de retard Indemnité forfaitaire FA-C0042-001"
    assert text.index("Total dû : 2 001,00 €") < text.index(table) < text.index(CLAIMED[0])
    assert "Conformément aux articles L441-10 et D441-5 du Code de commerce" in text
    assert text.count("L441-10") == 1  # the mention, not a second sentence on the same law


@pytest.mark.parametrize("stem", LEVELS)
def test_a_letter_that_claims_nothing_shows_no_penalty_even_when_they_were_computed(letters, stem):
    text = pdf_text(letters[stem, False][1])
    assert "Total dû : 2 001,00 €" in text
    for amount in AMOUNTS:
        assert amount not in text
    assert "Pénalités de retard (taux" not in text and "Indemnité forfaitaire" not in text
    assert "Total à régler" not in text and "Conformément aux articles L441-10" not in text


@pytest.mark.parametrize("stem", LEVELS)
def test_the_second_table_lists_each_invoice_only_when_claimed(letters, stem):
    claimed = docx.Document(str(letters[stem, True][0])).tables
    assert len(claimed) == 4  # address blocks, invoices, penalties, QR code beside the signature
    rows = [[cell.text for cell in row.cells] for row in claimed[2].rows]
    assert [[flat(text) for text in row] for row in rows] == [
        ["N° facture", "Pénalités de retard", "Indemnité forfaitaire"],
        *[list(line) for line in PER_INVOICE],
    ]
    assert len(docx.Document(str(letters[stem, False][0])).tables) == 3
    for claimed_ in (True, False):
        text = docx_text(letters[stem, claimed_][0])
        assert "{{" not in text and "{%" not in text


def test_the_mise_en_demeure_demands_the_total_with_penalties_only_when_it_claims_them(letters):
    demand = "nous vous demandons de nous régler la somme de {} au plus tard le 10 décembre 2026."
    claimed = pdf_text(letters["mise_en_demeure", True][1])
    assert demand.format("2 130,85 € (pénalités de retard et indemnités comprises)") in claimed
    assert "Nous nous réservons le droit d'en demander le paiement" not in claimed
    plain = pdf_text(letters["mise_en_demeure", False][1])
    assert demand.format("2 001,00 €") in plain
    # Not claimed: the business customer is still told the law gives them.
    assert "Nous vous rappelons que des pénalités de retard sont dues de plein droit" in plain
    assert "Nous nous réservons le droit d'en demander le paiement" in plain


def test_the_firm_letter_demands_the_total_with_penalties_and_recalls_the_law_once(letters):
    demand = "Nous vous demandons de régler la somme de {} au plus tard le 10 décembre 2026."
    claimed = pdf_text(letters["relance_2", True][1])
    assert demand.format("2 130,85 € (pénalités de retard et indemnités comprises)") in claimed
    assert "Nous vous rappelons que tout retard de paiement" not in claimed
    plain = pdf_text(letters["relance_2", False][1])
    assert demand.format("2 001,00 €") in plain
    assert "Nous vous rappelons que tout retard de paiement" in plain


@pytest.mark.parametrize("claimed", [True, False])
def test_the_signature_stays_on_the_page_of_the_closing_formula(letters, claimed):
    # Claimed, the mise en demeure of two invoices runs onto a second page: LibreOffice ignores a
    # chain of "keep with next", and once left the signatory's name alone at the foot of page one.
    # Should the letter come to fit on one page, find another that does not: this one tests nothing.
    words = pdf_words(letters["mise_en_demeure", claimed][1])
    pages = {word: page for word, _, _, page in words if word in ("agréer,", "Claire", "Gérante")}
    assert pages == dict.fromkeys(("agréer,", "Claire", "Gérante"), 2 if claimed else 1)
    assert max(page for *_, page in words) == (2 if claimed else 1)


@pytest.mark.parametrize("stem", LEVELS)
def test_the_email_gives_the_penalties_and_the_total_to_pay_only_when_claimed(stem):
    template = TEMPLATES / f"{stem}.email.txt"
    _, body = render_email(template, fields(with_penalties(LEVELS[stem], True), letter_date=SENT_ON))
    for number, interest, indemnity in PER_INVOICE:
        assert f"{number} du " in body
        assert nbsp(f"\n  pénalités de retard {interest}, indemnité forfaitaire {indemnity}\n") in body
    totals = "\n".join(["Total dû : 2 001,00 €", *CLAIMED, "", "Conformément aux articles L441-10 et D441-5"])
    assert nbsp(totals) in body
    assert "{" not in body and "\n\n\n" not in body

    _, plain = render_email(template, fields(with_penalties(LEVELS[stem], False)))
    assert nbsp("Total dû : 2 001,00 €\n\n") in plain
    for amount in AMOUNTS:
        assert nbsp(amount) not in plain
    assert "pénalités" not in plain.lower() and "indemnit" not in plain.lower()
    assert "Total à régler" not in plain and "L441-10" not in plain


def test_the_mise_en_demeure_email_demands_the_total_with_penalties_when_claimed():
    template = TEMPLATES / "mise_en_demeure.email.txt"
    _, claimed = render_email(template, fields(with_penalties(DEMEURE, True)))
    _, plain = render_email(template, fields(with_penalties(DEMEURE, False)))
    demand = "notre mise en demeure de régler la somme de {} au plus tard le 1er décembre 2026"
    assert demand.format(nbsp("2 130,85 €") + " (pénalités de retard et indemnités comprises)") in claimed
    assert demand.format(nbsp("2 001,00 €")) in plain


def test_the_shipped_templates_still_pass_the_check():
    check_templates(TEMPLATES, DEFAULT_LEVELS)
