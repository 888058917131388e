"""Editing relance.toml with tomlkit: comments kept, levels by post, nothing written that Relance refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.settings_file import post_only, read_document, save_document, set_company
from models.errors import RelanceError
from tests.conftest import ROOT


def test_a_file_without_levels_gets_the_default_ones_by_post(tmp_path: Path):
    path = tmp_path / "relance.toml"
    path.write_text("# mes réglages\n[relance]\nmontant_minimum = 50  # pas en dessous\n", encoding="utf-8")
    document = read_document(path)
    set_company(document, {"nom": "ACME", "adresse": ["1 rue Neuve"]})
    assert post_only(document) == 3
    settings = save_document(document, path)
    assert [level.channel for level in settings.levels] == ["courrier"] * 3
    assert settings.levels[2].claims_penalties and settings.company.name == "ACME"
    assert path.read_text(encoding="utf-8").startswith(
        "# mes réglages\n[relance]\nmontant_minimum = 50  # pas en dessous\n"
    )


def test_a_missing_file_starts_from_the_shipped_one(tmp_path: Path):
    document = read_document(tmp_path / "relance.toml", ROOT / "relance.toml")
    set_company(document, {"nom": "ACME"})
    save_document(document, tmp_path / "relance.toml")
    text = (tmp_path / "relance.toml").read_text(encoding="utf-8")
    assert text.startswith("# Réglages de Relance.") and 'nom = "ACME"' in text


def test_nothing_is_written_that_relance_would_refuse(tmp_path: Path):
    path = tmp_path / "relance.toml"
    path.write_text("[relance]\nmontant_minimun = 5\n", encoding="utf-8")
    document = read_document(path)
    set_company(document, {"nom": "ACME"})
    with pytest.raises(RelanceError, match="vouliez-vous dire montant_minimum"):
        save_document(document, path)
    assert path.read_text(encoding="utf-8") == "[relance]\nmontant_minimun = 5\n"
