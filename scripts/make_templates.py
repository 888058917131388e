"""Write the shipped Word letters of templates_word/: python scripts/make_templates.py [--dossier DIR].

The three letters (rappel amiable, relance ferme, mise en demeure) are built with python-docx so
that they stay reviewable as code; the .docx files are committed and the user edits them in Word.
The output is byte for byte the same on every run (fixed dates in the properties and the zip).
The email texts beside them (*.email.txt) are plain files, written by hand.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
FONT = "Calibri"  # LibreOffice shows it with Carlito, which has the same metrics
BODY_PT = 10.5
ACCENT = RGBColor(0x1F, 0x38, 0x64)  # dark blue for the title and the table header
GREY = RGBColor(0x59, 0x59, 0x59)
RULE = "A6A6A6"
HEADER_FILL = "E8EDF4"
LEFT_MARGIN_CM = 2.0
TEXT_WIDTH_CM = 17.0
# A French window envelope (DL or C5, window on the right) shows the address written from about
# 11 cm from the left edge and 5 cm from the top of the sheet.
WINDOW_LEFT_CM = 11.0
WINDOW_TOP_CM = 5.0
TOP_MARGIN_CM = 2.0
FIXED_DATE = datetime(2026, 1, 1)


# --- document, paragraphs, runs ----------------------------------------------------------------------


def new_document(title: str) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(LEFT_MARGIN_CM)
    section.top_margin, section.bottom_margin = Cm(TOP_MARGIN_CM), Cm(2.0)
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "Relance", "Relance"
    props.created = props.modified = FIXED_DATE
    props.revision = 1
    props.language = "fr-FR"
    return doc


def para(
    container,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    indent_cm: float = 0,
    keep_next: bool = False,
    keep_lines: bool = False,
) -> Paragraph:
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_cm:
        fmt.left_indent = Cm(indent_cm)
    if align is not None:
        p.alignment = align
    if keep_next:
        fmt.keep_with_next = True
    if keep_lines:
        fmt.keep_together = True
    if text:
        run(p, text, bold=bold, italic=italic, size=size, color=color)
    return p


def run(p: Paragraph, text: str, *, bold=False, italic=False, size=None, color=None) -> None:
    r = p.add_run(text)
    r.bold = bold or None
    r.italic = italic or None
    if size:
        r.font.size = Pt(size)
    if color is not None:
        r.font.color.rgb = color


def line_break(p: Paragraph) -> None:
    """A line break (Shift+Enter in Word) in a run of its own."""
    p.add_run().add_break()


def body(container, text: str, *, bold: bool = False, keep_next: bool = False) -> Paragraph:
    """A paragraph of the letter's text: justified, a little space after."""
    return para(container, text, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, keep_next=keep_next)


def tag(container, text: str) -> Paragraph:
    """A docxtpl {%p …%} tag alone in its paragraph: docxtpl removes the whole paragraph."""
    return para(container, text)


def field(p: Paragraph, code: str, size: float, color: RGBColor) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out the page."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), f" {code} ")
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size * 2)))
    col = OxmlElement("w:color")
    col.set(qn("w:val"), str(color))
    rpr.extend([col, sz])
    t = OxmlElement("w:t")
    t.text = "1"
    r.extend([rpr, t])
    simple.append(r)
    p._p.append(simple)


# --- tables -----------------------------------------------------------------------------------------


# Word rejects a file whose property elements are out of the schema's order (ECMA-376 part 1,
# CT_TblPr, CT_TcPr, CT_TblCellMar, CT_TblBorders, CT_TcBorders): children are inserted in place.
ORDER = {
    "w:tblPr": (
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
        "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription"
    ),
    "w:tcPr": (
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
        "vAlign hideMark"
    ),
    "w:tblCellMar": "top left start bottom right end",
    "w:tblBorders": "top left start bottom right end insideH insideV",
    "w:tcBorders": "top left start bottom right end insideH insideV tl2br tr2bl",
    "w:trPr": (
        "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
        "tblCellSpacing jc hidden"
    ),
}


def _set(parent, name: str, **attrs: str):
    """The child `name` of `parent` (made where the schema wants it if missing), with these attributes."""
    element = parent.find(qn(name))
    if element is None:
        element = OxmlElement(name)
        order = ORDER["w:" + parent.tag.split("}")[1]].split()
        later = {qn(f"w:{tag}") for tag in order[order.index(name[2:]) + 1 :]}
        successor = next((child for child in parent if child.tag in later), None)
        if successor is None:
            parent.append(element)
        else:
            successor.addprevious(element)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


def table_setup(table: Table, widths_cm: list[float], cell_margin_cm: float) -> None:
    """Fixed column widths (so Word and LibreOffice agree), no style borders, given cell margins."""
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    _set(tbl_pr, "w:tblW", w=str(int(sum(widths_cm) * 567)), type="dxa")
    _set(tbl_pr, "w:tblInd", w="0", type="dxa")
    _set(tbl_pr, "w:tblLayout", type="fixed")
    margins = _set(tbl_pr, "w:tblCellMar")
    for side in ("left", "right"):
        _set(margins, f"w:{side}", w=str(int(cell_margin_cm * 567)), type="dxa")
    for side in ("top", "bottom"):
        _set(margins, f"w:{side}", w="28", type="dxa")
    borders = _set(tbl_pr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(borders, f"w:{side}", val="nil")
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(width * 567)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def cell_borders(cell: _Cell, **sides: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    borders = _set(tc_pr, "w:tcBorders")
    for side, color in sides.items():
        _set(borders, f"w:{side}", val="single", sz="4", space="0", color=color)


def cell_fill(cell: _Cell, fill: str) -> None:
    _set(cell._tc.get_or_add_tcPr(), "w:shd", val="clear", color="auto", fill=fill)


def row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    _set(tr_pr, "w:cantSplit")
    if header:
        _set(tr_pr, "w:tblHeader")


def cell_text(cell: _Cell, text: str, *, bold=False, align=None, size=9.5, color=None) -> None:
    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    if text:
        run(p, text, bold=bold, size=size, color=color)


# --- the parts every letter shares ------------------------------------------------------------------


def address_blocks(doc: Document) -> None:
    """Sender top left; recipient where the envelope window is; both in a borderless table."""
    left = WINDOW_LEFT_CM - LEFT_MARGIN_CM
    table = doc.add_table(rows=1, cols=2)
    table_setup(table, [left, TEXT_WIDTH_CM - left], 0)
    sender, recipient = table.rows[0].cells

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
        para(doc, "Lettre recommandée avec accusé de réception", bold=True, after=4)
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
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
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
    run(totals, "Pénalités de retard (taux {{ taux_penalites }}) : ", bold=True)
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


def previous_reminders() -> str:
    """'Malgré notre précédente relance du 02/11/2026, ' (or several), for the letters after the first."""
    return (
        "Malgré {% if nb_relances > 1 %}nos {{ nb_relances }} relances précédentes"
        "{% if date_derniere_relance %}, la dernière le {{ date_derniere_relance }}{% endif %}"
        "{% else %}notre précédente relance"
        "{% if date_derniere_relance %} du {{ date_derniere_relance }}{% endif %}{% endif %}, "
    )


def payment_and_message(doc: Document) -> None:
    tag(doc, "{%p if societe.iban %}")
    p = para(doc, "", align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6)
    run(p, "Règlement par virement : ", bold=True)
    run(
        p,
        "IBAN {{ societe.iban }}{% if societe.bic %} – BIC {{ societe.bic }}{% endif %}, "
        "en indiquant en référence le numéro de la facture réglée.",
    )
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if message %}")
    # Left aligned: the accountant's line breaks would stretch a justified line.
    para(doc, "{{ message }}", after=6)
    tag(doc, "{%p endif %}")


def closing(doc: Document, formula: str) -> None:
    body(doc, formula, keep_next=True)
    # The signature is one paragraph with line breaks, kept on one page with the formula above:
    # LibreOffice keeps a paragraph with the next one, but does not follow a chain of them.
    # Each {% if %} opens in one run and closes in another: the XML stays whole either way.
    p = para(doc, "", before=18, indent_cm=WINDOW_LEFT_CM - LEFT_MARGIN_CM, keep_lines=True)
    run(p, "{{ societe.signataire or societe.nom }}", bold=True)
    run(p, "{% if societe.fonction %}")
    line_break(p)
    run(p, "{{ societe.fonction }}{% endif %}{% if societe.signataire %}")
    line_break(p)
    run(p, "{{ societe.nom }}{% endif %}")


def footer(doc: Document) -> None:
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(
        p,
        "{{ societe.nom }}{% if societe.siret %} – SIRET {{ societe.siret }}{% endif %} – page ",
        size=8,
        color=GREY,
    )
    field(p, "PAGE", 8, GREY)
    run(p, " / ", size=8, color=GREY)
    field(p, "NUMPAGES", 8, GREY)


def letter(title: str, content: Callable[[Document], None], *, registered: bool = False) -> Document:
    doc = new_document(title)
    address_blocks(doc)
    place_and_subject(doc, registered=registered)
    content(doc)
    footer(doc)
    slim(doc)
    return doc


# Parts of python-docx's default template that a letter does not need; the thumbnail is its logo.
UNUSED_PARTS = ("stylesWithEffects", "customXml", "thumbnail", "webSettings")


def slim(doc: Document) -> None:
    """Drop the 160 unused styles and the extra parts python-docx's default template carries.

    They weigh 800 KB of XML that every letter would copy: python-docx parses and zips them for
    each letter, LibreOffice imports them for each PDF (a letter converts about twice as fast
    without). Word recreates a built-in style when the user picks it.
    """
    for rels in (doc.part.rels, doc.part.package.rels):
        for r_id, rel in list(rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in UNUSED_PARTS:
                rels.pop(r_id)
    styles = doc.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in styles.iter(qn("w:style"))}
    parts = [doc.element, *(section.footer._element for section in doc.sections)]
    used = {
        element.get(qn("w:val"))
        for part in parts
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")
        for element in part.iter(qn(tag))
    }
    used |= {style_id for style_id, style in by_id.items() if style.get(qn("w:default")) == "1"}
    pending = list(used)
    while pending:  # a style also needs the styles it is based on, linked to, or followed by
        style = by_id.get(pending.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = style.find(qn(tag)) if style is not None else None
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                pending.append(ref.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in used:
            styles.remove(style)


# --- the three letters ------------------------------------------------------------------------------

ONE_OR_MANY = "{% if nb_factures == 1 %}{one}{% else %}{many}{% endif %}"


def one_or_many(one: str, many: str) -> str:
    return ONE_OR_MANY.replace("{one}", one).replace("{many}", many)


def rappel_amiable(doc: Document) -> None:
    body(doc, "Madame, Monsieur,")
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
        "Il s'agit sans doute d'un simple oubli. Nous vous remercions de bien vouloir procéder au règlement "
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
        "Nous vous remercions par avance et vous prions d'agréer, Madame, Monsieur, "
        "nos sincères salutations.",
    )


def relance_ferme(doc: Document) -> None:
    still_unpaid = one_or_many("la facture suivante reste impayée", "les factures suivantes restent impayées")
    body(doc, "Madame, Monsieur,")
    tag(doc, "{%p if nb_relances > 0 %}")
    body(doc, previous_reminders() + f"nous constatons que {still_unpaid} à ce jour :", keep_next=True)
    tag(doc, "{%p else %}")
    body(
        doc,
        f"Sauf erreur de notre part, {still_unpaid} à ce jour, "
        + one_or_many("bien que son échéance soit dépassée :", "bien que leur échéance soit dépassée :"),
        keep_next=True,
    )
    tag(doc, "{%p endif %}")
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
    closing(doc, "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.")


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
    body(doc, "Madame, Monsieur,")
    tag(doc, "{%p if nb_relances > 0 %}")
    body(
        doc,
        previous_reminders() + f"vous restez redevable envers {{{{ societe.nom }}}} de {due} :",
        keep_next=True,
    )
    tag(doc, "{%p else %}")
    body(
        doc,
        f"Sauf erreur de notre part, vous restez redevable envers {{{{ societe.nom }}}} de {due}, "
        + one_or_many("dont l'échéance est dépassée :", "dont les échéances sont dépassées :"),
        keep_next=True,
    )
    tag(doc, "{%p endif %}")
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
    closing(doc, "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.")


LETTERS = {
    "relance_1.docx": ("Rappel amiable", rappel_amiable, False),
    "relance_2.docx": ("Relance ferme", relance_ferme, False),
    "mise_en_demeure.docx": ("Mise en demeure", mise_en_demeure, True),
}


# --- writing ----------------------------------------------------------------------------------------


def save_reproducible(doc: Document, target: Path) -> None:
    """Save with fixed zip timestamps, so that regenerating an unchanged letter changes no byte."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    target.write_bytes(out.getvalue())


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
