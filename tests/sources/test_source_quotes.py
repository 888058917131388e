"""Reading the quotes exports (devis*) from real files: header synonyms, statuses, anomalies, every line."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import RelanceError
from models.quotes import ACCEPTED, CANCELLED, PENDING, REFUSED
from models.records import Anomaly
from models.settings import Settings, settings_from_mapping
from sources import read_exports
from sources.quotes import UNKNOWN, quote_files, quote_status, read_quotes
from tests.sources.samples import copy_samples

UNKNOWN_STATUS = (
    "Statut de devis inconnu : ligne ignorée (statuts compris : En attente, En cours, Envoyé ; Accepté, "
    "Signé, Gagné, Transformé, Facturé ; Refusé, Perdu ; Annulé, Abandonné)."
)


def quotes_of(folder, files, settings=None):
    copy_samples(folder, files)
    return read_quotes(quote_files(folder), settings or Settings())


def test_excel_csv_with_title_line_every_status_and_the_anomalies(input_dir):
    read = quotes_of(input_dir, {"devis.csv": "devis_cp1252.csv"})
    statuses = {q.number: q.status for q in read.quotes}
    assert statuses == {
        "DE-001": PENDING, "DE-002": PENDING, "DE-003": PENDING, "DE-004": PENDING, "DE-005": ACCEPTED,
        "DE-006": ACCEPTED, "DE-007": ACCEPTED, "DE-008": ACCEPTED, "DE-009": ACCEPTED, "DE-010": REFUSED,
        "DE-011": REFUSED, "DE-012": CANCELLED, "DE-013": CANCELLED, "DE-016": PENDING,
    }  # fmt: skip
    first = read.quotes[0]
    assert (first.customer_code, first.customer_name, first.date, first.valid_until, first.amount) == (
        "C001", "Boulangerie Lefèvre", date(2026, 9, 1), date(2026, 10, 1), Decimal("3600.00")
    )
    assert (first.source.file, first.source.row) == ("devis.csv", 3)
    assert read.anomalies == (
        Anomaly("devis.csv", 17, "Statut", "À l'étude", UNKNOWN_STATUS),
        Anomaly("devis.csv", 18, "N° devis", "DE-001",
                "Numéro de devis déjà présent (devis.csv ligne 3) : ligne ignorée."),
        Anomaly("devis.csv", 19, "Date de validité", "", "Date de validité vide : ligne ignorée."),
        Anomaly("devis.csv", 20, "Date devis", "32/09/2026", "Date illisible : date du devis laissée vide."),
        Anomaly("devis.csv", 21, "Date de validité", "31/02/2026",
                "Date de validité illisible : ligne ignorée."),
        Anomaly("devis.csv", 22, "Montant TTC", "dix euros", "Montant illisible : ligne ignorée."),
        Anomaly("devis.csv", 23, "N° devis", "", "Numéro de devis vide : ligne ignorée."),
    )  # fmt: skip
    assert next(q for q in read.quotes if q.number == "DE-016").date is None  # kept, without its date
    report = read.files_report["devis.csv"]
    assert (report.lines, report.header, report.used, report.anomalies, report.blank) == (23, 2, 14, 6, 1)
    assert report.balanced


def test_a_quoting_tools_xlsx_with_other_titles_date_cells_and_serials(input_dir):
    read = quotes_of(input_dir, {"Devis_2026.xlsx": "devis_logiciel.xlsx"})
    assert [(q.number, q.customer_code, q.date, q.valid_until, q.amount, q.status) for q in read.quotes] == [
        ("DV-2026-031", "C001", date(2026, 9, 1), date(2026, 10, 1), Decimal("3600.00"), PENDING),
        ("2026032", "C002", date(2026, 9, 2), date(2026, 10, 2), Decimal("1234.50"), PENDING),
        ("DV-2026-033", "C003", date(2026, 9, 3), date(2026, 10, 3), Decimal("450.00"), ACCEPTED),
    ]
    assert read.anomalies == () and read.files == ("Devis_2026.xlsx",)


def test_several_quote_files_are_read_in_name_order_and_a_number_is_read_once(input_dir):
    read = quotes_of(input_dir, {"devis_b.csv": "devis_cp1252.csv", "devis_a.xlsx": "devis_logiciel.xlsx"})
    assert read.files == ("devis_a.xlsx", "devis_b.csv")
    assert [q.number for q in read.quotes][:3] == ["DV-2026-031", "2026032", "DV-2026-033"]


def test_a_missing_required_column_names_the_file_and_the_columns_found(input_dir):
    (input_dir / "devis.csv").write_text("N° devis;Code client;Date;Montant\nD1;C1;01/10/2026;10\n",
                                         encoding="utf-8")  # fmt: skip
    with pytest.raises(RelanceError) as error:
        read_quotes(quote_files(input_dir), Settings())
    assert error.value.message == (
        "Le fichier devis.csv n'a pas de colonne « Validité » (colonnes trouvées : N° devis, Code client, "
        "Date, Montant). Renommez la colonne ou indiquez son titre dans relance.toml, section "
        "[colonnes.devis]."
    )


def test_a_title_of_ones_own_in_colonnes_devis(input_dir):
    (input_dir / "devis.csv").write_text(
        "N° devis;Code client;Date;Fin d'offre;Montant\nD1;C1;01/10/2026;31/10/2026;10\n", encoding="utf-8"
    )
    settings = settings_from_mapping({"colonnes": {"devis": {"validite": "Fin d'offre"}}})
    (quote,) = read_quotes(quote_files(input_dir), settings).quotes
    assert quote.valid_until == date(2026, 10, 31)


def test_quote_files_are_left_alone_by_the_invoice_reader_and_none_means_no_quotes(input_dir):
    copy_samples(input_dir, {"factures.csv": "factures_cp1252.csv"})
    assert quote_files(input_dir) == []
    copy_samples(input_dir, {"devis.csv": "devis_cp1252.csv", "~$devis.xlsx": "devis_logiciel.xlsx"})
    (input_dir / "devis_pdf").mkdir()  # copies of the quotes, a folder: not a quote file
    assert [p.name for p in quote_files(input_dir)] == ["devis.csv"]
    exports = read_exports(input_dir, Settings())
    assert "devis.csv" not in exports.files_report
    assert all(anomaly.file != "devis.csv" for anomaly in exports.anomalies)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("", PENDING), ("En attente", PENDING), ("EN ATTENTE DE SIGNATURE", PENDING), ("Attente", PENDING),
        ("En cours", PENDING), ("Envoyée", PENDING), ("envoyé", PENDING), ("Accepté", ACCEPTED),
        ("ACCEPTEE", ACCEPTED), ("Signé", ACCEPTED), ("Gagné", ACCEPTED), ("Transformé en facture", ACCEPTED),
        ("Facturé", ACCEPTED), ("Refusé", REFUSED), ("Perdu", REFUSED), ("Annulé", CANCELLED),
        ("Abandonné", CANCELLED), ("Brouillon", UNKNOWN), ("?", UNKNOWN),
    ],
)  # fmt: skip
def test_status_words_without_case_or_accents(text, status):
    assert quote_status(text) == status


@given(st.text(max_size=30))
def test_any_status_cell_is_read_without_error(text):
    assert quote_status(text) in (PENDING, ACCEPTED, REFUSED, CANCELLED, UNKNOWN)
