"""The command line as users meet it: exact French messages and exit codes, on real files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from app.cli import main
from tests.conftest import ROOT

NOW = datetime(2026, 11, 23, 9, 0)
DEMO = ROOT / "demo" / "input"
DEMO_DAY = "2026-06-15"  # the date the demo is made for (scripts/README_demo.md)


def run(*args: str, root: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), root or ROOT, stdout=out, stderr=err, now=NOW)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A working folder holding a copy of the demo exports."""
    shutil.copytree(DEMO, tmp_path / "input")
    return tmp_path


def write_csv(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (folder / "input").mkdir(exist_ok=True)
    (folder / "input" / name).write_text(text, encoding=encoding)


def test_prepare_on_demo_data(folder):
    code, out, err = run("preparer", "--dossier", str(folder), "--date", "2026-06-15")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Proposition écrite : output/proposition_2026-06-15.xlsx"
    assert lines[1].startswith("  22 clients à relancer (")
    assert lines[-1] == (
        "Ouvrez le fichier, vérifiez-le, mettez « Envoi validé » à Oui, enregistrez, puis relancez Relance "
        "pour envoyer."
    )
    assert "Lecture des exports de input" in err
    assert (folder / "output" / "proposition_2026-06-15.xlsx").exists()


def test_a_second_preparation_never_overwrites(folder):
    assert run("--dossier", str(folder), "--date", "2026-06-15", "-q")[0] == 0
    first = folder / "output" / "proposition_2026-06-15.xlsx"
    book = openpyxl.load_workbook(first)
    book["Synthèse"]["B3"] = "Oui"
    book.save(first)
    code, out, err = run("preparer", "--dossier", str(folder), "--date", "2026-06-15", "-q")
    assert (code, out, err) == (0, "Proposition écrite : output/proposition_2026-06-15_2.xlsx\n", "")
    assert openpyxl.load_workbook(first)["Synthèse"]["B3"].value == "Oui"


def test_etat_reports_waiting_and_validated_proposals(folder):
    run("preparer", "--dossier", str(folder), "--date", "2026-06-14", "-q")
    run("preparer", "--dossier", str(folder), "--date", "2026-06-15", "-q")
    older = folder / "output" / "proposition_2026-06-14.xlsx"
    book = openpyxl.load_workbook(older)
    book["Synthèse"]["B3"] = "Oui"
    book.save(older)
    code, out, _ = run("etat", "--dossier", str(folder))
    assert code == 0
    assert out.splitlines() == [
        "Proposition output/proposition_2026-06-15.xlsx (échéances au 15/06/2026) : "
        "en attente de validation ; pour l'envoyer, mettez Oui en Synthèse!B3.",
        "Proposition output/proposition_2026-06-14.xlsx (échéances au 14/06/2026) : "
        "remplacée par proposition_2026-06-15.xlsx, plus récente ; elle ne sera pas envoyée.",
        "Journal : aucune relance envoyée pour l'instant.",
        "Derniers passages :",
        "  23/11/2026 09:00 preparer (manuel) : terminé — 22 clients, 5 anomalies, 3 devis",
        "  23/11/2026 09:00 preparer (manuel) : terminé — 21 clients, 5 anomalies, 3 devis",
    ]


def test_etat_with_nothing(tmp_path):
    (tmp_path / "input").mkdir()
    assert run("etat", "--dossier", str(tmp_path)) == (
        0,
        "Aucune proposition en attente dans output/ : lancez « preparer ».\n"
        "Journal : aucune relance envoyée pour l'instant.\n",
        "",
    )


def test_no_invoices_file(tmp_path):
    (tmp_path / "input").mkdir()
    code, out, err = run("preparer", "--dossier", str(tmp_path))
    assert (code, out) == (1, "")
    assert err.splitlines()[-1] == (
        f"Erreur : Aucun fichier de factures dans {tmp_path / 'input'} : déposez-y l'export des factures "
        "(nom commençant par « factures ») ou le fichier des écritures comptables (FEC)."
    )
    assert not list((tmp_path / "output").glob("proposition_*"))


def test_missing_column_names_file_and_columns_found(tmp_path):
    write_csv(tmp_path, "factures.csv", "Num;Client;Date;Montant\nF1;C1;01/10/2026;100,00\n")
    code, _, err = run("preparer", "--dossier", str(tmp_path), "--date", "2026-11-23")
    assert code == 1
    assert err.splitlines()[-1] == (
        "Erreur : Le fichier factures.csv n'a pas de colonne « N° facture » (colonnes trouvées : "
        "Num, Client, Date, Montant). Renommez la colonne ou indiquez son titre dans relance.toml, "
        "section [colonnes.factures]."
    )


def test_column_override_in_relance_toml(tmp_path):
    write_csv(
        tmp_path,
        "factures.csv",
        "Num;Client;Date;Échéance;Montant\nF1;C1;01/09/2026;01/10/2026;100,00\n",
        encoding="cp1252",
    )
    write_csv(tmp_path, "clients.csv", "Code client;Nom;Email\nC1;Client Un;compta@un.example\n")
    (tmp_path / "relance.toml").write_text('[colonnes.factures]\nnumero = "Num"\n', encoding="utf-8")
    code, out, err = run("preparer", "--dossier", str(tmp_path), "--date", "2026-11-23")
    assert code == 0, err
    assert "1 client à relancer (1 facture, 100,00 €)" in out


def test_bad_relance_toml(tmp_path):
    (tmp_path / "input").mkdir()
    (tmp_path / "relance.toml").write_text("[relance]\nmontant_minimum = = 3\n", encoding="utf-8")
    assert run("preparer", "--dossier", str(tmp_path))[0:2] == (1, "")
    assert run("preparer", "--dossier", str(tmp_path))[2].splitlines()[-1] == (
        "Erreur : Le fichier relance.toml est mal écrit à la ligne 2, colonne 19 : vérifiez les guillemets, "
        "les = et les crochets."
    )


def test_bad_value_in_relance_toml(tmp_path):
    (tmp_path / "input").mkdir()
    (tmp_path / "relance.toml").write_text('[relance]\nmontant_minimum = "dix"\n', encoding="utf-8")
    code, _, err = run("preparer", "--dossier", str(tmp_path))
    assert (code, err) == (
        1,
        "Erreur : Dans relance.toml, la valeur de « relance.montant_minimum » est incorrecte : il faut un "
        "montant, par exemple 10.\n",
    )


def test_typos_in_relance_toml_are_named_with_the_closest_name(tmp_path):
    (tmp_path / "input").mkdir()
    (tmp_path / "relance.toml").write_text("[relance]\nmontant_minimun = 5\n", encoding="utf-8")
    assert run("preparer", "--dossier", str(tmp_path))[0::2] == (
        1,
        "Erreur : Dans relance.toml, la section [relance] a une clé inconnue « montant_minimun » : "
        "vouliez-vous dire montant_minimum ?\n",
    )
    (tmp_path / "relance.toml").write_text('[pfd]\nconvertisseur = "word"\n', encoding="utf-8")
    assert run("etat", "--dossier", str(tmp_path))[0::2] == (
        1,
        "Erreur : Dans relance.toml, la section [pfd] est inconnue : vouliez-vous dire [pdf] ?\n",
    )


def test_missing_folder(tmp_path):
    code, _, err = run("preparer", "--dossier", str(tmp_path / "absent"))
    assert (code, err) == (
        1,
        f"Erreur : Le dossier {tmp_path / 'absent'} n'existe pas : vérifiez l'option --dossier.\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--date", "31/02/2026"],
            "option --date : « 31/02/2026 » n'est pas une date JJ/MM/AAAA ou AAAA-MM-JJ (ex. 23/11/2026)",
        ),
        (
            ["envoyr"],
            "option COMMANDE : choix inconnu : 'envoyr' "
            "(possibles : 'planifier', 'preparer', 'envoyer', 'annuler', 'etat', 'taux', 'configurer', "
            "'tester-email')",
        ),
        (["--inconnu"], "arguments non reconnus : --inconnu"),
        (["-q", "-v"], "option -v/--verbose : incompatible avec l'option -q/--quiet"),
    ],
)
def test_bad_command_line_exits_2_in_french(args, message, capsys):
    code, out, _ = run(*args)
    assert (code, out) == (2, "")
    err = capsys.readouterr().err
    assert (
        err.splitlines()[-1] == f"Ligne de commande incorrecte : {message}. Aide : python relance.py --help"
    )


def test_date_the_french_way(folder):
    code, out, err = run("preparer", "--dossier", str(folder), "--date", "15/06/2026", "-q")
    assert (code, out, err) == (0, "Proposition écrite : output/proposition_2026-06-15.xlsx\n", "")


def test_a_reader_that_stops_reading_ends_the_run_quietly(tmp_path):
    """`relance.py etat | head -1`: the reader closes the pipe before Relance has finished writing."""
    (tmp_path / "input").mkdir()
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first line
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "relance.py"), "etat", "--dossier", str(tmp_path)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (0, "")


def test_help_is_french(capsys):
    assert run("--help")[0] == 0
    text = capsys.readouterr().out
    assert "afficher cette aide et quitter" in text and "preparer : lire les exports" in text


def test_double_click_uses_the_folder_of_relance_py_not_the_current_directory(tmp_path, closed_url):
    """As the Task Scheduler or Explorer start it: another current directory, no --dossier."""
    install = tmp_path / "Relance"
    install.mkdir()
    # Another process: the ECB kept out of reach by its settings (2026-S2 is missing, `preparer` fetches).
    (install / "relance.toml").write_text(f'[penalites]\nsource_bce = "{closed_url}"\n', encoding="utf-8")
    for name in ("relance.py", "app", "models", "sources", "workbook", "journal", "letters", "mail"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, install / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, install / name)
    shutil.copytree(DEMO, install / "input")
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, str(install / "relance.py"), "--date", "2026-06-15"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Proposition écrite : output/proposition_2026-06-15.xlsx\n")
    assert (install / "output" / "proposition_2026-06-15.xlsx").exists()
    assert not any(elsewhere.iterdir())


def test_filters_on_the_command_line_and_in_the_summary(tmp_path):
    write_csv(
        tmp_path,
        "clients.csv",
        "Code client;Nom;Email;Famille\nC1;Un;a@un.example;BTP\nC2;Deux;b@deux.example;Commerce\n",
    )
    write_csv(
        tmp_path,
        "factures.csv",
        "N° facture;Code client;Date;Échéance;Montant\nF1;C1;01/09/2026;01/10/2026;100\n"
        "F2;C2;01/09/2026;01/10/2026;200\n",
    )
    (tmp_path / "relance.toml").write_text('[filtres]\nfamille = "Commerce"\n', encoding="utf-8")
    code, out, _ = run("preparer", "--dossier", str(tmp_path), "--date", "2026-11-23")
    assert code == 0 and "1 client à relancer (1 facture, 200,00 €)" in out
    code, out, _ = run("preparer", "--dossier", str(tmp_path), "--date", "2026-11-23", "--famille", "BTP")
    assert code == 0 and "1 client à relancer (1 facture, 100,00 €)" in out
    summary = openpyxl.load_workbook(tmp_path / "output" / "proposition_2026-11-23_2.xlsx")["Synthèse"]
    assert ["Filtres", "Famille : BTP"] in [[c.value for c in row[:2]] for row in summary.iter_rows()]
    assert "ne reste avec les filtres" not in out
    assert run("envoyer", "--dossier", str(tmp_path), "--famille", "BTP")[0] == 2
    # A filter that keeps nobody (a typo, most likely) is said, not just « aucun client à relancer ».
    code, out, _ = run("preparer", "--dossier", str(tmp_path), "--date", "2026-11-23", "--famille", "BPT")
    assert code == 0 and "  Aucun client ne reste avec les filtres (Famille : BPT) : vérifiez-les" in out
