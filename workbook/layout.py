"""The proposal workbook's contract: sheet names, the validation cell, hidden metadata keys, yes/no words."""

from __future__ import annotations

FORMAT_NAME = "relance-proposition"
# 2: rows proven by their sealed ID (workbook/identity.py); a proposal of version 1 is prepared again.
FORMAT_VERSION = 2

SUMMARY = "Synthèse"
CUSTOMERS = "Clients"
INVOICES = "Factures"
QUOTES = "Devis"  # only when input/ has a devis* file
ANOMALIES = "Anomalies"
AGEING = "Balance âgée"
META = "_relance"  # hidden: metadata and the table of levels behind « Libellé niveau »

VALIDATED_LABEL = "Envoi validé"
VALIDATED_ROW = 3  # where the writer puts it (column B of Synthèse); readers find it by its label
VALIDATED_CELL = f"B{VALIDATED_ROW}"
ID_HEADER = "ID"  # last column of Clients and Factures, hidden
COMPANY_HEADER = "Société"  # with [[societes]]: first column of Clients, Factures and Balance âgée
COMPANIES_KEY = "societes"  # with [[societes]]: the metadata row of the companies' codes, "|" between them

ANOMALY_HEADERS = ("Fichier", "Ligne", "Colonne", "Valeur", "Message")

YES, NO = "Oui", "Non"
