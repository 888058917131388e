"""Write the shipped Word letters of templates_word/: python scripts/make_templates.py [--dossier DIR].

The three letters (rappel amiable, relance ferme, mise en demeure) and the quote follow-up
(relance de devis, a courteous commercial letter) are built with python-docx so
that they stay reviewable as code; the .docx files are committed and the user edits them in Word.
The output is byte for byte the same on every run (fixed dates in the properties and the zip).
The email texts beside them (*.email.txt) are plain files, written by hand.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from docx_parts import (
    ACCENT,
    GREY,
    HEADER_FILL,
    LEFT_MARGIN_CM,
    ROOT,
    RULE,
    TEXT_WIDTH_CM,
    TOP_MARGIN_CM,
    WINDOW_LEFT_CM,
    WINDOW_TOP_CM,
    body,
    cell_borders,
    cell_fill,
    cell_middle,
    cell_text,
    field,
    line_break,
    new_document,
    para,
    row_flags,
    run,
    save_reproducible,
    slim,
    table_setup,
    tag,
)


def address_blocks(doc: Document) -> None:
    """Sender top left; recipient where the envelope window is; both in a borderless table."""
    left = WINDOW_LEFT_CM - LEFT_MARGIN_CM
    table = doc.add_table(rows=1, cols=2)
    table_setup(table, [left, TEXT_WIDTH_CM - left], 0)
    sender, recipient = table.rows[0].cells

    # The logo of templates_word/logo.png when there is one (letters/pictures.py: 4 cm wide at most).
    tag(sender, "{%p if logo %}")
    para(sender, "{{ logo }}", after=4)
    tag(sender, "{%p endif %}")
    para(sender, "{{ societe.nom }}", bold=True, size=12, color=ACCENT)
    tag(sender, "{%p for ligne in societe.adresse %}")
    para(sender, "{{ ligne }}")
    tag(sender, "{%p endfor %}")
    tag(sender, "{%p if societe.code_postal or societe.ville %}")
    para(sender, "{{ societe.code_postal }} {{ societe.ville }}")
    tag(sender, "{%p endif %}")
    for key, label in (("telephone", "Tél. : "), ("email", "Email : "), ("siret", "SIRET : ")):
        tag(sender, f"{{%p if societe.{key} %}}")
        para(sender, f"{label}{{{{ societe.{key} }}}}", size=9.5, color=GREY)
        tag(sender, "{%p endif %}")
    sender._tc.remove(sender.paragraphs[0]._p)  # the empty paragraph every new cell has

    para(recipient, "{{ client.nom }}", bold=True, before=(WINDOW_TOP_CM - TOP_MARGIN_CM) * 72 / 2.54)
    recipient._tc.remove(recipient.paragraphs[0]._p)
    tag(recipient, "{%p for ligne in client.adresse %}")
    para(recipient, "{{ ligne }}")
    tag(recipient, "{%p endfor %}")
    para(recipient, "{{ client.code_postal }} {{ client.ville }}")
    # The country only for a letter abroad (La Poste wants it last, in capitals).
    tag(recipient, "{%p if client.pays and client.pays|upper not in ('FRANCE', 'FR') %}")
    para(recipient, "{{ client.pays|upper }}")
    tag(recipient, "{%p endif %}")


def place_and_subject(doc: Document, *, registered: bool = False) -> None:
    indent = WINDOW_LEFT_CM - LEFT_MARGIN_CM
    para(
        doc,
        "{% if lieu %}{{ lieu }}, le{% else %}Le{% endif %} {{ date_lettre }}",
        before=14,
        after=14,
        indent_cm=indent,
    )
    if registered:
        # Only on the copy that is printed and posted: the emailed PDF is not a registered letter.
        tag(doc, "{%p if copie_postale %}")
        para(doc, "Lettre recommandée avec accusé de réception", bold=True, after=4)
        tag(doc, "{%p endif %}")
    p = para(doc, "", after=2)
    run(p, "Objet : ", bold=True)
    run(p, "{{ objet }}", bold=True)
    p = para(doc, "", after=12)
    run(p, "Réf. client : ", color=GREY)
    run(p, "{{ client.code }}", color=GREY)


def data_table(doc: Document, columns: list[tuple[str, str, float, WD_ALIGN_PARAGRAPH | None]]) -> None:
    """A table of the invoices: a header row, then one row per invoice; (header, key, width, align)."""
    table = doc.add_table(rows=4, cols=len(columns))
    table_setup(table, [width for _, _, width, _ in columns], 0.12)
    head, loop, data, end = table.rows
    row_flags(head, header=True)
    for cell, (text, _, _, align) in zip(head.cells, columns, strict=True):
        cell_fill(cell, HEADER_FILL)
        cell_borders(cell, top=RULE, bottom=RULE)
        cell_text(cell, text, bold=True, align=align, color=ACCENT)
    # docxtpl: the loop tags each in a row of their own, which it removes.
    cell_text(loop.cells[0], "{%tr for f in factures %}")
    row_flags(data)
    for cell, (_, key, _, align) in zip(data.cells, columns, strict=True):
        cell_borders(cell, bottom="D9D9D9")
        cell_text(cell, f"{{{{ f.{key} }}}}", align=align)
    cell_text(end.cells[0], "{%tr endfor %}")


def invoice_table(doc: Document) -> None:
    """The invoices; when some were already reminded, a « Relances » column says which and when, so that
    the letter's sentences about earlier reminders are true for each invoice."""
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    tag(doc, "{%p if relances_precedentes %}")
    data_table(
        doc,
        [
            ("N° facture", "numero", 2.9, None),
            ("Date", "date", 2.1, center),
            ("Échéance", "echeance", 2.1, center),
            ("Montant TTC", "montant", 2.5, right),
            ("Reste dû", "reste_du", 2.5, right),
            ("Jours de retard", "jours_retard", 1.9, center),
            ("Relances", "relances", 3.0, center),
        ],
    )
    tag(doc, "{%p else %}")
    data_table(
        doc,
        [
            ("N° facture", "numero", 3.6, None),
            ("Date", "date", 2.3, center),
            ("Échéance", "echeance", 2.3, center),
            ("Montant TTC", "montant", 3.0, right),
            ("Reste dû", "reste_du", 3.0, right),
            ("Jours de retard", "jours_retard", 2.8, center),
        ],
    )
    tag(doc, "{%p endif %}")
    total = para(doc, "", align=right, before=4, after=10)
    run(total, "Total dû : ", bold=True, size=11)
    run(total, "{{ total_du }}", bold=True, size=11)


def penalties(doc: Document) -> None:
    """When the letter claims them: penalties and indemnity per invoice, their totals, the law."""
    right = WD_ALIGN_PARAGRAPH.RIGHT
    # The whole block, table included, goes when the letter claims nothing.
    tag(doc, "{%p if reclamer_penalites %}")
    data_table(
        doc,
        [
            ("N° facture", "numero", 3.6, None),
            ("Pénalités de retard", "penalites", 3.8, right),
            ("Indemnité forfaitaire", "indemnite", 3.8, right),
        ],
    )
    # One paragraph with line breaks: LibreOffice does not follow a chain of "keep with next".
    totals = para(doc, "", align=right, before=4, after=10, keep_lines=True)
    run(totals, "Pénalités de retard au {{ date_reference }} (taux {{ taux_penalites }}) : ", bold=True)
    run(totals, "{{ total_penalites }}", bold=True)
    line_break(totals)
    run(totals, "Indemnités forfaitaires de recouvrement : ", bold=True)
    run(totals, "{{ total_indemnites }}", bold=True)
    line_break(totals)
    run(totals, "Total à régler : ", bold=True, size=11)
    run(totals, "{{ total_avec_penalites }}", bold=True, size=11)
    body(doc, "{{ mention_penalites }}")
    tag(doc, "{%p endif %}")


# The amount a letter demands: penalties and indemnities included when it claims them.
AMOUNT_DUE = (
    "{% if reclamer_penalites %}{{ total_avec_penalites }} (pénalités de retard et indemnités comprises)"
    "{% else %}{{ total_du }}{% endif %}"
)


QR_CELL_CM = 3.0  # the QR code is 2.6 cm wide (letters/pictures.py), then a gap


def transfer(container, *, after: float, size: float | None = None, align=WD_ALIGN_PARAGRAPH.JUSTIFY) -> None:
    p = para(container, "", align=align, after=after)
    run(p, "Règlement par virement : ", bold=True, size=size)
    run(
        p,
        "IBAN {{ societe.iban }}{% if societe.bic %} – BIC {{ societe.bic }}{% endif %}, "
        "en indiquant en référence le numéro de la facture réglée.",
        size=size,
    )


def payment_and_message(doc: Document, *, quote: bool = False) -> None:
    """How to pay (never in a quote follow-up), then the accountant's message."""
    if not quote:  # with a QR code, the transfer details go beside it, next to the signature (closing)
        tag(doc, "{%p if societe.iban and not qr_paiement %}")
        transfer(doc, after=6)
        tag(doc, "{%p endif %}")
        tag(doc, "{%p if lien_paiement %}")
        p = para(doc, "", after=6)
        run(p, "Paiement en ligne par carte bancaire : ", bold=True)
        run(p, "{{ lien_paiement }}")
        tag(doc, "{%p endif %}")
    tag(doc, "{%p if message %}")
    # Left aligned: the accountant's line breaks would stretch a justified line.
    para(doc, "{{ message }}", after=6)
    tag(doc, "{%p endif %}")


def signature(container, indent_cm: float) -> None:
    # The signature is one paragraph with line breaks, kept on one page with the formula above:
    # LibreOffice keeps a paragraph with the next one, but does not follow a chain of them.
    # Each {% if %} opens in one run and closes in another: the XML stays whole either way.
    p = para(container, "", before=18, indent_cm=indent_cm, keep_lines=True)
    run(p, "{{ societe.signataire or societe.nom }}", bold=True)
    run(p, "{% if societe.fonction %}")
    line_break(p)
    run(p, "{{ societe.fonction }}{% endif %}{% if societe.signataire %}")
    line_break(p)
    run(p, "{{ societe.nom }}{% endif %}")


def closing(doc: Document, formula: str) -> None:
    body(doc, formula, keep_next=True)
    indent = WINDOW_LEFT_CM - LEFT_MARGIN_CM
    tag(doc, "{%p if qr_paiement %}")
    # Pay in one scan: the SEPA QR code (EPC069-12) and the transfer details in the space the signature
    # leaves on its left, so that a letter that fitted on one page still does. One table row, which
    # never splits across two pages.
    table = doc.add_table(rows=1, cols=3)
    table_setup(table, [QR_CELL_CM, indent - QR_CELL_CM, TEXT_WIDTH_CM - indent], 0)
    row_flags(table.rows[0])
    code, text, signed = table.rows[0].cells
    p = code.paragraphs[0]
    p.paragraph_format.space_before = Pt(4)
    p.add_run("{{ qr_paiement }}")
    cell_middle(text)
    transfer(text, after=3, size=9, align=WD_ALIGN_PARAGRAPH.LEFT)
    text._tc.remove(text.paragraphs[0]._p)
    para(text, "Scannez pour payer par virement : montant et référence déjà remplis.", italic=True,
         size=9, color=GREY)  # fmt: skip
    signature(signed, 0)
    signed._tc.remove(signed.paragraphs[0]._p)
    tag(doc, "{%p else %}")
    signature(doc, indent)
    tag(doc, "{%p endif %}")


def footer(doc: Document) -> None:
    """The legal mentions (French business letters carry the legal form, share capital, RCS and VAT
    numbers when set), then the page number on a line of its own: long mentions may wrap, the number
    never lands alone on a line."""
    mentions = doc.sections[0].footer.paragraphs[0]
    mentions.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(
        mentions,
        "{{ societe.nom }}{% if societe.mentions_legales %} – {{ societe.mentions_legales }}{% endif %}",
        size=8,
        color=GREY,
    )
    page = doc.sections[0].footer.add_paragraph()
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(page, "page ", size=8, color=GREY)
    field(page, "PAGE", 8, GREY)
    run(page, " / ", size=8, color=GREY)
    field(page, "NUMPAGES", 8, GREY)


def letter(title: str, content: Callable[[Document], None], *, registered: bool = False) -> Document:
    doc = new_document(title)
    address_blocks(doc)
    place_and_subject(doc, registered=registered)
    content(doc)
    footer(doc)
    slim(doc)
    return doc


# Parts of python-docx's default template that a letter does not need; the thumbnail is its logo.
ONE_OR_MANY = "{% if nb_factures == 1 %}{one}{% else %}{many}{% endif %}"


def one_or_many(one: str, many: str) -> str:
    return ONE_OR_MANY.replace("{one}", one).replace("{many}", many)


def history(doc: Document) -> None:
    """What was already sent about these invoices: only true sentences, made by Relance from the journal."""
    tag(doc, "{%p if historique %}")
    body(doc, "{{ historique }}")
    tag(doc, "{%p endif %}")


def rappel_amiable(doc: Document) -> None:
    body(doc, "{{ formule_appel }}")
    history(doc)
    body(
        doc,
        "Sauf erreur ou omission de notre part, "
        + one_or_many(
            "la facture ci-dessous, arrivée à échéance, n'a pas encore été réglée :",
            "les {{ nb_factures }} factures ci-dessous, arrivées à échéance, n'ont pas encore été réglées :",
        ),
        keep_next=True,
    )
    invoice_table(doc)
    penalties(doc)
    body(
        doc,
        "{% if not relances_precedentes %}Il s'agit sans doute d'un simple oubli. {% endif %}"
        "Nous vous remercions de bien vouloir procéder au règlement "
        "de cette somme dès que possible, et au plus tard le {{ date_limite }}.",
    )
    payment_and_message(doc)
    body(
        doc,
        "Si votre règlement nous a été adressé entre-temps, nous vous prions de ne pas tenir compte de ce "
        "courrier. Pour toute question sur "
        + one_or_many("cette facture", "ces factures")
        + ", nous restons à votre disposition.",
    )
    closing(
        doc,
        "Nous vous remercions par avance et vous prions d'agréer, {{ formule_appel }} "
        "nos sincères salutations.",
    )


def relance_ferme(doc: Document) -> None:
    still_unpaid = one_or_many("la facture suivante reste impayée", "les factures suivantes restent impayées")
    body(doc, "{{ formule_appel }}")
    body(
        doc,
        f"{{% if historique %}}{{{{ historique }}}} Nous constatons que {still_unpaid} à ce jour :"
        f"{{% else %}}Sauf erreur de notre part, {still_unpaid} à ce jour, "
        + one_or_many("bien que son échéance soit dépassée :", "bien que leur échéance soit dépassée :")
        + "{% endif %}",
        keep_next=True,
    )
    invoice_table(doc)
    penalties(doc)
    body(
        doc,
        f"Nous vous demandons de régler la somme de {AMOUNT_DUE} au plus tard le {{{{ date_limite }}}}.",
        bold=True,
    )
    body(
        doc,
        "À défaut de règlement à cette date, nous serons contraints de vous adresser une mise en demeure, "
        "préalable à une procédure de recouvrement.",
    )
    # A letter that claims the penalties already gives the legal mention.
    tag(doc, "{%p if not client.particulier and not reclamer_penalites %}")
    body(
        doc,
        "Nous vous rappelons que tout retard de paiement rend exigibles de plein droit des pénalités de "
        "retard (article L441-10 du Code de commerce) ainsi qu'une indemnité forfaitaire de 40 € pour frais "
        "de recouvrement par facture (article D441-5 du Code de commerce).",
    )
    tag(doc, "{%p endif %}")
    payment_and_message(doc)
    body(
        doc,
        "Si vous rencontrez une difficulté, contactez-nous sans attendre afin que nous convenions ensemble "
        "d'un échéancier. Si votre règlement nous est parvenu entre-temps, nous vous prions de ne pas tenir "
        "compte de ce courrier.",
    )
    closing(doc, "Nous vous prions d'agréer, {{ formule_appel }} nos salutations distinguées.")


def mise_en_demeure(doc: Document) -> None:
    para(
        doc,
        "MISE EN DEMEURE",
        bold=True,
        size=15,
        color=ACCENT,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=8,
        keep_next=True,
    )
    due = "la somme de {{ total_du }} au titre " + one_or_many(
        "de la facture suivante", "des factures suivantes"
    )
    body(doc, "{{ formule_appel }}")
    body(
        doc,
        f"{{% if historique %}}{{{{ historique }}}} Malgré ces courriers, vous restez redevable envers "
        f"{{{{ societe.nom }}}} de {due} :{{% else %}}Sauf erreur de notre part, vous restez redevable "
        f"envers {{{{ societe.nom }}}} de {due}, "
        + one_or_many("dont l'échéance est dépassée :", "dont les échéances sont dépassées :")
        + "{% endif %}",
        keep_next=True,
    )
    invoice_table(doc)
    penalties(doc)
    body(
        doc,
        "Par la présente lettre, qui vaut mise en demeure au sens de l'article 1344 du Code civil, nous vous "
        f"demandons de nous régler la somme de {AMOUNT_DUE} au plus tard le {{{{ date_limite }}}}.",
        bold=True,
    )
    body(
        doc,
        "À défaut de paiement intégral à cette date, nous engagerons sans autre avis une procédure de "
        "recouvrement judiciaire : requête en injonction de payer devant le tribunal compétent, puis "
        "exécution de la décision par un commissaire de justice.",
    )
    tag(doc, "{%p if client.particulier %}")
    body(
        doc,
        "Conformément aux articles 1231-6 et 1344-1 du Code civil, la présente mise en demeure fait courir "
        "les intérêts au taux légal sur les sommes dues.",
    )
    # A letter that claims the penalties gives the legal mention above: this is for one that does not.
    tag(doc, "{%p elif not reclamer_penalites %}")
    body(
        doc,
        "Nous vous rappelons que des pénalités de retard sont dues de plein droit dès le lendemain de "
        "l'échéance de chaque facture (article L441-10 du Code de commerce), ainsi qu'une indemnité "
        "forfaitaire pour frais de recouvrement de 40 € par facture payée en retard (article D441-5 du Code "
        "de commerce). Nous nous réservons le droit d'en demander le paiement.",
    )
    tag(doc, "{%p endif %}")
    payment_and_message(doc)
    body(
        doc,
        "Si votre règlement nous est parvenu entre-temps, nous vous prions de ne pas tenir compte de la "
        "présente.",
    )
    closing(doc, "Veuillez agréer, {{ formule_appel }} nos salutations distinguées.")


def relance_devis(doc: Document) -> None:
    """A quote past its validity date: a commercial follow-up, never a demand for payment — no amount
    due, no deadline, no penalty, no legal mention, no QR code (fields of models/quote_sending.py)."""
    for text in (
        "{{ formule_appel }}",
        "Nous nous permettons de revenir vers vous au sujet de notre devis n° {{ devis.numero }}{% if "
        "devis.date %} du {{ devis.date }}{% endif %} d'un montant de {{ devis.montant }}, dont la validité "
        "est arrivée à échéance le {{ devis.validite }}.{% if nb_relances %} Nous vous en avions déjà écrit "
        "le {{ date_derniere_relance }}.{% endif %}",
        "Ce devis retient-il toujours votre attention ? Si votre projet est toujours d'actualité, nous "
        "serions heureux d'en reparler avec vous : nous pouvons l'adapter à vos besoins ou en prolonger la "
        "validité.",
        "N'hésitez pas à nous contacter{% if societe.telephone %} au {{ societe.telephone }}{% endif %}{% if "
        "societe.email %}{% if societe.telephone %} ou{% endif %} par email à {{ societe.email }}{% endif %} "
        "pour toute question.",
    ):
        body(doc, text)
    payment_and_message(doc, quote=True)
    body(doc, "Si vous avez déjà donné suite à ce devis, ou si votre projet a pris une autre direction, nous "
              "vous prions de ne pas tenir compte de ce courrier.")  # fmt: skip
    body(doc, "Dans l'attente de votre retour, nous vous prions d'agréer, {{ formule_appel }} nos sincères "
              "salutations.", keep_next=True)  # fmt: skip
    signature(doc, WINDOW_LEFT_CM - LEFT_MARGIN_CM)


LETTERS = {
    "relance_1.docx": ("Rappel amiable", rappel_amiable, False),
    "relance_2.docx": ("Relance ferme", relance_ferme, False),
    "mise_en_demeure.docx": ("Mise en demeure", mise_en_demeure, True),
    "relance_devis.docx": ("Relance de devis", relance_devis, False),
}


# --- writing ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossier", type=Path, default=ROOT / "templates_word")
    args = parser.parse_args()
    args.dossier.mkdir(parents=True, exist_ok=True)
    for name, (title, content, registered) in LETTERS.items():
        save_reproducible(letter(title, content, registered=registered), args.dossier / name)
        print(args.dossier / name)


if __name__ == "__main__":
    main()
