"""The « Société » column with [[societes]]: each row's company read from real files, and every row that
names none told with its file, line and column."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from models.problems import Problems
from models.records import Anomaly
from models.settings import Company, Settings, settings_from_mapping
from sources import read_exports
from sources.companies import CompanyColumn, split_frames
from sources.quotes import quote_files, read_quotes
from tests.sources.samples import copy_samples, read

TWO = Settings(companies=(Company(name="Lyon SARL", code="LYON"), Company(name="Paris SAS", code="PARIS")))
FILES = {
    "factures.xlsx": "societes/factures_societes.xlsx",
    "reglements.csv": "societes/reglements_societes.csv",
    "clients.csv": "societes/clients_societes.csv",
}


def test_each_row_has_the_code_of_its_company(input_dir: Path) -> None:
    exports = read(input_dir, FILES, TWO)
    invoices = exports.frames.invoices
    assert list(zip(invoices["number"], invoices["company"], strict=True)) == [
        ("FA-001", "LYON"), ("FA-002", "LYON"), ("AV-001", "LYON"),
        ("FA-001", "PARIS"), ("FA-009", "PARIS"), ("FA-003", "PARIS"), ("FA-004", "PARIS"),
    ]  # the same number in two companies is two invoices, not a duplicate
    assert list(exports.frames.payments["company"]) == ["PARIS", "PARIS", "LYON"]
    customers = exports.frames.customers
    assert list(zip(customers["code"], customers["company"], strict=True)) == [
        ("C1", "LYON"), ("C1", "PARIS"), ("C2", ""), ("C3", "LYON"), ("C4", "PARIS"),
    ]  # C1 twice: one customer in each company; C2 names none: a customer of both
    assert exports.anomalies == ()


def test_split_gives_each_company_its_rows_and_customers(input_dir: Path) -> None:
    parts = dict(split_frames(read(input_dir, FILES, TWO).frames, TWO))
    assert list(parts) == ["LYON", "PARIS"]
    lyon, paris = parts["LYON"], parts["PARIS"]
    assert list(lyon.invoices["number"]) == ["FA-001", "FA-002", "AV-001"]
    assert list(paris.invoices["number"]) == ["FA-001", "FA-009", "FA-003", "FA-004"]
    assert "company" not in lyon.invoices and "company" not in lyon.payments  # the one-company schema
    assert list(lyon.payments["reference"]) == ["FA-001"]
    assert dict(zip(lyon.customers["code"], lyon.customers["name"], strict=True)) == {
        "C1": "Boulangerie Martin", "C3": "Dupont & Fils", "C2": "Garage Lemoine",
    }  # fmt: skip
    assert dict(zip(paris.customers["code"], paris.customers["name"], strict=True)) == {
        "C1": "Boulangerie Martin Paris", "C4": "Café de l'Étoile", "C2": "Garage Lemoine",
    }  # fmt: skip
    assert set(lyon.customers["company"]) == {"LYON"} and set(paris.customers["company"]) == {"PARIS"}


def test_one_company_reads_as_before(input_dir: Path) -> None:
    exports = read(input_dir, FILES)
    assert "company" not in exports.frames.invoices
    # « Société » is then nobody's company: the second FA-001 is a number seen before, C1 a code too.
    assert [a.message for a in exports.anomalies] == [
        "Code client déjà présent (clients.csv ligne 2) : ligne ignorée.",
        "Numéro de facture déjà présent (factures.xlsx ligne 2) : ligne ignorée.",
    ]


def test_every_row_naming_no_company_is_told_with_its_file_line_and_column(input_dir: Path) -> None:
    copy_samples(input_dir, {"factures.csv": "societes/factures_societes_erreurs.csv"})
    payments = "Date;Code client;Montant\n01/11/2026;C1;10\n"
    (input_dir / "reglements.csv").write_text(payments, encoding="utf-8")
    with pytest.raises(Problems) as caught:
        read_exports(input_dir, TWO)
    assert caught.value.message.splitlines() == [
        "Les exports de input/ ne disent pas de quelle société est chaque ligne ([[societes]] dans "
        "relance.toml) ; rien n'est préparé (3 points à corriger) :",
        "  - factures.csv, lignes 3, 5, colonne « Société » : « Marseille » n'est le code d'aucune société "
        "de relance.toml (LYON, PARIS) ; corrigez la cellule, ou ajoutez cette société dans un bloc "
        "[[societes]].",
        "  - factures.csv, ligne 4, colonne « Société » : vide ; chaque ligne dit sa société "
        "(LYON, PARIS).",
        "  - Le fichier reglements.csv n'a pas de colonne « Société » (colonnes trouvées : Date, "
        "Code client, Montant) : avec plusieurs sociétés ([[societes]] dans relance.toml), chaque "
        "facture et chaque règlement dit la sienne. Ajoutez la colonne, ou indiquez son titre dans "
        "relance.toml, section [colonnes.reglements], clé societe.",
    ]


# --- the quotes (devis*) -------------------------------------------------------------------------------


def test_each_quote_is_its_companys_and_two_companies_may_number_alike(input_dir: Path) -> None:
    copy_samples(input_dir, {"devis.xlsx": "societes/devis_societes.xlsx"})
    column = CompanyColumn(TWO)
    read = read_quotes(quote_files(input_dir), TWO, column)
    assert [(q.key, q.customer_code, q.customer_name) for q in read.quotes] == [
        (("LYON", "D-001"), "C1", ""), (("PARIS", "D-001"), "C1", ""), (("PARIS", "D-002"), "C2", ""),
        (("LYON", "D-002"), "C3", ""), (("LYON", "D-003"), "C3", ""),
    ]  # fmt: skip
    assert (read.anomalies, column.problems) == ((), [])
    # One company: « Société » is then no company (a name), and the second D-001 a number seen before.
    read = read_quotes(quote_files(input_dir), Settings())
    assert [q.key for q in read.quotes] == [("", "D-001"), ("", "D-002"), ("", "D-003")]
    assert read.quotes[0].customer_name == "LYON"


def test_a_quote_naming_no_company_is_told_with_the_exports_and_a_number_twice_in_one_company(
    input_dir: Path,
) -> None:  # fmt: skip
    copy_samples(input_dir, {"devis.csv": "societes/devis_societes_erreurs.csv",
                             "factures.csv": "societes/factures_societes_erreurs.csv"})  # fmt: skip
    column = CompanyColumn(TWO)
    read = read_quotes(quote_files(input_dir), TWO, column)
    # no company for D-102 and D-103: their problems below stop the preparation
    assert [q.key for q in read.quotes] == [
        ("LYON", "D-101"), ("", "D-102"), ("", "D-103"), ("PARIS", "D-101"),
    ]  # fmt: skip
    assert read.anomalies == (
        Anomaly("devis.csv", 6, "N° devis", "D-101",
                "Numéro de devis déjà présent (devis.csv ligne 2) : ligne ignorée."),
    )  # fmt: skip
    with pytest.raises(Problems) as caught:
        read_exports(input_dir, TWO, column)
    assert caught.value.message.splitlines()[1:] == [
        "  - devis.csv, ligne 3, colonne « Société » : « Marseille » n'est le code d'aucune société de "
        "relance.toml (LYON, PARIS) ; corrigez la cellule, ou ajoutez cette société dans un bloc "
        "[[societes]].",
        "  - devis.csv, ligne 4, colonne « Société » : vide ; chaque ligne dit sa société (LYON, PARIS).",
        "  - factures.csv, lignes 3, 5, colonne « Société » : « Marseille » n'est le code d'aucune société "
        "de relance.toml (LYON, PARIS) ; corrigez la cellule, ou ajoutez cette société dans un bloc "
        "[[societes]].",
        "  - factures.csv, ligne 4, colonne « Société » : vide ; chaque ligne dit sa société "
        "(LYON, PARIS).",
    ]


def test_a_quote_file_without_its_company_column_is_told_and_colonnes_devis_names_it(input_dir: Path) -> None:
    (input_dir / "devis.csv").write_text(
        "N° devis;Code client;Date;Validité;Montant;Entreprise émettrice\n"
        "D1;C1;01/09/2026;01/10/2026;10;Lyon\n",
        encoding="utf-8",
    )
    column = CompanyColumn(TWO)
    read_quotes(quote_files(input_dir), TWO, column)
    assert [problem.message for problem in column.problems] == [
        "Le fichier devis.csv n'a pas de colonne « Société » (colonnes trouvées : N° devis, Code client, "
        "Date, Validité, Montant, Entreprise émettrice) : avec plusieurs sociétés ([[societes]] dans "
        "relance.toml), chaque devis dit la sienne. Ajoutez la colonne, ou indiquez son titre dans "
        "relance.toml, section [colonnes.devis], clé societe."
    ]
    own = settings_from_mapping({"colonnes": {"devis": {"societe": "Entreprise émettrice"}}})
    named = replace(own, companies=TWO.companies)
    column = CompanyColumn(named)
    (quote,) = read_quotes(quote_files(input_dir), named, column).quotes
    assert (quote.key, column.problems) == (("LYON", "D1"), [])
