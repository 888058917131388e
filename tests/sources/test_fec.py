"""FEC reader: real sample files of tests/data/fec_*.txt, and broken variants written per test."""

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.errors import RelanceError
from models.records import Anomaly, Source
from models.terms import parse_terms
from sources.fec import FEC_COLUMNS, decode, is_fec, read_fec
from tests.sources.samples import DATA

HEADER = "|".join(FEC_COLUMNS)


def read(path: Path, terms: dict[str, str] | None = None, default_days: int = 30):
    rules = {code: parse_terms(text) for code, text in (terms or {}).items()}
    return read_fec(path, rules.get, default_days)


def invoices(items):
    return [(i.number, i.customer_code, i.customer_name, i.date.isoformat(), i.due_date.isoformat(),
             str(i.amount), i.payment_mode, i.source.row) for i in items.invoices]


def payments(items):
    return [(p.date.isoformat(), p.customer_code, str(p.amount), p.reference, p.label, p.source.row)
            for p in items.payments]


def fields(*, journal="VT", journal_label="Ventes", account="411000", aux="C001", name="Client Un",
           piece="F1", piece_date="20260105", label="Facture F1", debit="100,00", credit="0,00",
           letter="", entry_date="20260105", entry="1") -> list[str]:
    return [journal, journal_label, entry, entry_date, account, "Clients", aux, name, piece, piece_date,
            label, debit, credit, letter, "", entry_date, "", ""]


def line(**values: str) -> str:
    """One FEC line, |-separated, unquoted: the way most packages write it."""
    return "|".join(fields(**values))


def fec(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "fec.txt") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(RelanceError) as raised:
        read(path)
    return raised.value.message


# --- recognising a FEC -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["fec_tab_bom.txt", "fec_pipe_iso.txt", "fec_22col.txt", "fec_montant_sens.txt", "fec_broken.txt"]
)
def test_samples_are_fec(name):
    assert is_fec(DATA / name)


@pytest.mark.parametrize(
    "name", ["factures_utf8bom_tab.txt", "reglements_pipe.csv", "factures_excel.xlsx", "clients_utf8.csv"]
)
def test_other_exports_are_not_fec(name):
    assert not is_fec(DATA / name)


def test_header_needs_ten_fec_names(tmp_path):
    assert is_fec(fec(tmp_path, header="\t".join(FEC_COLUMNS[:10])))
    assert not is_fec(fec(tmp_path, header="\t".join(FEC_COLUMNS[:9]) + "\tDate\tMontant"))
    assert is_fec(fec(tmp_path, header=";".join(n.upper() for n in FEC_COLUMNS)))  # case-insensitive


def test_missing_or_empty_file_is_not_fec(tmp_path):
    assert not is_fec(tmp_path / "absent.txt")
    (tmp_path / "vide.txt").write_bytes(b"")
    assert not is_fec(tmp_path / "vide.txt")


# --- the samples --------------------------------------------------------------------------------


def test_tab_utf8_bom_sample():
    path = DATA / "fec_tab_bom.txt"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfJournalCode\tJournalLib\t") and b"\r\n" in raw
    items = read(path, {"C001": "45 jours fin de mois"})
    assert invoices(items) == [
        # 5 January + 45 days = 19 February -> end of February; 18 January (piece date) + 45 = 4 March.
        ("F2026-001", "C001", "Boulangerie Lefèvre", "2026-01-05", "2026-02-28", "1200.00", "", 2),
        ("F2026-003", "C001", "Boulangerie Lefèvre", "2026-01-18", "2026-03-31", "480.00", "", 8),
        ("AV2026-001", "C002", "Café de l'Étoile", "2026-01-25", "2026-01-25", "-120.00", "", 15),
        # Opening entries, both numbered "AN", dated by their piece date, default 30 days.
        ("AN/C003", "C003", "Garage Müller", "2025-12-15", "2026-01-14", "350.00", "", 18),
        ("AN/C004", "C004", "Hôtel des Pins", "2025-11-20", "2025-12-20", "90.50", "", 19),
    ]
    assert payments(items) == [
        ("2026-02-20", "C001", "200.00", "CHQ4471", "Chèque Lefèvre F2026-003", 13),
    ]
    assert items.customers == {
        "C001": "Boulangerie Lefèvre", "C002": "Café de l'Étoile", "C003": "Garage Müller",
        "C004": "Hôtel des Pins",
    }
    # F2026-002 and F2026-004 are lettered "AA" (for two customers) with their payments: settled.
    # F2026-005 (300 €) is lettered "AB" with a 250 € payment: settled, but reported.
    assert items.anomalies == (
        Anomaly("fec_tab_bom.txt", 23, "EcritureLet", "AB",
                "Le lettrage « AB » du client C004 n'est pas soldé (écart de 50,00\u00a0€) : ces "
                "écritures sont tenues pour réglées ; vérifiez le lettrage dans le logiciel comptable."),
    )


def test_pipe_iso_8859_15_sample():
    path = DATA / "fec_pipe_iso.txt"
    raw = path.read_bytes()
    assert b"\xbcuvres" in raw and b"100 \xa4" in raw  # Œ and € as ISO-8859-15 writes them
    assert b'"Remise ch\xe8que n\xb0123 | bordereau 12"' in raw
    assert b"|0000000074,70|" in raw and b"|0000000020.00|" in raw
    assert b"MontantDevise" in raw and b"\r" not in raw
    items = read(path)
    assert invoices(items) == [
        # Per-customer sub-accounts: the account is the customer; zero-padded amounts.
        ("FA100", "411DUPONT", "Dupont & Fils", "2026-02-03", "2026-03-05", "74.70", "", 2),
        # 1 500 € less a 100 € credit in the OD journal on the same piece.
        ("FA101", "411OEUVRE", "Comité des Œuvres Sociales", "2026-02-10", "2026-03-12", "1400.00", "", 5),
        ("FA103", "411000", "Clients divers", "2026-02-20", "2026-03-22", "40.00", "", 15),
    ]
    assert payments(items) == [
        ("2026-03-01", "411OEUVRE", "500.00", "RC0301", "Remise chèque n°123 | bordereau 12", 7),
        # An OD credit whose label says it is a payment; the amount has a decimal dot.
        ("2026-03-06", "411DUPONT", "20.00", "OD22", "Règlement reçu en espèces", 11),
    ]
    assert items.customers == {
        "411DUPONT": "Dupont & Fils", "411OEUVRE": "Comité des Œuvres Sociales", "411000": "Clients divers",
    }
    assert items.anomalies == (
        Anomaly("fec_pipe_iso.txt", 15, "CompAuxNum", "",
                "Écritures du compte collectif 411000 sans compte auxiliaire : elles sont comptées "
                "comme un seul client « 411000 »."),
    )


def test_22_column_sample():
    path = DATA / "fec_22col.txt"
    assert path.read_bytes().split(b"\r\n")[0].endswith(b"\tDateRglt\tModeRglt\tNatOp\tIdClient")
    items = read(path, {"C010": "30 jours"})
    assert invoices(items) == [
        ("F300", "C010", "Librairie Martin", "2026-03-02", "2026-04-01", "250.00", "Prélèvement", 2),
        ("AV300", "C010", "Librairie Martin", "2026-03-20", "2026-03-20", "-50.00", "", 6),
    ]
    # An OD credit with a payment mode is a payment, whatever its label.
    assert payments(items) == [("2026-03-15", "C010", "100.00", "R300", "Solde partiel F300", 4)]
    assert items.anomalies == ()


def test_montant_sens_sample():
    path = DATA / "fec_montant_sens.txt"
    assert b";Montant;Sens;" in path.read_bytes()
    items = read(path, {"C021": "fin de mois"})
    assert invoices(items) == [
        ("F400", "C020", "Atelier Roux", "2026-04-01", "2026-05-01", "300.00", "", 2),  # Sens D
        ("F401", "C021", "Bistrot Le Zinc", "2026-04-02", "2026-04-30", "1000.00", "", 6),  # Sens +1
        ("AV401", "C021", "Bistrot Le Zinc", "2026-04-10", "2026-04-10", "-200.00", "", 8),  # Sens -1
    ]
    assert payments(items) == [("2026-04-15", "C020", "120.00", "R400", "Virement Roux", 4)]  # Sens C


def test_broken_sample_names_the_line_and_column():
    # Line 4 holds the same bad amount on a 706 account: other accounts are not read.
    assert error_of(DATA / "fec_broken.txt") == (
        "Le fichier FEC fec_broken.txt est mal formé à la ligne 5 : montant « 12,3,4 » illisible "
        "dans la colonne Debit."
    )


# --- rules, on small files written here ----------------------------------------------------------


def test_terms_asked_once_per_customer_and_default_days(tmp_path):
    asked = []

    def terms_for(code):
        asked.append(code)
        return parse_terms("fin de mois") if code == "C001" else None

    path = fec(tmp_path, line(piece="F1"), line(piece="F2", piece_date="20260220"),
               line(aux="C002", piece="F3", piece_date="20260131"))
    items = read_fec(path, terms_for, 10)
    assert sorted(asked) == ["C001", "C002"]
    assert [(i.number, i.due_date) for i in items.invoices] == [
        ("F1", date(2026, 1, 31)), ("F2", date(2026, 2, 28)), ("F3", date(2026, 2, 10)),
    ]


def test_lines_of_one_piece_are_one_invoice(tmp_path):
    # A piece split over two due dates, and an opening line without piece reference.
    path = fec(
        tmp_path,
        line(piece="F1", debit="60,00"),
        line(piece="F1", debit="40,00", piece_date="20260104"),
        line(journal="RAN", journal_label="Reports", piece="", piece_date="20251231", debit="10,00"),
    )
    items = read(path)
    assert [(i.number, i.amount, i.date, i.source) for i in items.invoices] == [
        ("F1", Decimal("100.00"), date(2026, 1, 4), Source("fec.txt", 2)),
        ("1", Decimal("10.00"), date(2025, 12, 31), Source("fec.txt", 4)),  # EcritureNum
    ]


def test_credit_kinds(tmp_path):
    path = fec(
        tmp_path,
        line(journal="CAI", journal_label="Caisse", piece="E1", label="Espèces", debit="", credit="10,00"),
        line(journal="OD", journal_label="Opérations diverses", piece="P2", label="VIR SEPA F1",
             debit="", credit="20,00"),
        line(journal="OD", journal_label="Opérations diverses", piece="A3", label="Remise commerciale",
             debit="", credit="30,00"),
        line(journal="VE", journal_label="Ventes", piece="A4", label="Avoir règlement litige",
             debit="", credit="40,00"),
        line(journal="X1", journal_label="Banque Postale", piece="B5", label="Divers",
             debit="", credit="50,00"),
        # A journal named after the bank, a label with no payment word: its entry's 512 line
        # (after it) makes it a payment; the same in another entry without one is a credit note.
        line(journal="BNP", journal_label="BNP Paribas", entry="77", piece="B6", label="Dupont SARL",
             debit="", credit="60,00"),
        line(journal="BNP", journal_label="BNP Paribas", entry="77", account="512000", aux="", piece="B6",
             debit="60,00", credit=""),
        line(journal="BNP", journal_label="BNP Paribas", entry="78", piece="B7", label="Dupont SARL",
             debit="", credit="70,00"),
        # An opening entry carries the bank's balance too: its customer credit stays a credit.
        line(journal="AN", journal_label="A nouveaux", entry="1", piece="AN", label="Solde",
             debit="", credit="80,00"),
        line(journal="AN", journal_label="A nouveaux", entry="1", account="512000", aux="", piece="AN",
             debit="80,00", credit=""),
    )
    items = read(path)
    assert [(p.reference, p.amount) for p in items.payments] == [
        ("E1", Decimal("10.00")), ("P2", Decimal("20.00")), ("B5", Decimal("50.00")),
        ("B6", Decimal("60.00"))]
    assert [(i.number, i.amount) for i in items.invoices] == [
        ("A3", Decimal("-30.00")), ("A4", Decimal("-40.00")), ("B7", Decimal("-70.00")),
        ("AN", Decimal("-80.00"))]


def test_letter_groups_are_per_customer(tmp_path):
    path = fec(
        tmp_path,
        line(aux="C001", letter="A"),
        line(aux="C001", journal="BQ", piece="R1", debit="0", credit="100,00", letter="A"),
        line(aux="C002", letter="A", debit="50,00"),  # the same letter, another customer: unbalanced
    )
    items = read(path)
    assert items.invoices == () and items.payments == ()
    assert [(a.row, a.value) for a in items.anomalies] == [(4, "A")]
    assert "client C002" in items.anomalies[0].message


def test_trailing_separator_and_blank_lines_are_accepted(tmp_path):
    path = tmp_path / "fec.txt"
    path.write_text(f"{HEADER}|\r\n{line()}|\r\n\r\n{line(piece='F2')}\r\n\r\n", encoding="utf-8")
    assert [(i.number, i.source.row) for i in read(path).invoices] == [("F1", 2), ("F2", 4)]


def test_cp1252_bytes_are_read_as_windows_text(tmp_path):
    path = tmp_path / "fec.txt"
    path.write_bytes(f"{HEADER}\n{line(name='Bœuf & Cie 5 €')}\n".encode("cp1252"))
    assert b"\x9c" in path.read_bytes() and b"\x80" in path.read_bytes()
    assert read(path).customers == {"C001": "Bœuf & Cie 5 €"}
    assert decode(b"\xa4 \xbc") == "€ Œ"  # ISO-8859-15, not latin-1's ¤ and ¼


def test_a_utf16_fec_is_recognised_and_read_line_for_line(tmp_path):
    path = tmp_path / "fec.txt"
    text = f"{HEADER}\r\n{line(name='Bœuf & Cie 5 €')}\r\n\r\n{line(piece='F2')}\r\n"
    path.write_bytes(text.encode("utf-16"))  # with its BOM, as Windows writes it
    assert is_fec(path)
    fec = read(path)
    assert fec.customers == {"C001": "Bœuf & Cie 5 €"}
    assert [(i.number, i.source.row) for i in fec.invoices] == [("F1", 2), ("F2", 4)]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        # An unquoted | in a label splits it in two.
        ((line(), line(label="Facture F2 | acompte")), "ligne 3 : 19 champs au lieu de 18"),
        ((line(), "VT|Ventes|1"), "ligne 3 : 3 champs au lieu de 18"),
        ((line(piece_date="20261345"),), "ligne 2 : date « 20261345 » illisible dans la colonne PieceDate"),
        ((line(entry_date=""),), "ligne 2 : date absente dans la colonne EcritureDate"),
        ((line(credit="abc", letter="A"),), "ligne 2 : montant « abc » illisible dans la colonne Credit"),
    ],
)
def test_broken_lines(tmp_path, lines, reason):
    assert error_of(fec(tmp_path, *lines)) == f"Le fichier FEC fec.txt est mal formé à la {reason}."


def test_a_stray_empty_field_is_accepted_with_an_anomaly(tmp_path):
    # What a real package wrote on a few lines: one empty field too many. Refusing the file could
    # not help (exporting again gives the same), so the field is ignored and said once.
    path = fec(tmp_path, line(), line(piece="F2") + "|", line(account="606000", aux="") + "|")
    items = read(path)
    assert [(i.number, i.source.row) for i in items.invoices] == [("F1", 2), ("F2", 3)]
    assert items.anomalies == (
        Anomaly("fec.txt", 3, "", "", "2 ligne(s) finissent par des champs vides en trop (première : "
                "ligne 3), comme l'écrit le logiciel : ces champs sont ignorés."),
    )


def test_a_quote_left_open_is_reported_and_the_next_lines_read(tmp_path):
    path = fec(tmp_path, line(), 'VT|Ventes|1|20260105|411000|Clients|C1|"Nom|F1', line(piece="F2"))
    items = read(path)
    assert [(i.number, i.source.row) for i in items.invoices] == [("F1", 2), ("F2", 4)]
    assert items.anomalies == (
        Anomaly("fec.txt", 3, "CompAuxLib", "Nom|F1",
                "Guillemet ouvert dans cette cellule et jamais refermé : il avalait les lignes 3 à 4. "
                "La ligne 3 est ignorée, les suivantes sont lues normalement."),
    )
    report = items.report
    assert (report.lines, report.header, report.used, report.anomalies) == (4, 1, 2, 1)


def test_broken_lines_of_other_accounts_are_not_read(tmp_path):
    path = fec(tmp_path, line(account="706000", aux="", debit="12,3,4", piece_date="x"), line())
    assert [i.number for i in read(path).invoices] == ["F1"]


def test_unreadable_sens(tmp_path):
    header = HEADER.replace("Debit|Credit", "Montant|Sens")
    path = fec(tmp_path, line(debit="10,00", credit="X"), header=header)
    assert error_of(path) == (
        "Le fichier FEC fec.txt est mal formé à la ligne 2 : sens « X » illisible dans la colonne Sens "
        "(D ou C attendu)."
    )


def test_missing_column_lists_those_found(tmp_path):
    header = HEADER.replace("|CompteNum|", "|Compte|")
    assert error_of(fec(tmp_path, header=header)) == (
        f"Le fichier FEC fec.txt n'a pas de colonne « CompteNum » (colonnes trouvées : "
        f"{header.replace('|', ', ')})."
    )


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
       st.sampled_from(["|", "\t", ";"]))
def test_any_label_written_by_a_csv_writer_reads_back(tmp_path_factory, label, separator):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
    writer.writerow(FEC_COLUMNS)
    writer.writerow(fields(journal="BQ", piece="R1", label=label, debit="", credit="5,00"))
    writer.writerow(fields(piece="F9"))
    path = tmp_path_factory.mktemp("fec") / "fec.txt"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    items = read(path)
    assert [(p.label, p.source.row) for p in items.payments] == [(label.strip(), 2)]
    # The invoice's line number counts the lines the label spans.
    assert [i.source.row for i in items.invoices] == [3 + label.count("\n") + label.count("\r")
                                                       - label.count("\r\n")]
