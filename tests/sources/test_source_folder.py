"""The input/ folder as a whole: which files are read, in which order, and the errors that stop."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models.errors import RelanceError
from models.records import Anomaly, Source
from models.settings import Settings
from sources import read_exports
from sources.exports import kind_of
from tests.sources.samples import copy_samples, read

HEADER = "N° facture;Code client;Date;Échéance;Montant"


def write(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_no_invoice_file_stops_with_the_exact_message(input_dir: Path) -> None:
    write(input_dir / "clients.csv", "Code client;Nom", "C1;Alpha")
    write(input_dir / "facture.csv", HEADER)  # singular: not an export of factures
    with pytest.raises(RelanceError) as caught:
        read_exports(input_dir, Settings())
    assert str(caught.value) == (
        f"Aucun fichier de factures dans {input_dir} : déposez-y l'export des factures "
        f"(nom commençant par « factures ») ou le fichier des écritures comptables (FEC)."
    )


def test_which_files_are_read(input_dir: Path) -> None:
    copy_samples(input_dir, {"factures_b.csv": "factures_lot_b.csv", "Factures_A.CSV": "factures_lot_a.csv"})
    # Excel's owner file of an open workbook, a LibreOffice lock, hidden files, other names and
    # extensions, a subfolder: none of them is read (each would fail if it were).
    (input_dir / "~$factures.xlsx").write_bytes(b"\x00owner")
    (input_dir / ".~lock.factures.xlsx#").write_text("lock")
    (input_dir / ".factures_cachees.csv").write_text("rien")
    (input_dir / "factures.pdf").write_bytes(b"%PDF-1.4")
    (input_dir / "notes.csv").write_text("rien")
    (input_dir / "archive.xlsx").write_bytes(b"PK\x03\x04 not a workbook")  # no export: not read
    (input_dir / "factures_archives").mkdir()
    write(input_dir / "factures_archives" / "factures.csv", "rien")
    exports = read_exports(input_dir, Settings())
    assert exports.files == {
        "factures": ("Factures_A.CSV", "factures_b.csv"), "reglements": (), "clients": (),
        "relances": (), "fec": (), "ecritures": (),
    }
    # Concatenated in name order; a number seen in an earlier file wins.
    assert [(i.number, i.customer_code, i.source) for i in exports.invoices] == [
        ("L-1", "C001", Source("Factures_A.CSV", 2)),
        ("L-2", "C002", Source("Factures_A.CSV", 3)),
        ("L-3", "C003", Source("factures_b.csv", 2)),
    ]
    assert exports.anomalies == (
        Anomaly("factures_b.csv", 3, "N° facture", "L-1",
                "Numéro de facture déjà présent (Factures_A.CSV ligne 2) : ligne ignorée."),
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("factures.xlsx", "factures"), ("FACTURES 2026.XLSM", "factures"), ("factures.ods", "factures"),
        ("reglements.csv", "reglements"), ("Règlements.txt", "reglements"),
        ("re\u0300glements.csv", "reglements"),  # macOS spells é as e + combining accent
        ("paiements.xls", "reglements"), ("clients.csv", "clients"), ("relances.csv", "relances"),
        ("~$factures.xlsx", None), (".factures.csv", None), ("factures.xlsb", None),
        ("factures.pdf", None), ("export_factures.csv", None), ("facture.csv", None),
    ],
)
def test_kind_of_file_names(name: str, kind: str | None) -> None:
    assert kind_of(name) == kind


def test_missing_column_exact_message(input_dir: Path) -> None:
    with pytest.raises(RelanceError) as caught:
        read(input_dir, {"factures.csv": "factures_sans_numero.csv"})
    assert str(caught.value) == (
        "Le fichier factures.csv n'a pas de colonne « N° facture » (colonnes trouvées : Num, Client, "
        "Date, Montant). Renommez la colonne ou indiquez son titre dans relance.toml, section "
        "[colonnes.factures]."
    )


def test_missing_column_lists_the_best_header_candidate(input_dir: Path) -> None:
    write(input_dir / "factures.csv", HEADER)
    write(input_dir / "reglements.csv", "Relevé de banque", "Date;Code client;Débit", "01/02/2026;C1;5")
    with pytest.raises(RelanceError) as caught:
        read_exports(input_dir, Settings())
    assert str(caught.value) == (
        "Le fichier reglements.csv n'a pas de colonne « Montant » (colonnes trouvées : Date, "
        "Code client, Débit). Renommez la colonne ou indiquez son titre dans relance.toml, section "
        "[colonnes.reglements]."
    )


def test_empty_file_has_no_columns(input_dir: Path) -> None:
    write(input_dir / "factures.csv", HEADER)
    (input_dir / "clients.csv").write_bytes(b"")
    with pytest.raises(RelanceError, match=r"« Code client » \(colonnes trouvées : aucune\)"):
        read_exports(input_dir, Settings())


def test_header_must_be_in_the_first_twenty_rows(input_dir: Path) -> None:
    write(input_dir / "factures.csv", *[f"Titre {n}" for n in range(20)], HEADER, "F1;C1;;01/02/2026;5")
    with pytest.raises(RelanceError, match=r"« N° facture » \(colonnes trouvées : Titre 0\)"):
        read_exports(input_dir, Settings())
    write(input_dir / "factures.csv", *[f"Titre {n}" for n in range(19)], HEADER, "F1;C1;;01/02/2026;5")
    assert read_exports(input_dir, Settings()).invoices[0].source == Source("factures.csv", 21)


def test_column_overrides_replace_the_synonyms(input_dir: Path) -> None:
    copy_samples(input_dir, {"factures.csv": "factures_colonnes_perso.csv"})
    with pytest.raises(RelanceError, match="« N° facture »"):
        read_exports(input_dir, Settings())
    settings = Settings(columns={"factures": {"numero": "Pièce comptable", "montant": "NET À PAYER"}})
    (invoice,) = read_exports(input_dir, settings).invoices
    assert (invoice.number, invoice.customer_code, invoice.amount) == ("P-1", "T1", Decimal("100.00"))
    # An overridden title that is not there is named as written in relance.toml.
    settings = Settings(columns={"factures": {"numero": "Réf. pièce"}})
    with pytest.raises(RelanceError, match=r"^Le fichier factures.csv n'a pas de colonne « Réf. pièce »"):
        read_exports(input_dir, settings)


def test_unknown_override_key(input_dir: Path) -> None:
    copy_samples(input_dir, {"factures.csv": "factures_lot_a.csv"})
    with pytest.raises(RelanceError) as caught:
        read_exports(input_dir, Settings(columns={"factures": {"numro": "N°"}}))
    assert str(caught.value) == (
        "Dans relance.toml, la section [colonnes.factures] a une clé inconnue « numro » : "
        "vouliez-vous dire numero ?"
    )
    with pytest.raises(RelanceError) as caught:
        read_exports(input_dir, Settings(columns={"factures": {"ref_interne": "N°"}}))
    assert str(caught.value).startswith(
        "Dans relance.toml, la section [colonnes.factures] a une clé inconnue « ref_interne » "
        "(clés possibles : numero, client, nom, date, echeance, montant, regle, reste_du,"
    )


def test_row_numbers_are_physical_lines(input_dir: Path) -> None:
    write(
        input_dir / "factures.csv",
        "",
        HEADER + ";Nom client",
        "",
        "   ;  ;  ",  # only spaces: blank, skipped silently
        'F1;C1;05/01/2026;04/02/2026;10;"Nom sur',
        'deux lignes"',
        "F2;C2;05/01/2026;04/02/2026",  # stops early: missing cells are empty
        "F3;C3;05/01/2026;04/02/2026;30",
    )
    exports = read_exports(input_dir, Settings())
    assert [(i.number, i.customer_name, i.source.row) for i in exports.invoices if i.source] == [
        ("F1", "Nom sur\ndeux lignes", 5), ("F3", "", 8)
    ]
    assert exports.anomalies == (
        Anomaly("factures.csv", 7, "Montant", "", "Montant vide : ligne ignorée."),
    )


def test_quote_left_open(input_dir: Path) -> None:
    # On the last line, Python's csv closes it silently.
    write(input_dir / "factures.csv", HEADER, 'F1;C1;05/01/2026;04/02/2026;"10')
    exports = read_exports(input_dir, Settings())
    assert [i.amount for i in exports.invoices] == [Decimal("10.00")]
    # Earlier, it would swallow every line after it: the line is reported with the lines it
    # swallowed, and those lines are read one by one.
    rows = [f"F{n};C1;05/01/2026;04/02/2026;{n}" + ";" * 40 for n in range(5000)]
    write(input_dir / "factures.csv", HEADER, 'F;C1;"05/01/2026;04/02/2026;10', *rows)
    exports = read_exports(input_dir, Settings())
    assert [(i.number, i.source.row) for i in exports.invoices][::4999] == [("F0", 3), ("F4999", 5002)]
    assert len(exports.invoices) == 5000
    assert exports.anomalies == (
        Anomaly("factures.csv", 2, "Date", "05/01/2026;04/02/2026;10",
                "Guillemet ouvert dans cette cellule et jamais refermé : il avalait les lignes 2 à "
                "5002. La ligne 2 est ignorée, les suivantes sont lues normalement."),
    )
    report = exports.files_report["factures.csv"]
    assert (report.lines, report.header, report.used, report.anomalies, report.blank) == (5002, 1, 5000, 1, 0)


def test_quote_closed_lines_later_swallows_nothing(input_dir: Path) -> None:
    # A quote opened in a field and closed by a stray inch mark 6 lines below: the 6 invoices in
    # between are read, the opening line is said, no line is lost.
    write(
        input_dir / "factures.csv",
        HEADER + ";Nom client",
        'F1;C1;05/01/2026;04/02/2026;10;"Écran',
        *[f"F{n};C1;05/01/2026;04/02/2026;{n}0;Client {n}" for n in range(2, 8)],
        'F8;C1;05/01/2026;04/02/2026;80;Vis 3" inox',
        "F9;C1;05/01/2026;04/02/2026;90;Dernier",
    )
    exports = read_exports(input_dir, Settings())
    assert [(i.number, i.customer_name, i.source.row) for i in exports.invoices] == [
        ("F1", "Écran", 2), *[(f"F{n}", f"Client {n}", n + 1) for n in range(2, 8)],
        ("F8", 'Vis 3" inox', 9), ("F9", "Dernier", 10),
    ]
    assert exports.anomalies == (
        Anomaly("factures.csv", 2, "Nom client", "Écran",
                "Guillemet ouvert dans cette cellule et refermé seulement ligne 9 : il avalait les "
                "lignes 2 à 9. La ligne 2 est lue jusqu'à sa fin, les suivantes sont lues normalement."),
    )
    report = exports.files_report["factures.csv"]
    assert report.used == 9 and report.balanced


def test_a_quoted_field_on_two_lines_is_no_open_quote(input_dir: Path) -> None:
    write(input_dir / "factures.csv", HEADER + ";Nom client",
          'F1;C1;05/01/2026;04/02/2026;10;"Nom sur', 'deux lignes"', "F2;C2;05/01/2026;04/02/2026;20;B")
    exports = read_exports(input_dir, Settings())
    assert [(i.customer_name, i.source.row) for i in exports.invoices] == [
        ("Nom sur\ndeux lignes", 2), ("B", 4)]
    assert exports.anomalies == ()
    assert exports.files_report["factures.csv"].used == 3


def test_amounts_that_disagree_keep_the_row(input_dir: Path) -> None:
    write(
        input_dir / "factures.csv",
        HEADER + ";Réglé;Reste dû",
        "F1;C1;05/01/2026;04/02/2026;100,00;40;60",
        "F2;C1;05/01/2026;04/02/2026;1 100,00;40;60",
        "F3;C1;05/01/2026;04/02/2026;100,00;quarante;60",
    )
    exports = read_exports(input_dir, Settings())
    assert [(i.number, i.paid, i.remaining) for i in exports.invoices] == [
        ("F1", Decimal("40.00"), Decimal("60.00")),
        ("F2", Decimal("40.00"), Decimal("60.00")),
        ("F3", None, Decimal("60.00")),
    ]
    assert exports.anomalies == (
        Anomaly("factures.csv", 3, "Reste dû", "60", "Montant TTC − réglé (1 060,00) ≠ reste dû (60,00)."),
        Anomaly("factures.csv", 4, "Réglé", "quarante", "Montant illisible : valeur ignorée."),
    )


def test_the_same_code_twice_in_two_clients_files(input_dir: Path) -> None:
    write(input_dir / "factures.csv", HEADER)
    write(input_dir / "clients_1.csv", "Code;Nom", "C1;Alpha")
    write(input_dir / "clients_2.csv", "Code;Nom", "C2;Beta", "C1;Alpha bis")
    exports = read_exports(input_dir, Settings())
    assert {code: c.name for code, c in exports.customers.items()} == {"C1": "Alpha", "C2": "Beta"}
    assert exports.anomalies == (
        Anomaly("clients_2.csv", 3, "Code", "C1",
                "Code client déjà présent (clients_1.csv ligne 2) : ligne ignorée."),
    )


def test_invoice_dates_of_every_shape_in_one_file(input_dir: Path) -> None:
    write(
        input_dir / "factures.csv",
        HEADER,
        "F1;C1;05/03/2026;05/04/26;1",
        "F2;C1;2026-03-05;20260405;1",
        "F3;C1;05.03.2026 14:30;46117;1",
        encoding="cp1252",
    )
    exports = read_exports(input_dir, Settings())
    assert {(i.date, i.due_date) for i in exports.invoices} == {(date(2026, 3, 5), date(2026, 4, 5))}


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads every file")
def test_file_held_by_another_program(input_dir: Path) -> None:
    locked = write(input_dir / "factures.csv", HEADER)
    locked.chmod(0)
    try:
        with pytest.raises(RelanceError, match="fermez-le dans Excel"):
            read_exports(input_dir, Settings())
    finally:
        locked.chmod(0o644)


def test_content_decides_between_csv_and_spreadsheet(input_dir: Path) -> None:
    # "Export Excel" of many programs: tab-separated text named .xls; and a workbook named .csv.
    write(input_dir / "factures.xls", "N° facture\tCode client\tDate\tÉchéance\tMontant",
          "T1\tC1\t05/01/2026\t04/02/2026\t12,50", encoding="cp1252")
    copy_samples(input_dir, {"factures_suite.csv": "factures_excel.xlsx"})
    exports = read_exports(input_dir, Settings())
    assert [(i.number, i.source) for i in exports.invoices] == [
        ("T1", Source("factures.xls", 2)),
        ("1042", Source("factures_suite.csv", 4)),
        ("F-1043", Source("factures_suite.csv", 5)),
        ("F-1044", Source("factures_suite.csv", 6)),
        ("F-1047", Source("factures_suite.csv", 11)),
    ]
