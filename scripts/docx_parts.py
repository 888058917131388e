"""Building blocks of the shipped Word letters: page, paragraphs, runs, tables, reproducible saving.

Used by make_templates.py, which holds the letters themselves (their blocks and their French texts).
"""

from __future__ import annotations

import io
import zipfile
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


def cell_middle(cell: _Cell) -> None:
    """Centre the cell's content vertically (beside a picture, for instance)."""
    _set(cell._tc.get_or_add_tcPr(), "w:vAlign", val="center")


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
