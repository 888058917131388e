"""Letters tests: reminders with awkward customer names, the shipped templates, PDFs read back as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from letters.pdf import to_pdf
from letters.templates import render_letter
from models.records import Customer
from models.reminders import PreviousLetter, Reminder, ReminderInvoice, template_fields
from models.settings import DEFAULT_LEVELS, Company, Level
from tests.conftest import ROOT

TEMPLATES = ROOT / "templates_word"
TODAY = date(2026, 11, 23)
TRICKY = 'Dupont & Fils <SARL> "Le Bon"'
ACCENTED = "Société Générale d'Équipements Élévateurs"
COMPANY = Company(
    name="Menuiserie Lefèvre & Associés",
    address=("12 rue des Artisans", "ZA du Moulin"),
    postal_code="35000",
    city="Rennes",
    phone="02 99 12 34 56",
    email="compta@menuiserie-lefevre.fr",
    siret="812 345 678 00021",
    iban="FR76 3000 4000 0500 0012 3456 729",
    bic="BNPAFRPPXXX",
    signatory="Claire Lefèvre",
    title="Gérante",
)
RAPPEL, FERME, DEMEURE = DEFAULT_LEVELS


def reminder(
    name: str = TRICKY,
    invoices: int = 1,
    level: Level = RAPPEL,
    *,
    code: str = "C0042",
    private: bool = False,
    country: str = "France",
    count: int = 0,
    last: date | None = None,
    message: str = "",
) -> Reminder:
    """`count` letters already sent about every invoice, the last one on `last`, two weeks apart."""
    previous = tuple(
        PreviousLetter(last - timedelta(days=14 * (count - 1 - k)), k + 1, DEFAULT_LEVELS[k].label)
        for k in range(count)
        if last is not None
    )
    lines = tuple(
        ReminderInvoice(
            number=f"FA-{code}-{i + 1:03d}",
            date=date(2026, 8, 1) + timedelta(days=i),
            due_date=date(2026, 9, 1) + timedelta(days=i),
            amount=Decimal("1234.56") + i,
            remaining=Decimal("1000.00") + i,
            days_overdue=(TODAY - date(2026, 9, 1)).days - i,
            level=level.number,
            reminded=tuple(letter.date for letter in previous),
        )
        for i in range(invoices)
    )
    customer = Customer(
        code, name, "compta@client.example", ("Bâtiment B", "45 avenue de la République"), "69003", "Lyon",
        country, private=private,
    )  # fmt: skip
    return Reminder(customer, level, level.channel, lines, message, len(previous), last, previous=previous)


def fields(
    item: Reminder, company: Company = COMPANY, *, postal_copy: bool = False, letter_date: date = TODAY
) -> dict[str, Any]:
    """The letter's fields, its « échues au » date TODAY; dated TODAY unless sent another day."""
    return template_fields(item, company, letter_date, TODAY, postal_copy=postal_copy)


def docx_text(path: Path) -> str:
    """Every paragraph of the body, tables included, in document order; line breaks kept."""
    document = docx.Document(str(path))
    return "\n".join(Paragraph(p, document).text for p in document.element.body.iter(qn("w:p")))


def flat(text: str) -> str:
    """Spaces of any kind (no-break ones in amounts, line ends) as one plain space."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_text(path: Path) -> str:
    result = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, timeout=60)
    return flat(result.stdout.decode("utf-8"))


def pdf_words(path: Path) -> list[tuple[str, float, float, int]]:
    """(word, x, y in points from the top-left corner, page number) from pdftotext -bbox."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode("utf-8")
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', line)
        if found:
            words.append((found.group(3), float(found.group(1)), float(found.group(2)), page))
    return words


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped templates, in a folder named as the user's."""
    target = tmp_path / "templates_word"
    shutil.copytree(TEMPLATES, target)
    return target


def render(template: str, item: Reminder, folder: Path, name: str, letter_date: date = TODAY) -> Path:
    target = folder / f"{name}.docx"
    render_letter(TEMPLATES / template, fields(item, letter_date=letter_date), target)
    return target


LETTER_CASES = [
    (template, label, name, count)
    for template in ("relance_1.docx", "relance_2.docx", "mise_en_demeure.docx")
    for label, name in (("tricky", TRICKY), ("accented", ACCENTED))
    for count in (1, 15)
]


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory, lo_profile: Path) -> dict[tuple, tuple[Path, Path]]:
    """Every shipped template rendered for both names, with 1 and 15 invoices, then made PDF at once."""
    folder = tmp_path_factory.mktemp("letters")
    letters = {}
    for template, label, name, count in LETTER_CASES:
        level = {"relance_1.docx": RAPPEL, "relance_2.docx": FERME}.get(template, DEMEURE)
        item = reminder(name, count, level, count=level.number - 1, last=date(2026, 11, 2))
        letters[template, label, count] = render(
            template, item, folder, f"{Path(template).stem}_{label}_{count}"
        )
    pdfs = to_pdf(list(letters.values()), folder / "pdf", "libreoffice", profile_dir=lo_profile)
    return {key: (path, pdfs[path]) for key, path in letters.items()}
