"""Regenerates the messy sample exports of tests/data (run: python tests/data/make_samples.py).

The generated files are committed; this script documents how each byte got there (cp1252, BOM,
no-break spaces) and rebuilds the spreadsheets (.xlsx with openpyxl, .xls and .ods by LibreOffice).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
NBSP, NNBSP, THIN = "\u00a0", "\u202f", "\u2009"


def write(name: str, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> None:
    (HERE / name).write_bytes(newline.join(lines).encode(encoding) + newline.encode())


def csv_samples() -> None:
    # Excel's "CSV (séparateur: point-virgule)": cp1252, title lines, NBSP thousands, €.
    write(
        "factures_cp1252.csv",
        [
            "Export des factures clients",
            "Édité le 23/11/2026 à 09:15",
            "",
            "N° facture;Code client;Nom client;Date facture;Échéance;Montant TTC;Réglé;Reste dû;"
            "Mode de règlement;Litige",
            "F2026-001;C001;Boulangerie Lefèvre;05/01/2026;04/02/2026;1 234,56 €;0,00;1 234,56 €;Virement;",
            f"F2026-002;C002;Café de l'Étoile;10/01/2026;09/02/2026;12{NBSP}500,00 €;2{NBSP}500,00;"
            f"10{NBSP}000,00;Chèque;Non",
            "A2026-003;C001;Boulangerie Lefèvre;15/01/2026;15/01/2026;-600,00;;;;",
            "A2026-004;C003;Garage Müller;16/01/2026;16/01/2026;150,00-;;;;",
            "F2026-005;C003;Garage Müller;20/01/2026;31/02/2026;450,00;;;;",
            "F2026-006;C004;Hôtel des Pins;21/01/2026;20/02/2026;abc;;;;",
            ";C004;Hôtel des Pins;22/01/2026;21/02/2026;99,90;;;;",
            "",
            "F2026-007;C005;Société Générale d'Équipement;23/01/2026;22/02/2026;2 000,00 €;500,00;"
            "1 400,00;Prélèvement;x",
            "F2026-008;C002;Café de l'Étoile;24/01/2026;23/02/2026;(75,50);;;;en cours",
            "F2026-001;C009;Doublon;25/01/2026;24/02/2026;10,00;;;;",
            "F2026-009;C006;Crêperie Ker Ys;26/01/2026;;80,00;;;;",
            ";;;;;;;;;",
            'F2026-010;C007;"Dupont; Fils & Cie";32/01/2026;28/02/2026;10,00;;;;',
            "Total;;;;;15 839,06 €;;;;",
        ],
        encoding="cp1252",
    )

    # Excel's "CSV UTF-8" saved as .txt with tabs; narrow no-break and thin spaces as thousands.
    write(
        "factures_utf8bom_tab.txt",
        [
            "Numéro\tClient\tNom\tDate\tDate d'échéance\tMontant\tSolde\tMode de paiement",
            f"2026-100\tC010\tÉlodie Martin\t2026-02-01\t03/03/26\t1{NNBSP}234,56\t1{NNBSP}234,56\tCarte",
            f"2026-101\tC011\tJürgen & Søn\t01.02.2026\t2026-03-03T00:00:00\t3{THIN}000,00 €\t0,00\tVirement",
            "2026-102\tC011\tJürgen & Søn\t20260201\t46100\t-45,00\t-45,00\t",
        ],
        encoding="utf-8-sig",
    )

    write(
        "reglements_pipe.csv",
        [
            "Date règlement|Code client|Montant|N° facture|Libellé",
            "05/02/2026|C001|1 234,56|F2026-001|VIR BOULANGERIE LEFEVRE",
            "10/02/2026 14:30|C002|2500| |Chèque n° 1234567",
            "2026-02-11|C003|EUR 150,00||Règlement F2026-005",
            "11/02/2026|C004|1.234,5||",
            "|C005|100,00||Sans date",
        ],
        newline="\n",
    )

    # Comma-separated, so French amounts are quoted.
    write(
        "paiements_comma.csv",
        [
            "Date,Client,Montant,Référence,Commentaire",
            '2026-02-05,C001,"1 234,56",F2026-001,"Virement, reçu"',
            '2026-02-06,C002,"1,234.56",,',
            '06/02/2026,C003,"-15,00",,Rejet',
            '2026-02-07,C004,,,"Montant manquant"',
        ],
    )

    write(
        "clients_utf8.csv",
        [
            "Code client;Raison sociale;Email;Adresse;Complément d'adresse;Code postal;Ville;Pays;"
            "Téléphone;Type;Ne pas relancer",
            'C001;Boulangerie Lefèvre;"compta@lefevre.fr; contact@lefevre.fr";12 rue des Lilas;;'
            "75011;Paris;France;01 23 45 67 89;Professionnel;Non",
            "C002;Café de l'Étoile;Jean Dupont <jean.dupont@etoile.fr>;3 place du Marché;Bâtiment B;"
            "69002;Lyon;;04 78 00 00 00;;",
            "C003;Élodie Martin;elodie.martin@;8 chemin Vert;;06000;Nice;France;;Particulier;",
            "C004;Garage Müller;;1 route de Colmar;;68000;Colmar;France;;PARTICULIER;Oui",
            "C005;Société Générale d'Équipement;info@sge.fr;;;;;;;Professionnel;à voir",
            "C001;Boulangerie Lefèvre (doublon);autre@lefevre.fr;;;;;;;;",
            ";Sans code;x@y.fr;;;;;;;;",
        ],
    )

    write(
        "relances_historique.csv",
        [
            "Date relance;N° facture;Niveau",
            "15/02/2026;F2026-001;1",
            "01/03/2026;F2026-001;Niveau 2",
            "01/03/2026;F2026-002;N2",
            "02/03/2026;F2026-007;deux",
        ],
    )

    write(
        "factures_sans_numero.csv",
        [
            "Num;Client;Date;Montant",
            "1;C001;05/01/2026;100,00",
        ],
    )

    write(
        "factures_colonnes_perso.csv",
        [
            "Pièce comptable;Tiers;Date;Échéance;TTC;Net à payer",
            "P-1;T1;05/01/2026;04/02/2026;120,00;100,00",
        ],
    )

    write(
        "factures_lot_a.csv",
        [
            "N° facture;Code client;Date;Échéance;Montant",
            "L-1;C001;05/01/2026;04/02/2026;100,00",
            "L-2;C002;06/01/2026;05/02/2026;200,00",
        ],
    )
    write(
        "factures_lot_b.csv",
        [
            "N° facture;Code client;Date;Échéance;Montant",
            "L-3;C003;07/01/2026;06/02/2026;300,00",
            "L-1;C004;08/01/2026;07/02/2026;400,00",
        ],
    )

    (HERE / "factures_abime.xlsx").write_bytes(b"PK\x03\x04 not really a zip archive")


def xlsx_sample() -> Path:
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Paramètres"
    hidden["A1"] = "Ne pas lire cette feuille"
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("Factures")
    sheet["A1"] = "Export des factures au 23/11/2026"
    headers = [
        "N° facture",
        "Code client",
        "Raison sociale",
        "Date pièce",
        "Date d'échéance",
        "Total TTC",
        "Montant réglé",
        "Litige",
    ]
    rows = [
        # Row 4: real date cells, numbers as numbers (the invoice number too).
        [1042, "C001", "Boulangerie Lefèvre", date(2026, 1, 5), date(2026, 2, 4), 1234.56, 0, False],
        # Row 5: a datetime cell, a serial number in a General-format cell, a text amount.
        ["F-1043", 2002, "Café de l'Étoile", datetime(2026, 1, 6, 10, 30), 46060, "1 234,56 €", None, "Oui"],
        ["F-1044", "C003", "Garage Müller", "15/01/2026", "14/02/2026", -600, None, None],
        ["F-1045", "C003", "Garage Müller", "16/01/2026", "31/02/2026", 450, None, None],
        ["F-1046", "C004", "Hôtel des Pins", "17/01/2026", "16/02/2026", "abc", None, None],
        [None, "C004", "Hôtel des Pins", "18/01/2026", "17/02/2026", 99.9, None, None],
        [],
        ["F-1047", "C005", "Crêperie Ker Ys", "19/01/2026", "46100", 99.999, 50, 1],
        ["Total", None, None, None, None, 1234.56, None, None],
    ]
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    path = HERE / "factures_excel.xlsx"
    workbook.save(path)
    return path


def libreoffice_copies(xlsx: Path) -> None:
    """Real .xls and .ods files, converted by LibreOffice from the .xlsx sample."""
    soffice = shutil.which("soffice")
    if soffice is None:
        print("soffice introuvable : .xls et .ods non régénérés", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as profile:
        for target in ("xls", "ods"):
            subprocess.run(
                [
                    soffice,
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(HERE),
                    str(xlsx),
                ],
                check=True,
                capture_output=True,
            )
            if not (HERE / f"{xlsx.stem}.{target}").exists():
                raise SystemExit(f"LibreOffice n'a pas produit {xlsx.stem}.{target}")


def quote_samples() -> None:
    """Quotes exports (devis*): Excel's cp1252 CSV with a title line, and a quoting tool's xlsx."""
    write(
        "devis_cp1252.csv",
        [
            "Liste des devis au 23/11/2026",
            "N° devis;Code client;Nom client;Date devis;Date de validité;Montant TTC;Statut",
            f"DE-001;C001;Boulangerie Lefèvre;01/09/2026;01/10/2026;3{NBSP}600,00 €;En attente",
            "DE-002;C002;Café de l'Étoile;02/09/2026;02/10/2026;1 200,00;EN COURS",
            "DE-003;C003;Garage Müller;03/09/2026;03/10/2026;450,00;Envoyé",
            "DE-004;C003;Garage Müller;04/09/2026;04/10/2026;80,50;",
            "DE-005;C001;Boulangerie Lefèvre;05/09/2026;05/10/2026;900,00;Acceptée",
            "DE-006;C002;Café de l'Étoile;06/09/2026;06/10/2026;900,00;signé",
            "DE-007;C004;Hôtel des Pins;07/09/2026;07/10/2026;900,00;Transformé en facture",
            "DE-008;C004;Hôtel des Pins;08/09/2026;08/10/2026;900,00;Facturé",
            "DE-009;C005;Crêperie Ker Ys;09/09/2026;09/10/2026;900,00;Gagné",
            "DE-010;C005;Crêperie Ker Ys;10/09/2026;10/10/2026;900,00;Refusé",
            "DE-011;C005;Crêperie Ker Ys;11/09/2026;11/10/2026;900,00;perdu",
            "DE-012;C006;Société Générale d'Équipement;12/09/2026;12/10/2026;900,00;Annulé",
            "DE-013;C006;Société Générale d'Équipement;13/09/2026;13/10/2026;900,00;Abandonné",
            "",
            "DE-014;C006;Société Générale d'Équipement;14/09/2026;14/10/2026;900,00;À l'étude",
            "DE-001;C009;Doublon;15/09/2026;15/10/2026;10,00;En attente",
            "DE-015;C001;Boulangerie Lefèvre;16/09/2026;;10,00;En attente",
            "DE-016;C001;Boulangerie Lefèvre;32/09/2026;31/10/2026;10,00;Attente",
            "DE-017;C001;Boulangerie Lefèvre;17/09/2026;31/02/2026;10,00;En attente",
            "DE-018;C001;Boulangerie Lefèvre;18/09/2026;18/10/2026;dix euros;En attente",
            ";C001;Boulangerie Lefèvre;19/09/2026;19/10/2026;10,00;En attente",
        ],
        encoding="cp1252",
    )
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Devis"
    sheet.append(["Numéro de devis", "Réf. client", "Raison sociale", "Date d'émission", "Valable jusqu'au",
                  "Total TTC", "État"])  # fmt: skip
    sheet.append(["DV-2026-031", "C001", "Boulangerie Lefèvre", date(2026, 9, 1), date(2026, 10, 1), 3600,
                  "En attente"])  # fmt: skip
    sheet.append([2026032, "C002", "Café de l'Étoile", datetime(2026, 9, 2, 14, 5), 46297, 1234.5, None])
    sheet.append(["DV-2026-033", "C003", "Garage Müller", "03/09/2026", "2026-10-03", "450,00 €", "ACCEPTÉ"])
    path = HERE / "devis_logiciel.xlsx"
    workbook.save(path)


if __name__ == "__main__":
    csv_samples()
    quote_samples()
    libreoffice_copies(xlsx_sample())
