"""Exports in the layouts of the software French businesses use (tests/data/layouts, docs/exports.md)."""

from __future__ import annotations

import random
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models.errors import RelanceError
from models.records import Anomaly
from models.settings import Settings
from sources import read_exports
from tests.sources.samples import DATA

LAYOUTS = DATA / "layouts"


def read(folder: Path, name: str, target: str, settings: Settings | None = None):
    shutil.copyfile(LAYOUTS / name, folder / target)
    return read_exports(folder, settings or Settings())


def invoices(exports) -> list[tuple]:
    return [(i.number, i.customer_code, i.date, i.due_date, str(i.amount),
             None if i.remaining is None else str(i.remaining), i.source.row) for i in exports.invoices]


def payments(exports) -> list[tuple]:
    return [(p.date, p.customer_code, str(p.amount), p.reference, p.label, p.source.row)
            for p in exports.payments]


def balanced(exports) -> None:
    for name, report in exports.files_report.items():
        assert report.balanced, (name, report)


def test_odoo_fec_with_placeholder_piece_ref_and_a_stray_field(input_dir: Path) -> None:
    exports = read(input_dir, "fec_odoo.txt", "FEC_odoo.txt")
    assert invoices(exports) == [
        # One invoice per EcritureNum: PieceRef « - » on every line numbers nothing.
        ("INV/2026/00001", "C100", date(2026, 1, 5), date(2026, 2, 4), "1200.00", None, 2),
        ("INV/2026/00003", "C200", date(2026, 1, 12), date(2026, 2, 11), "300.00", None, 8),
        ("RINV/2026/00001", "C100", date(2026, 1, 20), date(2026, 1, 20), "-120.00", None, 18),
    ]
    # INV/2026/00002 and its payment are lettered A1: settled. The payment's reference is no « - ».
    assert payments(exports) == [(date(2026, 2, 15), "C200", "100.00", "", "Paiement INV/2026/00003", 16)]
    assert exports.anomalies == (
        Anomaly("FEC_odoo.txt", 11, "", "", "1 ligne(s) finissent par des champs vides en trop (première : "
                "ligne 11), comme l'écrit le logiciel : ces champs sont ignorés."),
        Anomaly("FEC_odoo.txt", None, "PieceRef", "-", "PieceRef ne donne pas le numéro des factures "
                "(« - » sur 6 ligne(s) clients) : le numéro est pris dans EcritureNum (à défaut "
                "EcritureLib)."),
    )
    report = exports.files_report["FEC_odoo.txt"]
    assert (report.lines, report.header, report.used, report.skipped) == (20, 1, 6, 13)
    assert report.note.startswith("13 ligne(s) d'autres comptes que 411")
    assert {c: exports.customers[c].name for c in exports.customers} == {
        "C100": "Azur Bâtiment", "C200": "Brasserie du Port"}


def test_a_fec_without_411_says_which_accounts_it_holds(input_dir: Path) -> None:
    shutil.copyfile(LAYOUTS / "fec_plan_etranger.txt", input_dir / "fec.txt")
    with pytest.raises(RelanceError) as caught:
        read_exports(input_dir, Settings())
    assert str(caught.value) == (
        "Le fichier FEC fec.txt n'a aucune écriture sur les comptes clients (411…) : comptes vus : "
        "121…, 251…, 400… (les comptes débités dans le journal des ventes commencent par 121). Si vos "
        "comptes clients commencent autrement, indiquez-les dans relance.toml, section [fec] : "
        'comptes_clients = ["121"].'
    )
    exports = read_exports(input_dir, Settings(customer_accounts=("121",)))
    assert invoices(exports) == [
        ("INV/2026/00007", "C7", date(2026, 3, 1), date(2026, 3, 31), "500.00", None, 2)]
    assert payments(exports) == [(date(2026, 3, 20), "C7", "200.00", "BNK1/2026/00009", "Payment", 4)]


def test_grand_livre_clients(input_dir: Path) -> None:
    exports = read(input_dir, "grand_livre_clients.csv", "grand_livre_2026.csv")
    assert exports.files["ecritures"] == ("grand_livre_2026.csv",)
    assert invoices(exports) == [
        ("FA0001", "CLAZUR", date(2026, 1, 5), date(2026, 2, 4), "1200.00", None, 5),  # its own Échéance
        ("AV0001", "CLAZUR", date(2026, 1, 20), date(2026, 1, 20), "-120.00", None, 8),
        ("FA0003", "CLPORT", date(2026, 1, 12), date(2026, 3, 11), "300.00", None, 10),
    ]
    assert payments(exports) == [
        (date(2026, 2, 15), "CLPORT", "100.00", "RG0002", "Virement Brasserie du Port", 11)]
    assert exports.anomalies == ()
    report = exports.files_report["grand_livre_2026.csv"]
    # 2 title lines and the header, 6 customer lines, 3 total lines, 2 blank lines.
    assert (report.lines, report.header, report.used, report.skipped, report.blank) == (14, 3, 6, 3, 2)
    balanced(exports)


def test_export_comptable_other_accounts_and_lettering(input_dir: Path) -> None:
    exports = read(input_dir, "export_comptable.csv", "export_comptable_mars.csv")
    assert invoices(exports) == [
        ("F301", "DUPONT", date(2026, 3, 5), date(2026, 4, 4), "360.00", None, 2),
        ("F302", "MARTIN", date(2026, 3, 6), date(2026, 4, 5), "240.00", None, 5),
    ]
    assert payments(exports) == [(date(2026, 3, 20), "DUPONT", "360.00", "R77", "Virement Dupont F301", 9)]
    assert exports.anomalies == ()
    report = exports.files_report["export_comptable_mars.csv"]
    assert (report.used, report.skipped) == (5, 5) and report.balanced


@pytest.mark.parametrize("name", ["export_comptable.csv", "grand_livre_clients.csv"])
def test_a_ledger_reads_the_same_in_any_row_order(tmp_path: Path, name: str) -> None:
    lines = (LAYOUTS / name).read_bytes().split(b"\r\n")
    header = next(i for i, line in enumerate(lines) if b";D" in line and b"bit" in line)
    results = []
    for seed in range(4):
        body = [line for line in lines[header + 1:] if line]
        random.Random(seed).shuffle(body)
        folder = tmp_path / f"run{seed}"
        folder.mkdir()
        (folder / name).write_bytes(b"\r\n".join([*lines[:header + 1], *body]) + b"\r\n")
        exports = read_exports(folder, Settings())
        results.append((
            sorted((i.number, i.customer_code, i.date, i.due_date, i.amount) for i in exports.invoices),
            sorted((p.date, p.customer_code, p.amount, p.reference) for p in exports.payments),
            exports.anomalies,
        ))
    assert all(result == results[0] for result in results)


def test_odoo_journal_items_with_english_titles(input_dir: Path) -> None:
    exports = read(input_dir, "odoo_ecritures.xlsx", "Journal Items (account.move.line).xlsx")
    assert invoices(exports) == [
        ("INV/2026/00001", "Azur Bâtiment", date(2026, 1, 5), date(2026, 2, 4), "1200.00", None, 2)]
    assert payments(exports) == [
        (date(2026, 2, 10), "Azur Bâtiment", "500.00", "INV/2026/00001", "Customer payment", 5)]
    assert exports.anomalies == ()


def test_invoice_lines_are_summed_and_their_status_honoured(input_dir: Path) -> None:
    exports = read(input_dir, "factures_lignes.csv", "factures_lignes.csv")
    assert invoices(exports) == [
        ("FA-101", "C100", date(2026, 1, 5), date(2026, 2, 4), "840.00", None, 2),  # 600 + 240
        ("FA-102", "C200", date(2026, 1, 6), date(2026, 2, 5), "300.00", "0.00", 4),  # Payée
        ("FA-103", "C200", date(2026, 1, 7), date(2026, 2, 6), "120.00", None, 5),  # partly: payments tell
        ("FA-106", "C100", date(2026, 1, 10), date(2026, 2, 9), "120.00", None, 8),  # two equal lines
    ]
    assert exports.anomalies == ()
    report = exports.files_report["factures_lignes.csv"]
    assert (report.lines, report.header, report.used, report.skipped) == (9, 1, 6, 2)
    assert report.note == (
        "1 facture(s) annulée(s) ou abandonnée(s) non lue(s) (ligne 6); 1 facture(s) en brouillon non "
        "lue(s) (ligne 7); 1 facture(s) « partiellement payée(s) » sans montant réglé dans l'export : le "
        "fichier des règlements dit ce qui reste dû (ligne 5)")


def test_dolibarr_invoices_and_their_statuses(input_dir: Path) -> None:
    exports = read(input_dir, "factures_dolibarr.csv", "factures.csv")
    read_back = [(i.number, i.customer_code, i.customer_name, i.amount, i.remaining)
                 for i in exports.invoices]
    assert read_back == [
        ("FA2601-0001", "411AZUR", "Azur Bâtiment", Decimal("1200.00"), None),  # Impayée
        ("FA2601-0002", "411AZUR", "Azur Bâtiment", Decimal("600.00"), Decimal("0.00")),  # Payée
        ("FA2601-0003", "411PORT", "Brasserie du Port", Decimal("300.00"), None),  # Règlement commencé
        # « Payée (partiellement) » is closed in Dolibarr: the rest was given up or credited.
        ("FA2601-0004", "411PORT", "Brasserie du Port", Decimal("90.00"), Decimal("0.00")),
        ("FA2601-0007", "411LUMI", "Café Lumière", Decimal("75.00"), None),  # Validée (à payer)
    ]
    assert exports.files_report["factures.csv"].skipped == 2  # Abandonnée, Brouillon (à valider)


def test_an_aged_balance_is_answered_with_what_to_export(input_dir: Path) -> None:
    shutil.copyfile(LAYOUTS / "balance_agee.csv", input_dir / "factures_au_30_avril.csv")
    with pytest.raises(RelanceError) as caught:
        read_exports(input_dir, Settings())
    assert str(caught.value) == (
        "Le fichier factures_au_30_avril.csv est une balance âgée (un total par client et par tranche de "
        "retard) : Relance a besoin des factures une à une. Exportez plutôt la liste des factures non "
        "réglées (l'échéancier clients, ou le grand livre clients non lettré, ou le FEC) et déposez-la "
        "dans input/ ; le menu de chaque logiciel est dans docs/exports.md."
    )


def test_headers_are_matched_without_case_accents_and_articles(input_dir: Path) -> None:
    (input_dir / "factures.csv").write_text(
        "N° FACTURE;Code Client;Date Émission;Date  d’échéance;Montant TTC\nF1;C1;05/01/2026;04/02/2026;10\n",
        encoding="utf-8")
    (invoice,) = read_exports(input_dir, Settings()).invoices
    assert (invoice.date, invoice.due_date) == (date(2026, 1, 5), date(2026, 2, 4))


def test_rows_of_one_invoice_repeated_are_not_summed_without_line_columns(input_dir: Path) -> None:
    # An export of invoices and their payments repeats each invoice per payment: counted once.
    (input_dir / "factures.csv").write_text(
        "N° facture;Code client;Date;Échéance;Montant\n"
        "F1;C1;05/01/2026;04/02/2026;100\nF1;C1;05/01/2026;04/02/2026;100\nF2;C1;05/01/2026;04/02/2026;5\n"
        "F2;C1;05/01/2026;04/02/2026;7\n", encoding="utf-8")
    exports = read_exports(input_dir, Settings())
    assert [(i.number, i.amount) for i in exports.invoices] == [
        ("F1", Decimal("100.00")), ("F2", Decimal("12.00"))]
    assert exports.anomalies == (
        Anomaly("factures.csv", 3, "N° facture", "F1",
                "Numéro de facture déjà présent (factures.csv ligne 2) : ligne ignorée."),
    )
