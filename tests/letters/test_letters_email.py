"""render_email: the subject from the first line, a plain-text body, names as written, strict fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from letters.templates import render_email
from models.errors import RelanceError
from tests.letters.conftest import ACCENTED, DEMEURE, FERME, RAPPEL, TEMPLATES, TRICKY, fields, reminder

EMAILS = ["relance_1.email.txt", "relance_2.email.txt", "mise_en_demeure.email.txt"]
LEVELS = dict(zip(EMAILS, (RAPPEL, FERME, DEMEURE), strict=True))


@pytest.mark.parametrize("name", EMAILS)
def test_each_shipped_email_gives_its_subject_and_a_plain_body(name):
    item = reminder(TRICKY, 3, LEVELS[name], count=1, last=date(2026, 11, 2))
    subject, body = render_email(TEMPLATES / name, fields(item))
    level = LEVELS[name].label
    assert subject == f"{level} — 3 factures impayées — Menuiserie Lefèvre & Associés"
    for number in ("FA-C0042-001", "FA-C0042-002", "FA-C0042-003"):
        assert f"- facture n° {number} du " in body
    assert "Total dû : 3\u00a0003,00\u00a0€" in body
    assert "au plus tard le 1er décembre 2026" in body
    assert "IBAN FR76 3000 4000 0500 0012 3456 729 – BIC BNPAFRPPXXX" in body
    assert body.startswith("Madame, Monsieur,\n\n")
    assert body.endswith("Claire Lefèvre\nGérante\nMenuiserie Lefèvre & Associés\nTél. : 02 99 12 34 56\n")
    assert "&amp;" not in subject + body and "{" not in body
    assert "\n\n\n" not in body


def test_the_accountants_message_comes_with_its_lines():
    item = reminder(ACCENTED, 1, RAPPEL, message="Suite à notre appel :\nmerci de confirmer <vite> & bien.")
    _, body = render_email(TEMPLATES / "relance_1.email.txt", fields(item))
    assert "la facture suivante n'a pas encore été réglée :\n- facture n° FA-C0042-001" in body
    assert "\n\nSuite à notre appel :\nmerci de confirmer <vite> & bien.\n\n" in body


def test_the_firm_email_recalls_the_previous_reminder():
    _, body = render_email(
        TEMPLATES / "relance_2.email.txt", fields(reminder(level=FERME, count=1, last=date(2026, 11, 2)))
    )
    assert (
        "Nous vous avons déjà écrit à ce sujet le 2 novembre 2026 (rappel amiable). Nous constatons que la "
        "facture suivante reste impayée à ce jour :" in body
    )


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    folder = tmp_path / "templates_word"
    folder.mkdir(exist_ok=True)
    path = folder / "perso.email.txt"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_byte_order_mark_and_windows_line_ends_are_fine(tmp_path):
    path = write(
        tmp_path, "Objet :   Relance {{ client.code }}\r\n\r\n\r\nBonjour,\r\n{{ total_du }}\r\n", "utf-8-sig"
    )
    subject, body = render_email(path, fields(reminder()))
    assert subject == "Relance C0042"
    assert body == "Bonjour,\n1\u00a0000,00\u00a0€\n"


def test_a_field_that_does_not_exist_is_an_error_not_a_blank(tmp_path):
    path = write(tmp_path, "Objet : {{ objet }}\n\nBonjour,\nVotre solde : {{ solde }}\n")
    with pytest.raises(RelanceError) as caught:
        render_email(path, fields(reminder()))
    assert str(caught.value) == (
        "Le modèle templates_word/perso.email.txt utilise un champ qui n'existe pas « solde » "
        "près de « Votre solde : {{ solde }} »."
    )


def test_a_missing_attribute_is_an_error_too(tmp_path):
    path = write(tmp_path, "Objet : {{ client.raison_sociale }}\n\nBonjour\n")
    with pytest.raises(RelanceError, match="utilise un champ qui n'existe pas « raison_sociale »"):
        render_email(path, fields(reminder()))


def test_a_subject_line_is_required(tmp_path):
    path = write(tmp_path, "Bonjour,\n\n{{ total_du }}\n")
    with pytest.raises(RelanceError, match="doit commencer par la ligne « Objet : … »"):
        render_email(path, fields(reminder()))
