"""Regenerates the exports of tests/data/layouts/, one per layout of docs/exports.md
(run: python tests/data/make_layouts.py). The files are committed; this script says how they were
made. Each follows what the software's public documentation shows of its export (column titles,
statuses, FEC quirks); docs/exports.md says which parts could be confirmed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent / "layouts"
NBSP = "\u00a0"
FEC_HEADER = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
              "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise")


def write(name: str, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> None:
    (HERE / name).write_bytes(newline.join(lines).encode(encoding) + newline.encode())


def fec(journal: str, label: str, entry: str, day: str, account: str, account_label: str, aux: str,
        aux_label: str, text: str, debit: str, credit: str, letter: str = "", piece: str = "-") -> str:
    # Odoo: PieceRef is « - », the number is in EcritureNum; DateLet set when lettered.
    return "|".join([journal, label, entry, day, account, account_label, aux, aux_label, piece, day, text,
                     debit, credit, letter, day if letter else "", day, "", ""])


def odoo_fec() -> None:
    inv, bank, bill = ("INV", "Customer Invoices"), ("BNK1", "Bank"), ("BILL", "Vendor Bills")
    lines = [
        FEC_HEADER,
        fec(*inv, "INV/2026/00001", "20260105", "411100", "Clients", "C100", "Azur Bâtiment",
            "INV/2026/00001", "1200,00", "0,00"),
        fec(*inv, "INV/2026/00001", "20260105", "707100", "Ventes",
            "", "", "Pose fenêtres", "0,00", "1000,00"),
        fec(*inv, "INV/2026/00001", "20260105", "445710", "TVA collectée",
            "", "", "TVA 20 %", "0,00", "200,00"),
        fec(*inv, "INV/2026/00002", "20260110", "411100", "Clients", "C100", "Azur Bâtiment",
            "INV/2026/00002", "600,00", "0,00", "A1"),
        fec(*inv, "INV/2026/00002", "20260110", "707100", "Ventes", "", "", "Volets", "0,00", "500,00"),
        fec(*inv, "INV/2026/00002", "20260110", "445710", "TVA collectée",
            "", "", "TVA 20 %", "0,00", "100,00"),
        fec(*inv, "INV/2026/00003", "20260112", "411100", "Clients", "C200", "Brasserie du Port",
            "INV/2026/00003", "300,00", "0,00"),
        fec(*inv, "INV/2026/00003", "20260112", "707100", "Ventes", "", "", "Audit", "0,00", "250,00"),
        fec(*inv, "INV/2026/00003", "20260112", "445710", "TVA collectée",
            "", "", "TVA 20 %", "0,00", "50,00"),
        # The stray empty 19th field a real FEC carried, on an expense line.
        fec(*bill, "BILL/2026/00001", "20260115", "606100", "Fournitures", "", "", "Papeterie",
            "120,00", "0,00") + "|",
        fec(*bill, "BILL/2026/00001", "20260115", "445660", "TVA déductible",
            "", "", "TVA 20 %", "24,00", "0,00"),
        fec(*bill, "BILL/2026/00001", "20260115", "401100", "Fournisseurs", "F10", "Papeterie Durand",
            "BILL/2026/00001", "0,00", "144,00"),
        fec(*bank, "BNK1/2026/00001", "20260210", "411100", "Clients", "C100", "Azur Bâtiment",
            "Paiement client INV/2026/00002", "0,00", "600,00", "A1"),
        fec(*bank, "BNK1/2026/00001", "20260210", "512100", "Banque",
            "", "", "Paiement client", "600,00", "0,00"),
        fec(*bank, "BNK1/2026/00002", "20260215", "411100", "Clients", "C200", "Brasserie du Port",
            "Paiement INV/2026/00003", "0,00", "100,00"),
        fec(*bank, "BNK1/2026/00002", "20260215", "512100", "Banque", "", "", "Paiement", "100,00", "0,00"),
        fec(*inv, "RINV/2026/00001", "20260120", "411100", "Clients", "C100", "Azur Bâtiment",
            "RINV/2026/00001", "0,00", "120,00"),
        fec(*inv, "RINV/2026/00001", "20260120", "707100", "Ventes", "", "", "Remise", "100,00", "0,00"),
        fec(*inv, "RINV/2026/00001", "20260120", "445710", "TVA collectée",
            "", "", "TVA 20 %", "20,00", "0,00"),
    ]
    write("fec_odoo.txt", lines, newline="\n")


def foreign_chart_fec() -> None:
    # Receivables on 121000 (Odoo's generic chart), not 411.
    sales, bank = ("INV", "Customer Invoices"), ("BNK1", "Bank")
    write("fec_plan_etranger.txt", [
        FEC_HEADER,
        fec(*sales, "INV/2026/00007", "20260301", "121000", "Account Receivable", "C7", "Nordic AB",
            "INV/2026/00007", "500,00", "0,00", piece="INV/2026/00007"),
        fec(*sales, "INV/2026/00007", "20260301", "400000", "Product Sales", "", "", "Services", "0,00",
            "500,00", piece="INV/2026/00007"),
        fec(*bank, "BNK1/2026/00009", "20260320", "121000", "Account Receivable", "C7", "Nordic AB",
            "Payment", "0,00", "200,00", piece="BNK1/2026/00009"),
        fec(*bank, "BNK1/2026/00009", "20260320", "251000", "Bank", "", "", "Payment", "200,00", "0,00",
            piece="BNK1/2026/00009"),
    ], newline="\n")


def grand_livre() -> None:
    # A « grand livre des tiers » as accounting packages print it to Excel/CSV: title lines, one
    # customer account column, totals after each account, cp1252.
    write("grand_livre_clients.csv", [
        "Grand livre des tiers clients",
        "Période du 01/01/2026 au 30/04/2026",
        "",
        "Compte tiers;Date;Journal;N° pièce;Libellé;Échéance;Débit;Crédit;Lettrage;Solde",
        f"CLAZUR;05/01/2026;VTE;FA0001;Facture FA0001;04/02/2026;1{NBSP}200,00;;;1{NBSP}200,00",
        f"CLAZUR;10/01/2026;VTE;FA0002;Facture FA0002;09/02/2026;600,00;;A;1{NBSP}800,00",
        f"CLAZUR;10/02/2026;BQ;RG0001;Règlement FA0002;;;600,00;A;1{NBSP}200,00",
        f"CLAZUR;20/01/2026;VTE;AV0001;Avoir sur FA0001;20/01/2026;;120,00;;1{NBSP}080,00",
        f";;;;Total CLAZUR;;1{NBSP}800,00;720,00;;1{NBSP}080,00",
        "CLPORT;12/01/2026;VTE;FA0003;Facture FA0003;11/03/2026;300,00;;;300,00",
        "CLPORT;15/02/2026;BQ;RG0002;Virement Brasserie du Port;;;100,00;;200,00",
        ";;;;Total CLPORT;;300,00;100,00;;200,00",
        "",
        f";;;;Total général;;2{NBSP}100,00;820,00;;1{NBSP}280,00",
    ], encoding="cp1252")


def export_comptable() -> None:
    # An « export comptable » of an invoicing tool: a sales journal and a bank journal, one row per
    # line, the customer as an auxiliary account.
    write("export_comptable.csv", [
        "Journal;Date;Compte;Compte auxiliaire;Pièce;Libellé;Débit;Crédit;Lettrage",
        "VT;05/03/2026;411000;DUPONT;F301;Facture Dupont;360,00;;",
        "VT;05/03/2026;706000;;F301;Facture Dupont;;300,00;",
        "VT;05/03/2026;445710;;F301;TVA;;60,00;",
        "VT;06/03/2026;411000;MARTIN;F302;Facture Martin;240,00;;",
        "VT;06/03/2026;706000;;F302;Facture Martin;;200,00;",
        "VT;06/03/2026;445710;;F302;TVA;;40,00;",
        "BQ;20/03/2026;512000;;R77;Virement Dupont;360,00;;",
        "BQ;20/03/2026;411000;DUPONT;R77;Virement Dupont F301;;360,00;",
        "VT;07/03/2026;411000;MARTIN;F303;Facture Martin;96,00;;M",
        "BQ;25/03/2026;411000;MARTIN;R78;Virement Martin;;96,00;M",
    ])


def odoo_journal_items() -> None:
    # Odoo's Accounting > Journal Items list exported to Excel, English titles.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Journal", "Journal Entry", "Account", "Partner", "Label", "Reference",
                  "Debit", "Credit", "Matching Number", "Due Date"])
    day = datetime
    rows = [
        (day(2026, 1, 5), "Customer Invoices", "INV/2026/00001", "411100 Clients", "Azur Bâtiment",
         "INV/2026/00001", "", 1200, 0, "", day(2026, 2, 4)),
        (day(2026, 1, 5), "Customer Invoices", "INV/2026/00001", "707100 Ventes", "Azur Bâtiment", "Pose",
         "", 0, 1000, "", None),
        (day(2026, 1, 5), "Customer Invoices", "INV/2026/00001", "445710 TVA collectée", "Azur Bâtiment",
         "TVA 20 %", "", 0, 200, "", None),
        (day(2026, 2, 10), "Bank", "BNK1/2026/00003", "411100 Clients", "Azur Bâtiment",
         "Customer payment", "INV/2026/00001", 0, 500, "", None),
        (day(2026, 2, 10), "Bank", "BNK1/2026/00003", "512100 Banque", "Azur Bâtiment", "Customer payment",
         "INV/2026/00001", 500, 0, "", None),
        (day(2026, 1, 8), "Customer Invoices", "INV/2026/00004", "411100 Clients", "Café Lumière",
         "INV/2026/00004", "", 480, 0, "A12", day(2026, 2, 7)),
        (day(2026, 2, 3), "Bank", "BNK1/2026/00004", "411100 Clients", "Café Lumière", "Customer payment",
         "", 0, 480, "A12", None),
    ]
    for row in rows:
        sheet.append(list(row))
    book.save(HERE / "odoo_ecritures.xlsx")


def invoice_lines() -> None:
    # An invoicing app's export of invoice lines (one row per line) with its Statut column.
    write("factures_lignes.csv", [
        "Numéro;Date Émission;Date échéance;Client;Code client;Désignation;Quantité;Prix unitaire HT;"
        "Montant TTC;Statut",
        "FA-101;05/01/2026;04/02/2026;Azur Bâtiment;C100;Pose;1;500,00;600,00;À régler",
        "FA-101;05/01/2026;04/02/2026;Azur Bâtiment;C100;Fournitures;2;100,00;240,00;À régler",
        "FA-102;06/01/2026;05/02/2026;Brasserie du Port;C200;Audit;1;250,00;300,00;Payée",
        "FA-103;07/01/2026;06/02/2026;Brasserie du Port;C200;Audit;1;100,00;120,00;Partiellement payée",
        "FA-104;08/01/2026;07/02/2026;Café Lumière;C300;Étude;1;1000,00;1200,00;Annulée",
        "FA-105;09/01/2026;08/02/2026;Café Lumière;C300;Étude;1;50,00;60,00;Brouillon",
        "FA-106;10/01/2026;09/02/2026;Azur Bâtiment;C100;Dépannage;1;50,00;60,00;En retard",
        "FA-106;10/01/2026;09/02/2026;Azur Bâtiment;C100;Déplacement;1;50,00;60,00;En retard",
    ])


def dolibarr() -> None:
    # Dolibarr's export « Factures clients », titles of its fr_FR language files, its statuses.
    write("factures_dolibarr.csv", [
        "Ref. facture;Raison sociale;Code comptable client;Date facturation;Date échéance;Total TTC;"
        "Statut facture",
        "FA2601-0001;Azur Bâtiment;411AZUR;05/01/2026;04/02/2026;1200;Impayée",
        "FA2601-0002;Azur Bâtiment;411AZUR;06/01/2026;05/02/2026;600;Payée",
        "FA2601-0003;Brasserie du Port;411PORT;07/01/2026;06/02/2026;300;Règlement commencé",
        "FA2601-0004;Brasserie du Port;411PORT;08/01/2026;07/02/2026;90;Payée (partiellement)",
        "FA2601-0005;Café Lumière;411LUMI;09/01/2026;08/02/2026;45;Abandonnée",
        "(PROV6);Café Lumière;411LUMI;10/01/2026;09/02/2026;45;Brouillon (à valider)",
        "FA2601-0007;Café Lumière;411LUMI;11/01/2026;10/02/2026;75;Validée (à payer)",
    ], encoding="cp1252")


def aged_balance() -> None:
    write("balance_agee.csv", [
        "Balance âgée clients au 30/04/2026",
        "",
        "Client;Non échu;0-30 jours;31-60 jours;61-90 jours;+ de 90 jours;Total",
        "Azur Bâtiment;600,00;1 200,00;0,00;0,00;0,00;1 800,00",
        "Brasserie du Port;0,00;0,00;300,00;0,00;120,00;420,00",
    ])


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    odoo_fec()
    foreign_chart_fec()
    grand_livre()
    export_comptable()
    odoo_journal_items()
    invoice_lines()
    dolibarr()
    aged_balance()
