"""Pay in one scan, on real files: the QR code read back from the PDF page, the logo, the payment link."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from letters.pdf import to_pdf
from letters.templates import check_templates, render_email, render_letter
from models.errors import RelanceError
from models.reminders import Reminder
from models.settings import DEFAULT_LEVELS
from tests.letters.conftest import (
    COMPANY,
    DEMEURE,
    FERME,
    RAPPEL,
    TEMPLATES,
    TRICKY,
    docx_text,
    fields,
    pdf_text,
    pdf_words,
    reminder,
)

WRONG_IBAN = "FR76 3000 4000 0500 0012 3456 789"  # one digit off: its mod-97 key is wrong
LINK = "https://paiement.example/{numero}?montant={montant}&client={client}"
LOGO_SIZE = (400, 120)  # pixels: drawn 4 cm wide, 1.2 cm high


def png(width: int, height: int) -> bytes:
    """A real PNG, two colour bands, written by hand (PNG spec: signature, IHDR, IDAT, IEND)."""
    row = bytes([0x1F, 0x38, 0x64] * (width // 2) + [0xC8, 0x78, 0x28] * (width - width // 2))
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def with_amounts(item: Reminder, *amounts: str, penalties: tuple[str, ...] = ()) -> Reminder:
    """The reminder's invoices with these amounts due; with `penalties` (interest per invoice), claimed."""
    invoices = tuple(
        replace(
            invoice,
            remaining=Decimal(amount),
            interest=Decimal(penalties[i]) if penalties else Decimal(0),
            indemnity=Decimal("40.00") if penalties else Decimal(0),
            rates=(Decimal("12.15"),) if penalties else (),
        )
        for i, (invoice, amount) in enumerate(zip(item.invoices, amounts, strict=True))
    )
    return replace(item, invoices=invoices, claims_penalties=bool(penalties))


CASES = {
    # name: (template, reminder, company, with a logo)
    "rappel": ("relance_1.docx", reminder(TRICKY, 1, RAPPEL), COMPANY, False),
    # 100.10 + 200.20 is 300.29999999999995 in floating point; with penalties 13.37 + 2.20 + 0.01 and
    # three indemnities of 40 € the letter asks for 441.88 €
    "penalites": (
        "mise_en_demeure.docx",
        with_amounts(
            reminder(TRICKY, 3, DEMEURE), "100.10", "200.20", "6.00", penalties=("13.37", "2.20", "0.01")
        ),
        COMPANY,
        False,
    ),
    "quinze": (
        "relance_2.docx",
        reminder(TRICKY, 15, FERME, count=1, last=date(2026, 11, 2)),
        COMPANY,
        False,
    ),
    "solde_nul": (
        "relance_2.docx",
        with_amounts(reminder(TRICKY, 2, FERME), "250.00", "-250.00"),
        COMPANY,
        False,
    ),
    "iban_faux": ("relance_1.docx", reminder(TRICKY, 1, RAPPEL), replace(COMPANY, iban=WRONG_IBAN), False),
    "logo": ("relance_1.docx", reminder(TRICKY, 1, RAPPEL), replace(COMPANY, payment_link=LINK), True),
}


@pytest.fixture(scope="session")
def letters(tmp_path_factory: pytest.TempPathFactory, lo_profile: Path) -> dict[str, tuple[Path, Path]]:
    """Each case rendered from the shipped templates (a copy with a logo for the logo case), all made
    PDF with one LibreOffice call: name -> (docx, pdf)."""
    folder = tmp_path_factory.mktemp("payment")
    with_logo = folder / "templates_word"
    shutil.copytree(TEMPLATES, with_logo)
    (with_logo / "logo.png").write_bytes(png(*LOGO_SIZE))
    made = {}
    for name, (template, item, company, logo) in CASES.items():
        target = folder / f"{name}.docx"
        render_letter((with_logo if logo else TEMPLATES) / template, fields(item, company), target)
        made[name] = target
    pdfs = to_pdf(list(made.values()), folder / "pdf", "libreoffice", profile_dir=lo_profile)
    return {name: (path, pdfs[path]) for name, path in made.items()}


def qr_codes(pdf: Path) -> dict[int, str]:
    """Every QR code of the PDF, by page: each page drawn at 200 dpi (pdftoppm), read by zbarimg."""
    prefix = pdf.parent / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(prefix)], check=True, timeout=60)
    found = {}
    for page in sorted(pdf.parent.glob(f"{prefix.name}-*.png")):
        result = subprocess.run(
            ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            timeout=60,
        )
        assert result.returncode in (0, 4), result.stderr  # 4: no code on this page
        if result.returncode == 0:
            found[int(page.stem.rsplit("-", 1)[1])] = result.stdout.decode("utf-8").removesuffix("\n")
    return found


def euros(text: str) -> str:
    """« 1 234,56 € » as an EPC amount: « EUR1234.56 »."""
    return "EUR" + text.replace(" ", "").removesuffix("€").replace(",", ".")


def printed(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    assert found, pattern
    return found.group(1)


@pytest.mark.parametrize(
    ("name", "total"),
    [("rappel", r"Total dû : ([\d ]+,\d\d €)"), ("penalites", r"Total à régler : ([\d ]+,\d\d €)"),
     ("quinze", r"Total dû : ([\d ]+,\d\d €)")],
)  # fmt: skip
def test_the_qr_code_read_from_the_page_pays_the_letters_total_to_the_printed_iban(letters, name, total):
    path, pdf = letters[name]
    text = pdf_text(pdf)
    codes = qr_codes(pdf)
    assert len(codes) == 1
    payload = next(iter(codes.values())).split("\n")
    assert payload[:4] == ["BCD", "002", "1", "SCT"]
    assert payload[4] == "BNPAFRPPXXX"
    assert payload[5] == "Menuiserie Lefevre + Associes"  # « Lefèvre & Associés » in the SEPA characters
    # the IBAN as the letter prints it (read from the Word letter: the PDF's text runs across its columns)
    assert payload[6] == printed(r"IBAN ((?:[A-Z0-9]{4} ){6}[A-Z0-9]{3})", docx_text(path)).replace(" ", "")
    assert payload[7] == euros(printed(total, text))
    assert payload[8:10] == ["", ""]
    invoices = re.findall(r"FA-C0042-\d{3}", payload[10])
    assert invoices and set(invoices) <= set(re.findall(r"FA-C0042-\d{3}", text))
    assert payload[10].endswith(" - client C0042")


def test_the_amounts_of_the_letter_with_penalties_are_exact_to_the_cent(letters):
    text = pdf_text(letters["penalites"][1])
    assert "Total dû : 306,30 €" in text and "Total à régler : 441,88 €" in text
    assert next(iter(qr_codes(letters["penalites"][1]).values())).split("\n")[7] == "EUR441.88"


def test_the_qr_code_sits_beside_the_transfer_details_and_says_what_it_does(letters):
    for name in ("rappel", "penalites", "quinze"):
        text = pdf_text(letters[name][1])
        assert "Règlement par virement : IBAN FR76" in text
        assert "Scannez pour payer par virement : montant et référence déjà remplis." in text
        assert text.count("Règlement par virement") == 1


def test_a_one_invoice_letter_keeps_to_one_page_and_a_long_one_carries_its_code_with_the_signature(letters):
    assert {page for *_, page in pdf_words(letters["rappel"][1])} == {1}
    for name in ("penalites", "quinze"):  # two pages, as they were before the QR code
        pdf = letters[name][1]
        assert {page for *_, page in pdf_words(pdf)} == {1, 2}
        assert list(qr_codes(pdf)) == [2]
        assert {"Gérante", "distinguées."} <= {word for word, *_, page in pdf_words(pdf) if page == 2}


@pytest.mark.parametrize("name", ["solde_nul", "iban_faux"])
def test_no_qr_code_when_nothing_is_due_or_the_iban_is_wrong(letters, name):
    path, pdf = letters[name]
    assert qr_codes(pdf) == {}
    assert len(docx.Document(str(path)).inline_shapes) == 0
    assert "Scannez pour payer" not in pdf_text(pdf)
    # the transfer details stay where they were before the QR codes
    assert "Règlement par virement : IBAN" in pdf_text(pdf)


def images(pdf: Path) -> list[tuple[int, int, int]]:
    """(page, width, height) of each image of the PDF, from pdfimages -list."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True)
    return [
        (int(cells[0]), int(cells[3]), int(cells[4]))
        for cells in (line.split() for line in listing.stdout.splitlines()[2:])
    ]


def test_the_logo_is_in_the_letterhead_and_the_address_stays_in_the_window(letters):
    with_logo, without = letters["logo"][1], letters["rappel"][1]
    assert (1, *LOGO_SIZE) in images(with_logo)
    assert all((w, h) != LOGO_SIZE for _, w, h in images(without))

    def where(pdf: Path, word: str) -> tuple[float, float]:
        return next((x, y) for text, x, y, page in pdf_words(pdf) if text == word and page == 1)

    # the company's name goes down by the logo's 1.2 cm (and 4 pt); the customer's address does not move
    name_moved = where(with_logo, "Menuiserie")[1] - where(without, "Menuiserie")[1]
    assert 1.2 * 72 / 2.54 <= name_moved <= 1.2 * 72 / 2.54 + 6
    assert where(with_logo, "Dupont") == where(without, "Dupont")
    assert {page for *_, page in pdf_words(with_logo)} == {1}


def test_the_payment_link_is_filled_and_encoded_in_the_letter(letters):
    link = printed(r"Paiement en ligne par carte bancaire : (.+?) Si votre", pdf_text(letters["logo"][1]))
    # the long address wraps at its « ? » on the page
    assert link.replace(" ", "") == "https://paiement.example/FA-C0042-001?montant=1000.00&client=C0042"
    assert "Paiement en ligne" not in pdf_text(letters["rappel"][1])


def test_the_email_names_the_qr_code_of_the_attached_letter_and_the_link():
    company = replace(COMPANY, payment_link=LINK)
    item = reminder("Dupont & Fils", 2, FERME, code="C 7/8")
    _, body = render_email(TEMPLATES / "relance_2.email.txt", fields(item, company))
    assert (
        "le QR code de la lettre jointe, lu avec l'application de votre banque, remplit le virement" in body
    )
    assert (
        "Paiement en ligne par carte bancaire : "
        "https://paiement.example/FA-C%207%2F8-001%2CFA-C%207%2F8-002?montant=2001.00&client=C%207%2F8\n"
    ) in body
    _, plain = render_email(
        TEMPLATES / "relance_2.email.txt", fields(item, replace(COMPANY, iban=WRONG_IBAN))
    )
    assert "QR code" not in plain and "Paiement en ligne" not in plain


# --- the logo, checked before sending -------------------------------------------------------------------


def test_a_logo_that_is_not_an_image_is_one_problem_before_sending(folder):
    (folder / "logo.png").write_text("mon logo", encoding="utf-8")
    problems = check_templates(folder, DEFAULT_LEVELS)
    assert [problem.message for problem in problems] == [
        "Le logo templates_word/logo.png n'est pas une image lisible (ce n'est ni un PNG ni un JPEG) : "
        "enregistrez-le de nouveau au format PNG ou JPEG depuis un logiciel d'images, ou retirez-le du "
        "dossier templates_word."
    ]


def test_a_cut_logo_is_told_as_damaged_and_a_letter_is_never_made_with_it(folder, tmp_path):
    whole = png(*LOGO_SIZE)
    (folder / "Logo.PNG").write_bytes(whole[: len(whole) // 2])  # a copy interrupted half way
    assert [problem.message for problem in check_templates(folder, DEFAULT_LEVELS)] == [
        "Le logo templates_word/Logo.PNG n'est pas une image lisible (le fichier est abîmé ou incomplet) : "
        "enregistrez-le de nouveau au format PNG ou JPEG depuis un logiciel d'images, ou retirez-le du "
        "dossier templates_word."
    ]
    (folder / "Logo.PNG").write_text("plus une image", encoding="utf-8")
    with pytest.raises(RelanceError, match=r"^Le logo templates_word/Logo\.PNG n'est pas une image lisible"):
        render_letter(folder / "relance_1.docx", fields(reminder(TRICKY, 1, RAPPEL)), tmp_path / "l.docx")
    assert not (tmp_path / "l.docx").exists()


def test_a_whole_png_logo_passes_and_one_damaged_byte_is_told(folder):
    whole = png(*LOGO_SIZE)
    (folder / "logo.png").write_bytes(whole)
    assert check_templates(folder, DEFAULT_LEVELS) == []
    middle = whole.index(b"IDAT") + 40
    (folder / "logo.png").write_bytes(whole[:middle] + bytes([whole[middle] ^ 0xFF]) + whole[middle + 1 :])
    assert [problem.where for problem in check_templates(folder, DEFAULT_LEVELS)] == [
        "templates_word/logo.png"
    ]
    assert "(le fichier est abîmé ou incomplet)" in check_templates(folder, DEFAULT_LEVELS)[0].message


def test_a_jpeg_logo_taller_than_wide_is_kept_within_the_letterhead(folder, letters, tmp_path):
    # a real JPEG: the first page of a letter, drawn by pdftoppm (portrait, 1.41 times as high as wide)
    subprocess.run(
        ["pdftoppm", "-jpeg", "-r", "20", "-f", "1", "-l", "1", "-singlefile", str(letters["rappel"][1]),
         str(folder / "logo")],
        check=True,
    )  # fmt: skip
    assert (folder / "logo.jpg").is_file()
    assert check_templates(folder, DEFAULT_LEVELS) == []
    target = tmp_path / "lettre.docx"
    render_letter(folder / "relance_1.docx", fields(reminder(TRICKY, 1, RAPPEL)), target)
    shapes = docx.Document(str(target)).inline_shapes
    logo = [shape for shape in shapes if shape.height.cm > shape.width.cm]
    assert len(logo) == 1
    assert logo[0].height.cm == pytest.approx(1.5, abs=0.01)
    assert logo[0].width.cm == pytest.approx(1.5 / 1.414, abs=0.02)


def test_without_a_logo_the_letterhead_is_as_before(letters):
    shapes = docx.Document(str(letters["rappel"][0])).inline_shapes
    assert len(shapes) == 1  # the QR code alone
    assert shapes[0].width.cm == pytest.approx(2.6, abs=0.01)
