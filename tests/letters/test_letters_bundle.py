"""merge_pdfs: every page of every part, in order, written under a temporary name and then renamed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from letters.bundle import merge_pdfs
from models.errors import RelanceError
from tests.letters.conftest import LETTER_CASES, pdf_text


def blank(path: Path, pages: int) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_the_bundle_has_every_page_of_every_letter_in_order(converted, tmp_path):
    parts = [converted[template, label, count][1] for template, label, _, count in LETTER_CASES]
    expected = sum(len(PdfReader(part).pages) for part in parts)
    target = tmp_path / "courriers_2026-11-23.pdf"
    assert merge_pdfs(parts, target) == expected
    assert expected > len(parts)  # the 15-invoice letters take two pages
    assert len(PdfReader(target).pages) == expected
    text = pdf_text(target)
    # In order: the first letter is the rappel amiable, the last the mise en demeure.
    assert text.index("Rappel amiable") < text.index("Relance ferme") < text.index("MISE EN DEMEURE")


def test_invoice_copies_follow_their_letter(converted, tmp_path):
    letter = converted["relance_1.docx", "tricky", 1][1]
    parts = [letter, blank(tmp_path / "FA-1.pdf", 2), blank(tmp_path / "FA-2.pdf", 1)]
    assert merge_pdfs(parts, tmp_path / "lot.pdf") == len(PdfReader(letter).pages) + 3


def test_a_new_bundle_replaces_the_old_one_whole_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "courriers.pdf"
    target.write_bytes(b"old bundle")
    assert merge_pdfs([blank(tmp_path / "a.pdf", 1), blank(tmp_path / "b.pdf", 2)], target) == 3
    assert len(PdfReader(target).pages) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf", "courriers.pdf"]


def test_an_unreadable_part_is_named_and_the_old_bundle_stays_intact(tmp_path):
    target = tmp_path / "courriers.pdf"
    target.write_bytes(b"old bundle")
    broken = tmp_path / "FA-2026-0042.pdf"
    broken.write_bytes(b"%PDF-1.4\nthis is not really a PDF")
    with pytest.raises(RelanceError) as caught:
        merge_pdfs([blank(tmp_path / "a.pdf", 1), broken], target)
    assert str(caught.value) == (
        f"Le PDF FA-2026-0042.pdf de {tmp_path} est illisible : remplacez-le par une copie qui s'ouvre, "
        "ou retirez-le."
    )
    assert target.read_bytes() == b"old bundle"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FA-2026-0042.pdf", "a.pdf", "courriers.pdf"]


def test_a_missing_part_is_named(tmp_path):
    with pytest.raises(RelanceError) as caught:
        merge_pdfs([tmp_path / "FA-9.pdf"], tmp_path / "lot.pdf")
    assert str(caught.value) == f"Le PDF FA-9.pdf est introuvable dans {tmp_path}."
    assert not (tmp_path / "lot.pdf").exists()


def test_nothing_to_merge_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError):
        merge_pdfs([], tmp_path / "lot.pdf")
