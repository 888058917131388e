"""The shipped letters, filled in: awkward names intact in Word and PDF, every invoice, the total, the law."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import docx
import pytest

from letters.templates import check_templates, render_letter
from models.errors import RelanceError
from models.settings import DEFAULT_LEVELS, Company
from tests.letters.conftest import (
    ACCENTED,
    COMPANY,
    DEMEURE,
    FERME,
    LETTER_CASES,
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

CM = 72 / 2.54  # points in a centimetre
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TOTALS = {1: "1 000,00 €", 15: "15 105,00 €"}


def test_the_shipped_templates_pass_the_check():
    check_templates(TEMPLATES, DEFAULT_LEVELS)


@pytest.mark.parametrize(("template", "label", "name", "count"), LETTER_CASES)
def test_the_word_letter_keeps_the_name_and_lists_every_invoice(converted, template, label, name, count):
    letter, _ = converted[template, label, count]
    text = docx_text(letter)  # python-docx opens it: the XML survived '&', '<' and '"'
    assert name in text
    for number in range(1, count + 1):
        assert f"FA-C0042-{number:03d}" in text
    assert f"Total dû : {TOTALS[count]}" in flat(text)
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize(("template", "label", "name", "count"), LETTER_CASES)
def test_the_pdf_shows_the_name_every_invoice_and_the_total(converted, template, label, name, count):
    _, pdf = converted[template, label, count]
    text = pdf_text(pdf)
    assert name in text
    for number in range(1, count + 1):
        assert f"FA-C0042-{number:03d}" in text
    assert f"Total dû : {TOTALS[count]}" in text
    assert "Menuiserie Lefèvre & Associés" in text


@pytest.mark.parametrize("count", [1, 15])
def test_the_mise_en_demeure_says_so_and_gives_the_deadline(converted, count):
    text = pdf_text(converted["mise_en_demeure.docx", "accented", count][1])
    assert "MISE EN DEMEURE" in text
    # the shared fixture renders the emailed copy: only the printed copy is a registered letter
    assert "Lettre recommandée" not in text
    assert "au plus tard le 1er décembre 2026" in text
    assert "injonction de payer" in text and "commissaire de justice" in text
    assert "article L441-10 du Code de commerce" in text
    assert "40 € par facture" in text and "article D441-5" in text


@pytest.mark.parametrize("template", ["relance_1.docx", "relance_2.docx", "mise_en_demeure.docx"])
def test_the_address_sits_in_the_window_of_the_envelope(converted, template):
    words = pdf_words(converted[template, "tricky", 1][1])
    x, y = next((x, y) for word, x, y, page in words if word == "Dupont" and page == 1)
    assert 10.8 * CM <= x <= 11.4 * CM
    assert 4.5 * CM <= y <= 5.2 * CM


def test_a_long_letter_runs_onto_a_second_page_with_the_signature(converted):
    _, pdf = converted["relance_2.docx", "tricky", 15]
    pages = {page for *_, page in pdf_words(pdf)}
    assert pages == {1, 2}
    # beside the QR code: its words are read column by column, so look for them on the second page
    assert {"Claire", "Gérante", "salutations"} <= {word for word, *_, page in pdf_words(pdf) if page == 2}


def test_only_the_printed_mise_en_demeure_is_a_registered_letter(tmp_path):
    item = reminder(ACCENTED, 1, DEMEURE)
    printed, emailed = tmp_path / "courrier.docx", tmp_path / "email.docx"
    render_letter(TEMPLATES / "mise_en_demeure.docx", fields(item, postal_copy=True), printed)
    render_letter(TEMPLATES / "mise_en_demeure.docx", fields(item), emailed)
    assert "Lettre recommandée avec accusé de réception" in docx_text(printed)
    assert "recommandée" not in docx_text(emailed)


def test_previous_reminders_are_recalled_in_the_firm_letter(tmp_path):
    once = docx_text(
        render("relance_2.docx", reminder(level=FERME, count=1, last=date(2026, 11, 2)), tmp_path, "a")
    )
    twice = docx_text(
        render("relance_2.docx", reminder(level=FERME, count=2, last=date(2026, 11, 2)), tmp_path, "b")
    )
    never = docx_text(render("relance_2.docx", reminder(level=FERME), tmp_path, "c"))
    assert (
        "Nous vous avons déjà écrit à ce sujet le 2 novembre 2026 (rappel amiable). Nous constatons que la "
        "facture suivante reste impayée à ce jour :"
    ) in once
    assert (
        "Nous vous avons déjà écrit à ce sujet le 19 octobre 2026 (rappel amiable) et le 2 novembre 2026 "
        "(relance ferme). Nous constatons"
    ) in twice
    assert "Relances\n" in once and "02/11/2026" in once  # the table says which invoice, when
    assert "déjà écrit" not in never and "Relances" not in never
    assert "Sauf erreur de notre part, la facture suivante reste impayée à ce jour" in never


def test_a_private_customer_abroad_gets_the_consumer_wording_and_a_country_line(tmp_path):
    item = reminder(ACCENTED, 2, DEMEURE, private=True, country="Belgique")
    letter = tmp_path / "lettre.docx"
    render_letter(TEMPLATES / "mise_en_demeure.docx", fields(item, Company(name="Atelier Roux")), letter)
    text = docx_text(letter)
    assert "69003 Lyon\nBELGIQUE" in text
    assert "intérêts au taux légal" in text and "1344-1 du Code civil" in text
    assert "L441-10" not in text and "40 €" not in text
    assert "IBAN" not in text  # no bank details given: no payment line
    assert "Tél. :" not in text and "SIRET" not in text
    assert "au titre des factures suivantes, dont les échéances sont dépassées" in text
    assert "\nLe 23 novembre 2026\n" in text  # no city given: no dangling comma
    assert text.count("Atelier Roux") == 3  # sender, body, signature: no signatory, the name once


def test_a_customer_in_france_has_no_country_line_and_a_business_the_law_on_penalties(tmp_path):
    text = docx_text(render("relance_2.docx", reminder(TRICKY, 1, FERME), tmp_path, "lettre"))
    assert "69003 Lyon\nSauf" not in text and "FRANCE" not in text
    assert "69003 Lyon\n" in text
    assert "pénalités de retard (article L441-10 du Code de commerce)" in text
    assert "IBAN FR76 3000 4000 0500 0012 3456 729 – BIC BNPAFRPPXXX" in text


def test_the_accountants_message_keeps_its_line_breaks_and_escapes(tmp_path):
    item = reminder(level=RAPPEL, message="Suite à notre appel :\nmerci de confirmer <vite> & bien.")
    letter = render("relance_1.docx", item, tmp_path, "lettre")
    assert "Suite à notre appel :\nmerci de confirmer <vite> & bien." in docx_text(letter)
    assert "Suite à notre appel" not in docx_text(render("relance_1.docx", reminder(), tmp_path, "sans"))


def test_the_footer_names_the_company_its_legal_mentions_and_the_page(converted, tmp_path):
    footer = docx.Document(str(converted["relance_1.docx", "tricky", 1][0])).sections[0].footer
    assert footer.paragraphs[0].text == "Menuiserie Lefèvre & Associés – SIRET 812 345 678 00021"
    assert footer.paragraphs[1].text.startswith("page ")
    company = replace(COMPANY, legal_form="SAS", capital="10000", registry="Rennes 812 345 678", vat="FR1")
    letter = tmp_path / "lettre.docx"
    render_letter(TEMPLATES / "relance_1.docx", fields(reminder(), company), letter)
    assert docx.Document(str(letter)).sections[0].footer.paragraphs[0].text == (
        "Menuiserie Lefèvre & Associés – SAS au capital de 10\u00a0000\u00a0€ – RCS Rennes 812 345 678 – "
        "SIRET 812 345 678 00021 – TVA FR1"
    )


def test_a_field_missing_at_render_time_names_the_template_and_the_field(tmp_path):
    template = tmp_path / "templates_word" / "perso.docx"
    template.parent.mkdir()
    document = docx.Document()
    document.add_paragraph("Bonjour {{ client.nom }},")
    document.add_paragraph("Votre solde : {{ client.solde }}")
    document.save(str(template))
    with pytest.raises(RelanceError) as caught:
        render_letter(template, fields(reminder()), tmp_path / "lettre.docx")
    assert str(caught.value) == (
        "Le modèle templates_word/perso.docx utilise un champ qui n'existe pas « solde » "
        "près de « Votre solde : {{ client.solde }} »."
    )
    assert not (tmp_path / "lettre.docx").exists()


def test_the_generator_writes_the_shipped_letters_byte_for_byte(tmp_path):
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, str(TEMPLATES.parent / "scripts" / "make_templates.py"), "--dossier", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    for name in ("relance_1.docx", "relance_2.docx", "mise_en_demeure.docx"):
        assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


# ECMA-376 part 1: the children of these property elements have a fixed order, which Word enforces
# ("unreadable content") even where LibreOffice forgives.
SCHEMA_ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
    "vAlign hideMark",
    "tblCellMar": "top left start bottom right end",
    "tblBorders": "top left start bottom right end insideH insideV",
    "tcBorders": "top left start bottom right end insideH insideV tl2br tr2bl",
}


@pytest.mark.parametrize("template", ["relance_1.docx", "relance_2.docx", "mise_en_demeure.docx"])
def test_the_shipped_letters_keep_the_element_order_word_requires(template):
    body = docx.Document(str(TEMPLATES / template)).element.body
    for parent, order in SCHEMA_ORDER.items():
        names = order.split()
        for element in body.iter(f"{W}{parent}"):
            children = [child.tag.removeprefix(W) for child in element]
            assert children == sorted(children, key=names.index), (parent, children)
