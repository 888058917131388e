"""Regenerates the two-company exports of tests/data/societes (run: python tests/data/make_societes.py).

A group's exports in one file per kind, with a « Société » column whose cells are written as people
write them (LYON, Lyon, « Paris »); the same customer code (C1), the same invoice number (FA-001) and the
same quote numbers (D-001, D-002) in both companies. The generated files are committed; this script says
how each one was made.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "societes"

CLIENTS = [
    "Code client;Raison sociale;Adresse;Code postal;Ville;Email;Téléphone;Société",
    "C1;Boulangerie Martin;3 place Sathonay;69001;Lyon;compta@martin.example;04 78 00 00 01;LYON",
    "C1;Boulangerie Martin Paris;8 rue de Turenne;75004;Paris;paris@martin.example;01 40 00 00 01;Paris",
    "C2;Garage Lemoine;4 rue Garibaldi;69006;Lyon;;04 78 00 00 02;",  # a customer of both companies
    "C3;Dupont & Fils;12 rue Mercière;69002;Lyon;;;lyon",
    "C4;Café de l'Étoile;1 place de l'Étoile;75008;Paris;etoile@cafe.example;;PARIS",
]

INVOICES = [
    ("N° facture", "Code client", "Société", "Date facture", "Échéance", "Montant TTC"),
    ("FA-001", "C1", "LYON", date(2026, 9, 1), date(2026, 10, 1), 1200),
    ("FA-002", "C3", "Lyon", date(2026, 9, 1), date(2026, 10, 1), 960),
    ("AV-001", "C3", "LYON", date(2026, 9, 15), date(2026, 9, 15), -160),
    ("FA-001", "C1", "PARIS", date(2026, 10, 21), date(2026, 11, 20), 500),  # same number, other company
    ("FA-009", "C1", " paris ", date(2026, 9, 1), date(2026, 10, 1), 300),
    ("FA-003", "C2", "Paris", date(2026, 9, 1), date(2026, 10, 1), 2400),
    ("FA-004", "C4", "PARIS", date(2026, 9, 1), date(2026, 10, 1), 700),
]

PAYMENTS = [
    "Date règlement;Code client;Montant;N° facture;Société",
    "10/11/2026;C1;300,00;;PARIS",  # pays PARIS's oldest invoice of C1 (FA-009), never LYON's FA-001
    "12/11/2026;C4;200,00;FA-004;PARIS",
    "15/11/2026;C1;200,00;FA-001;LYON",  # LYON's FA-001, not PARIS's
]

# Rows that name no company of relance.toml, or none at all.
WRONG = [
    "N° facture;Code client;Société;Date facture;Échéance;Montant TTC",
    "FA-101;C1;LYON;01/09/2026;01/10/2026;100,00",
    "FA-102;C1;Marseille;01/09/2026;01/10/2026;100,00",
    "FA-103;C2;;01/09/2026;01/10/2026;100,00",
    "FA-104;C2;MARSEILLE;01/09/2026;01/10/2026;100,00",
    "FA-105;C3;Paris;01/09/2026;01/10/2026;100,00",
]


# Quotes of both companies (for 2026-11-23): the same number D-001 for the same customer code C1, who is
# two customers; C2 is a customer of every company.
QUOTES = [
    ("N° devis", "Code client", "Société", "Date devis", "Validité", "Montant TTC", "Statut"),
    ("D-001", "C1", "LYON", date(2026, 9, 1), date(2026, 10, 31), 3600, "En attente"),
    ("D-001", "C1", "Paris", date(2026, 10, 1), date(2026, 11, 10), 1800, None),  # PARIS's own D-001
    ("D-002", "C2", "PARIS", date(2026, 9, 15), date(2026, 11, 1), 950, "En cours"),  # no email: by post
    ("D-002", "C3", "lyon", date(2026, 11, 1), date(2026, 12, 31), 480, "En attente"),  # still valid
    ("D-003", "C3", "LYON", date(2026, 9, 1), date(2026, 10, 1), 700, "Accepté"),
]

# Quote rows that name no company of relance.toml, or none at all; a number twice in one company.
WRONG_QUOTES = [
    "N° devis;Code client;Société;Date devis;Validité;Montant TTC",
    "D-101;C1;LYON;01/09/2026;01/10/2026;100,00",
    "D-102;C1;Marseille;01/09/2026;01/10/2026;100,00",
    "D-103;C2;;01/09/2026;01/10/2026;100,00",
    "D-101;C4;Paris;01/09/2026;01/10/2026;100,00",  # PARIS's D-101: another quote
    "D-101;C3;lyon;01/09/2026;01/10/2026;100,00",  # LYON's D-101 again: a duplicate
]


def quotes() -> None:
    """The quote files (written apart: the others stay byte for byte as committed)."""
    (HERE / "devis_societes_erreurs.csv").write_bytes(("\r\n".join(WRONG_QUOTES) + "\r\n").encode("utf-8"))
    _workbook("Devis", QUOTES, HERE / "devis_societes.xlsx")


def _workbook(title: str, rows: list, path: Path) -> None:
    """One sheet of `rows`, its 4th and 5th columns shown as dates, as the software's export."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in cells:
            cell.number_format = "DD/MM/YYYY"
    book.save(path)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "clients_societes.csv").write_bytes(("\r\n".join(CLIENTS) + "\r\n").encode("utf-8"))
    (HERE / "reglements_societes.csv").write_bytes(("\r\n".join(PAYMENTS) + "\r\n").encode("utf-8"))
    (HERE / "factures_societes_erreurs.csv").write_bytes(("\r\n".join(WRONG) + "\r\n").encode("utf-8"))
    _workbook("Factures", INVOICES, HERE / "factures_societes.xlsx")
    quotes()


if __name__ == "__main__":
    main()
