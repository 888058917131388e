"""The demo dossier apart: it runs with Relance's own templates, claims its penalties, and its company
never signs letters from another folder; input/ ships empty with a note the reader leaves alone."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import openpyxl
import pytest

from app.demo import is_demo_company
from models.errors import RelanceError
from models.settings import Settings, settings_from_mapping
from sources.exports import find_files
from tests.app.conftest import run, validate
from tests.conftest import ROOT

DAY = "2026-06-15"  # the date the demo is made for


def company_of(path: Path):
    return settings_from_mapping(tomllib.loads(path.read_text(encoding="utf-8"))).company


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """A copy of Relance's own folder: its templates and its demo dossier (without templates)."""
    folder = tmp_path / "Relance"
    folder.mkdir()
    shutil.copytree(ROOT / "templates_word", folder / "templates_word")
    shutil.copytree(ROOT / "demo", folder / "demo", ignore=shutil.ignore_patterns("output"))
    return folder


def sheet_rows(path: Path, sheet: str) -> dict[str, dict[str, object]]:
    rows = list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))
    start = next(n for n, row in enumerate(rows) if row and row[0] == "Code client")
    header = rows[start]
    return {row[0]: dict(zip(header, row, strict=False)) for row in rows[start + 1 :] if row and row[0]}


def test_the_shipped_settings_have_no_sender_and_the_demo_has_the_fictional_one():
    assert company_of(ROOT / "relance.toml").name == ""
    demo = company_of(ROOT / "demo" / "relance.toml")
    assert demo.name == "Atelier Durand Menuiserie SARL" and is_demo_company(demo)
    assert not (ROOT / "demo" / "templates_word").exists()  # Relance's own templates serve


def test_the_demo_claims_its_penalties_with_known_rates(program):
    code, out, err = run(program / "demo", "preparer", day=DAY, root=program)
    assert code == 0, err
    assert "5 anomalies dans les données" in out
    proposal = program / "demo" / "output" / f"proposition_{DAY}.xlsx"
    customers = sheet_rows(proposal, "Clients")
    for code_ in ("CL0006", "CL0007"):
        assert customers[code_]["Niveau"] == 3  # the mise en demeure
        assert customers[code_]["Réclamer pénalités"] == "Oui"
    assert (customers["CL0006"]["Pénalités"], customers["CL0007"]["Pénalités"]) == (653.77, 34.01)
    messages = [row[4] for row in openpyxl.load_workbook(proposal)["Anomalies"].iter_rows(values_only=True)]
    assert not any("taux BCE" in str(message) for message in messages)


def test_the_demo_sends_with_relance_templates(program):
    demo = program / "demo"
    code, _, err = run(demo, "preparer", "--client", "CL0007", "-q", day=DAY, root=program)
    assert code == 0, err
    validate(demo / "output" / f"proposition_{DAY}.xlsx")
    code, out, err = run(demo, "envoyer", "--oui", day=DAY, root=program)
    assert code == 0, err
    (lot,) = (demo / "output" / "lots").iterdir()
    # a mise en demeure by email and post: the emailed copy, and the printed one that says « recommandée »
    assert sorted(p.suffix for p in lot.iterdir()) == [".docx", ".docx", ".eml", ".pdf", ".pdf"]
    assert "Courriers à imprimer et poster" in out


def test_the_demo_company_never_signs_from_another_folder(program):
    office = program / "bureau"
    shutil.copytree(program / "demo", office)  # the demo's settings and exports, elsewhere
    code, _, err = run(office, "preparer", "--client", "CL0007", "-q", day=DAY, root=program)
    assert code == 0, err
    validate(office / "output" / f"proposition_{DAY}.xlsx")
    code, _, err = run(office, "envoyer", "--oui", day=DAY, root=program)
    assert (code, err) == (
        1,
        "Erreur : La section [societe] de relance.toml est celle de la société fictive de démonstration : "
        "indiquez la vôtre avec « python relance.py configurer » avant d'envoyer.\n",
    )
    assert not (office / "output" / "lots").exists()
    # a simulation sends nothing: it may show the demo's letters anywhere
    assert run(office, "envoyer", "--simulation", day=DAY, root=program)[0] == 0


def test_a_sender_is_needed_to_send(program):
    office = program / "bureau"
    shutil.copytree(program / "demo" / "input", office / "input")
    assert run(office, "preparer", "--client", "CL0007", "-q", day=DAY, root=program)[0] == 0
    validate(office / "output" / f"proposition_{DAY}.xlsx")
    assert run(office, "envoyer", "--oui", day=DAY, root=program)[0::2] == (
        1,
        "Erreur : La section [societe] de relance.toml n'a pas de nom d'expéditeur : indiquez votre société "
        "avec « python relance.py configurer » avant d'envoyer.\n",
    )


def test_input_ships_empty_with_a_note_the_reader_ignores(tmp_path):
    shipped = subprocess.run(
        ["git", "ls-files", "input"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shipped == ["input/LISEZMOI.txt"]  # the user's exports never go into the repository
    (tmp_path / "input").mkdir()
    shutil.copy(ROOT / "input" / "LISEZMOI.txt", tmp_path / "input" / "LISEZMOI.txt")
    with pytest.raises(RelanceError, match=r"^Aucun fichier de factures dans "):
        find_files(tmp_path / "input", Settings())
    (tmp_path / "input" / "factures.csv").write_text(
        "N° facture;Code client;Date facture;Échéance;Montant TTC\nF1;C1;01/05/2026;31/05/2026;120,00\n",
        encoding="utf-8",
    )
    found = find_files(tmp_path / "input", Settings())
    assert {kind: [opened.path.name for opened in paths] for kind, paths in found.items() if paths} == {
        "factures": ["factures.csv"]
    }


def test_every_line_of_every_demo_file_is_accounted_for_in_the_summary(program):
    code, _, err = run(program / "demo", "preparer", "-q", day=DAY, root=program)
    assert code == 0, err
    rows = list(
        openpyxl.load_workbook(program / "demo" / "output" / f"proposition_{DAY}.xlsx")["Synthèse"].iter_rows(
            values_only=True
        )
    )
    start = next(n for n, row in enumerate(rows) if row[0] == "Fichier")
    assert rows[start][:7] == ("Fichier", "Lignes", "En-tête", "Utilisées", "Écartées", "Anomalies", "Vides")
    files = {row[0]: row[1:7] for row in rows[start + 1 :] if row[0]}
    assert set(files) == {"clients.csv", "factures.xlsx", "reglements.csv", "relances_precedentes.csv",
                          "devis.xlsx"}
    for name, (lines, header, used, skipped, anomalies, blank) in files.items():
        assert lines == header + used + skipped + anomalies + blank, name
    assert files["factures.xlsx"][4] == 1  # the invoice whose due date is « 31/02/2026 »
