"""The quote follow-up's letter and email: checked like the others, filled with its own fields only, and a
courteous letter (no amount due, no deadline, no penalty, no QR code) with a tricky name and a logo."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import docx

from letters.quote_templates import check_quote_templates
from letters.templates import check_templates, render_email, render_letter
from models.quote_sending import QuoteReminder, quote_fields
from models.quotes import Quote, QuoteHistory, QuoteLine
from models.records import Customer
from models.settings import DEFAULT_LEVELS
from tests.letters.conftest import COMPANY, TEMPLATES, TODAY, TRICKY, docx_text, flat

QUOTE_FIELDS = (
    "societe, client, formule_appel, devis, objet, relance_numero, nb_relances, date_derniere_relance, "
    "message, date_lettre, lieu, date_reference, canal, copie_postale, logo"
)


def follow_up(count: int = 0, message: str = "", channel: str = "email") -> QuoteReminder:
    customer = Customer("C0042", TRICKY, "compta@client.example", ("45 avenue de la République",), "69003",
                        "Lyon", title="Mme")  # fmt: skip
    quote = Quote("DV-2026-031", "C0042", "", date(2026, 9, 1), date(2026, 10, 1), Decimal("12345.60"))
    history = QuoteHistory(count, date(2026, 11, 2) if count else None)
    return QuoteReminder(customer, QuoteLine(quote, customer, 53, history, channel, True), channel, message)


def test_the_shipped_quote_templates_pass_and_the_invoice_ones_still_do():
    assert check_quote_templates(TEMPLATES) == []
    assert check_templates(TEMPLATES, DEFAULT_LEVELS) == []


def test_an_invoice_field_in_the_quote_letter_is_named_with_the_possible_ones(folder):
    document = docx.Document()
    document.add_paragraph("Vous nous devez {{ total_du }} pour {{ devis.numero }}.")
    document.save(str(folder / "relance_devis.docx"))
    (problem,) = check_quote_templates(folder)
    assert problem.message == (
        "Le modèle templates_word/relance_devis.docx utilise un champ inconnu « total_du » "
        f"(champs possibles : {QUOTE_FIELDS})."
    )


def test_a_missing_quote_template_says_where_to_find_it(folder):
    (folder / "relance_devis.email.txt").unlink()
    (problem,) = check_quote_templates(folder)
    assert problem.message == (
        "Le modèle templates_word/relance_devis.email.txt est introuvable : il donne l'objet et le texte de "
        "l'email des relances de devis ; copiez-le depuis le dossier templates_word de Relance."
    )


def test_the_letter_a_courteous_follow_up(tmp_path):
    target = tmp_path / "devis.docx"
    render_letter(TEMPLATES / "relance_devis.docx",
                  quote_fields(follow_up(1, "Nous pouvons démarrer dès janvier."), COMPANY, TODAY, TODAY),
                  target)  # fmt: skip
    text = flat(docx_text(target))
    assert (
        "Madame, Nous nous permettons de revenir vers vous au sujet de notre devis n° DV-2026-031 du "
        "01/09/2026 d'un montant de 12 345,60 €, dont la validité est arrivée à échéance le 01/10/2026. "
        "Nous vous en avions déjà écrit le 02/11/2026."
    ) in text
    assert TRICKY in text and "Objet : Notre devis n° DV-2026-031 du 01/09/2026" in text
    assert "au 02 99 12 34 56 ou par email à compta@menuiserie-lefevre.fr" in text
    assert "Nous pouvons démarrer dès janvier." in text and "Claire Lefèvre" in text
    for word in ("Total", "régler", "pénalités", "L441", "Scannez", "IBAN", "recommandée"):
        assert word not in text, word


def test_the_email_first_follow_up_without_message():
    subject, body = render_email(TEMPLATES / "relance_devis.email.txt",
                                 quote_fields(follow_up(), COMPANY, TODAY, TODAY))  # fmt: skip
    assert subject == "Notre devis n° DV-2026-031 du 01/09/2026 — Menuiserie Lefèvre & Associés"
    assert body.startswith("Madame,\n\nNous nous permettons de revenir vers vous au sujet de notre devis n° ")
    assert "déjà écrit" not in body and "\n\n\n" not in body
    assert "Vous trouverez notre courrier en pièce jointe." in body
    assert body.endswith("Claire Lefèvre\nGérante\nMenuiserie Lefèvre & Associés\nTél. : 02 99 12 34 56\n")
