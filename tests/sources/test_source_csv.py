"""Reading real CSV exports: encodings, separators, title lines, bad cells and their row numbers."""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models.errors import RelanceError
from models.records import Anomaly, Customer, Invoice, Payment, Source
from models.settings import Settings
from sources import PastReminder
from sources.exports import read_exports
from sources.tables import decode, detect_separator
from tests.sources.samples import DATA, read


def test_cp1252_semicolon_with_titles_nbsp_and_bad_cells(input_dir: Path) -> None:
    exports = read(input_dir, {"factures.csv": "factures_cp1252.csv"})
    by_number = {i.number: i for i in exports.invoices}
    assert list(by_number) == [
        "F2026-001", "F2026-002", "A2026-003", "A2026-004", "F2026-007", "F2026-008", "F2026-009",
        "F2026-010",
    ]
    # no due date: invoice date + the default 30 days (the customer has no terms: no clients file)
    assert by_number["F2026-009"].due_date == date(2026, 2, 25)
    assert by_number["F2026-001"] == Invoice(
        number="F2026-001", customer_code="C001", customer_name="Boulangerie Lefèvre",
        date=date(2026, 1, 5), due_date=date(2026, 2, 4), amount=Decimal("1234.56"),
        paid=Decimal("0.00"), remaining=Decimal("1234.56"), payment_mode="Virement", dispute="",
        source=Source("factures.csv", 5),
    )
    second = by_number["F2026-002"]
    assert (second.customer_name, second.amount, second.paid, second.remaining) == (
        "Café de l'Étoile", Decimal("12500.00"), Decimal("2500.00"), Decimal("10000.00"))
    assert (second.payment_mode, second.dispute) == ("Chèque", "")
    assert by_number["A2026-003"].amount == Decimal("-600.00")  # -600,00
    assert by_number["A2026-004"].amount == Decimal("-150.00")  # 150,00-
    assert by_number["F2026-008"].amount == Decimal("-75.50")  # (75,50)
    assert by_number["F2026-007"].dispute == "Oui"  # x
    assert by_number["F2026-008"].dispute == "en cours"  # a comment is a dispute too
    assert by_number["F2026-010"].customer_name == "Dupont; Fils & Cie"  # quoted separator
    assert by_number["F2026-010"].date is None  # 32/01/2026, reported below
    assert exports.anomalies == (
        Anomaly("factures.csv", 9, "Échéance", "31/02/2026", "Date illisible : ligne ignorée."),
        Anomaly("factures.csv", 10, "Montant TTC", "abc", "Montant illisible : ligne ignorée."),
        Anomaly("factures.csv", 11, "N° facture", "", "Numéro de facture vide : ligne ignorée."),
        Anomaly("factures.csv", 13, "Reste dû", "1 400,00",
                "Montant TTC − réglé (1 500,00) ≠ reste dû (1 400,00)."),
        Anomaly("factures.csv", 15, "N° facture", "F2026-001",
                "Numéro de facture déjà présent (factures.csv ligne 5) : ligne ignorée."),
        Anomaly("factures.csv", 18, "Date facture", "32/01/2026",
                "Date illisible : date de facture laissée vide."),
        Anomaly("factures.csv", 19, "Code client", "", "Code client vide : ligne ignorée."),
    )
    # The invoice whose figures disagree is kept as read: the core decides not to chase it.
    assert by_number["F2026-007"].remaining == Decimal("1400.00")
    assert exports.files == {
        "factures": ("factures.csv",), "reglements": (), "clients": (), "relances": (), "fec": (),
        "ecritures": (),
    }


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", b"")],
    ids=["le-bom", "be-bom", "le-no-bom"],
)
def test_a_utf16_export_reads_like_the_same_file_in_any_other_encoding(tmp_path, encoding, bom):
    """Excel's « Texte Unicode » and some software write UTF-16: same invoices, same anomalies, same
    physical line numbers as the cp1252 file it was made from."""
    (tmp_path / "a").mkdir()
    expected = read(tmp_path / "a", {"factures.csv": "factures_cp1252.csv"})
    text = (DATA / "factures_cp1252.csv").read_bytes().decode("cp1252")
    folder = tmp_path / "b" / "input"
    folder.mkdir(parents=True)
    (folder / "factures.csv").write_bytes(bom + text.encode(encoding))
    exports = read_exports(folder, Settings())
    assert exports.invoices == expected.invoices and len(expected.invoices) == 8
    assert exports.anomalies == expected.anomalies and len(expected.anomalies) == 7


def test_utf8_bom_tab_separated_txt_with_other_titles(input_dir: Path) -> None:
    exports = read(input_dir, {"factures_2026.txt": "factures_utf8bom_tab.txt"})
    assert [(i.number, i.customer_code, i.customer_name, i.date, i.due_date, i.amount, i.remaining,
             i.payment_mode) for i in exports.invoices] == [
        ("2026-100", "C010", "Élodie Martin", date(2026, 2, 1), date(2026, 3, 3),
         Decimal("1234.56"), Decimal("1234.56"), "Carte"),
        ("2026-101", "C011", "Jürgen & Søn", date(2026, 2, 1), date(2026, 3, 3),
         Decimal("3000.00"), Decimal("0.00"), "Virement"),
        ("2026-102", "C011", "Jürgen & Søn", date(2026, 2, 1), date(2026, 3, 19),
         Decimal("-45.00"), Decimal("-45.00"), ""),
    ]
    assert [i.source for i in exports.invoices] == [
        Source("factures_2026.txt", 2), Source("factures_2026.txt", 3), Source("factures_2026.txt", 4)
    ]
    assert exports.anomalies == ()


def test_pipe_and_comma_separated_payments(input_dir: Path) -> None:
    exports = read(input_dir, {
        "factures.csv": "factures_lot_a.csv",
        "règlements.csv": "reglements_pipe.csv",
        "Paiements banque.csv": "paiements_comma.csv",
    })
    assert exports.files["reglements"] == ("Paiements banque.csv", "règlements.csv")
    assert exports.payments == (
        Payment(date(2026, 2, 5), "C001", Decimal("1234.56"), "F2026-001", "Virement, reçu",
                Source("Paiements banque.csv", 2)),
        Payment(date(2026, 2, 6), "C002", Decimal("1234.56"), "", "", Source("Paiements banque.csv", 3)),
        Payment(date(2026, 2, 6), "C003", Decimal("-15.00"), "", "Rejet",
                Source("Paiements banque.csv", 4)),
        Payment(date(2026, 2, 5), "C001", Decimal("1234.56"), "F2026-001", "VIR BOULANGERIE LEFEVRE",
                Source("règlements.csv", 2)),
        Payment(date(2026, 2, 10), "C002", Decimal("2500.00"), "", "Chèque n° 1234567",
                Source("règlements.csv", 3)),
        Payment(date(2026, 2, 11), "C003", Decimal("150.00"), "", "Règlement F2026-005",
                Source("règlements.csv", 4)),
        Payment(date(2026, 2, 11), "C004", Decimal("1234.50"), "", "", Source("règlements.csv", 5)),
    )
    assert exports.anomalies == (
        Anomaly("Paiements banque.csv", 5, "Montant", "", "Montant vide : ligne ignorée."),
        Anomaly("règlements.csv", 6, "Date règlement", "", "Date vide : ligne ignorée."),
    )


def test_customers(input_dir: Path) -> None:
    exports = read(input_dir, {"factures.csv": "factures_lot_a.csv", "clients.csv": "clients_utf8.csv"})
    customers = exports.customers
    assert list(customers) == ["C001", "C002", "C003", "C004", "C005"]
    assert customers["C001"] == Customer(
        code="C001", name="Boulangerie Lefèvre", email="compta@lefevre.fr",
        address=("12 rue des Lilas",), postal_code="75011", city="Paris", country="France",
        phone="01 23 45 67 89", private=False, do_not_chase=False, source=Source("clients.csv", 2),
    )
    assert customers["C002"].email == "jean.dupont@etoile.fr"
    assert customers["C002"].address == ("3 place du Marché", "Bâtiment B")
    assert (customers["C003"].email, customers["C003"].private, customers["C003"].postal_code) == (
        "", True, "06000")
    assert (customers["C004"].private, customers["C004"].do_not_chase) == (True, True)
    assert customers["C005"].do_not_chase is True  # "à voir": when in doubt, do not chase
    assert exports.anomalies == (
        Anomaly("clients.csv", 4, "Email", "elodie.martin@",
                "Adresse email invalide : client relancé par courrier."),
        Anomaly("clients.csv", 7, "Code client", "C001",
                "Code client déjà présent (clients.csv ligne 2) : ligne ignorée."),
        Anomaly("clients.csv", 8, "Code client", "", "Code client vide : ligne ignorée."),
    )


def test_past_reminders(input_dir: Path) -> None:
    exports = read(input_dir, {
        "factures.csv": "factures_lot_a.csv", "relances_avant_2026.csv": "relances_historique.csv"
    })
    source = "relances_avant_2026.csv"
    assert exports.past_reminders == (
        PastReminder("F2026-001", date(2026, 2, 15), 1, Source(source, 2)),
        PastReminder("F2026-001", date(2026, 3, 1), 2, Source(source, 3)),
        PastReminder("F2026-002", date(2026, 3, 1), 2, Source(source, 4)),
    )
    assert exports.anomalies == (
        Anomaly(source, 5, "Niveau", "deux", "Niveau de relance illisible : ligne ignorée."),
    )


def test_encodings_are_tried_strictly_in_order() -> None:
    text = "Montant;Réglé € 1\u202f234"
    assert decode(text.encode("utf-8")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode("Réglé €".encode("cp1252")) == "Réglé €"
    assert decode(b"R\x81gl\xe9") == "R\x81glé"  # 0x81 is undefined in cp1252: latin-1


def test_separator_is_the_one_that_finds_the_titles() -> None:
    titles = frozenset({"n facture", "montant", "libelle"})
    # The comma appears more often than the semicolon, but only ";" makes sense of the header.
    text = "N° facture;Montant;Libellé\nF1;1,50;a, b, c, d\n"
    assert detect_separator(text, titles) == ";"
    assert detect_separator("N° facture|Montant\nF1|1,5\n", titles) == "|"
    assert detect_separator('N° facture,Montant\nF1,"1,5"\n', titles) == ","
    assert detect_separator("N° facture\tMontant\nF1\t1,5\n", titles) == "\t"


def test_samples_are_really_what_they_claim() -> None:
    # Guards the regenerated files: the encodings and spaces are the point of these tests.
    cp1252 = (DATA / "factures_cp1252.csv").read_bytes()
    assert b"\x80" in cp1252 and b"\xa0" in cp1252  # € and NBSP in cp1252
    assert (DATA / "factures_utf8bom_tab.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "\u202f".encode() in (DATA / "factures_utf8bom_tab.txt").read_bytes()


def test_every_line_of_a_file_is_accounted_for(input_dir: Path) -> None:
    # 2 title lines and the header, 8 invoices, 5 lines left out with their anomaly, 3 blank lines
    # (one of them only separators): 19 lines, none lost without a word.
    exports = read(input_dir, {"factures.csv": "factures_cp1252.csv"})
    report = exports.files_report["factures.csv"]
    assert (report.kind, report.lines, report.header, report.used, report.skipped, report.anomalies,
            report.blank) == ("factures", 19, 3, 8, 0, 5, 3)
    assert report.balanced and len(exports.invoices) == 8


def payments_file(folder: Path, *amounts: str) -> Path:
    lines = ["Date;Code client;Montant;N° facture"]
    lines += [f"15/10/2026;C{n};{amount};F{n}" for n, amount in enumerate(amounts, start=1)]
    (folder / "reglements.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    invoices = [f"F{n};C{n};01/09/2026;01/10/2026;1 200,00" for n in range(1, len(amounts) + 1)]
    text = "\n".join(["N° facture;Code client;Date facture;Échéance;Montant TTC", *invoices]) + "\n"
    (folder / "factures.csv").write_text(text, encoding="utf-8")
    return folder


def test_payments_written_negative_by_their_software_are_read_as_received_and_said(input_dir):
    """A bank statement's or a customer account's sign: money received is negative. Read as bounced
    cheques, every paid invoice would be chased; the signs are turned round, with one anomaly."""
    exports = read_exports(payments_file(input_dir, "-1 200,00", "-300,00", "50,00"), Settings())
    assert [(p.customer_code, p.amount) for p in exports.payments] == [
        ("C1", Decimal("1200.00")), ("C2", Decimal("300.00")), ("C3", Decimal("-50.00"))
    ]
    (anomaly,) = exports.anomalies
    where = ("reglements.csv", 2, "Montant", "-1 200,00")
    assert (anomaly.file, anomaly.row, anomaly.column, anomaly.value) == where
    assert "sont négatifs (2 ligne(s) sur 3) : ils sont lus comme des règlements reçus" in anomaly.message
    assert "les 1 positifs, des règlements annulés" in anomaly.message


def test_a_bounced_cheque_among_payments_keeps_its_sign(input_dir):
    exports = read_exports(payments_file(input_dir, "1 200,00", "300,00", "-300,00"), Settings())
    assert [p.amount for p in exports.payments] == [Decimal("1200.00"), Decimal("300.00"), Decimal("-300.00")]
    assert exports.anomalies == ()


def test_an_invoices_file_where_every_amount_is_negative_is_said(input_dir):
    lines = ["N° facture;Code client;Date facture;Échéance;Montant TTC", "",
             "F1;C1;01/09/2026;01/10/2026;-1 200,00", "F2;C2;01/09/2026;01/10/2026;-300,00"]  # fmt: skip
    (input_dir / "factures.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    exports = read_exports(input_dir, Settings())
    assert [i.amount for i in exports.invoices] == [Decimal("-1200.00"), Decimal("-300.00")]  # as written
    (anomaly,) = exports.anomalies
    assert (anomaly.file, anomaly.row, anomaly.column) == ("factures.csv", 3, "Montant TTC")
    assert anomaly.message.startswith("Tous les montants de ce fichier sont négatifs (2 lignes)")
    # One credit note alone, or among invoices, is nothing to say.
    (input_dir / "factures.csv").write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    assert read_exports(input_dir, Settings()).anomalies == ()


def invoices_with(folder: Path, title: str) -> Path:
    text = f"N° facture;Code client;Date facture;Échéance;{title}\nF1;C1;01/09/2026;01/10/2026;1 000,00\n"
    (folder / "factures.csv").write_text(text, encoding="utf-8")
    return folder


def test_an_invoices_file_with_only_amounts_before_tax_is_refused_with_why(input_dir):
    with pytest.raises(RelanceError) as refused:
        read_exports(invoices_with(input_dir, "Montant HT"), Settings())
    assert refused.value.message == (
        "Le fichier factures.csv n'a pas de colonne « Montant TTC » (colonnes trouvées : N° facture, Code "
        "client, Date facture, Échéance, Montant HT) : le montant hors taxes ne suffit pas, une relance "
        "réclame le TTC. Exportez le montant TTC, ou indiquez son titre dans relance.toml, section "
        "[colonnes.factures]."
    )
    with pytest.raises(RelanceError, match=r"Désignation\)\. Exportez le montant TTC"):
        read_exports(invoices_with(input_dir, "Désignation"), Settings())


def test_a_list_of_open_items_with_only_what_is_left_to_pay_is_read(input_dir):
    (invoice,) = read_exports(invoices_with(input_dir, "Reste à payer"), Settings()).invoices
    assert (invoice.amount, invoice.remaining) == (Decimal("1000.00"), Decimal("1000.00"))
