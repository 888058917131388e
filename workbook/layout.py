"""The proposal workbook's contract: sheet names, exact French headers, hidden IDs and metadata keys."""

from __future__ import annotations

FORMAT_NAME = "relance-proposition"
FORMAT_VERSION = 1

SUMMARY = "Synthèse"
CUSTOMERS = "Clients"
INVOICES = "Factures"
ANOMALIES = "Anomalies"
AGEING = "Balance âgée"
META = "_relance"  # hidden: metadata and the lists behind the dropdowns

VALIDATED_LABEL = "Envoi validé"
ID_HEADER = "ID"  # last column of Clients and Factures, hidden

CUSTOMER_HEADERS = (
    "Code client",
    "Client",
    "Email",
    "Téléphone",
    "Total dû",
    "Total échu",
    "Niveau",
    "Libellé niveau",
    "Canal",
    "À relancer",
    "Motif",
    "Dernière relance",
    "Nb relances",
    "Message",
    "Réclamer pénalités",
    "Pénalités",
    "Indemnité",
    ID_HEADER,
)
CUSTOMER_EDITABLE = ("Email", "Niveau", "Canal", "À relancer", "Message", "Réclamer pénalités")

INVOICE_HEADERS = (
    "Code client",
    "N° facture",
    "Date facture",
    "Échéance",
    "Montant TTC",
    "Reste dû",
    "Jours de retard",
    "Niveau",
    "Dernière relance",
    "Nb relances",
    "Inclure",
    "Motif",
    "Pénalités",
    "Indemnité",
    ID_HEADER,
)
INVOICE_EDITABLE = ("Inclure",)

# Columns a proposal written before they existed does not have: read when present.
OPTIONAL_HEADERS = frozenset({"Réclamer pénalités", "Pénalités", "Indemnité"})

ANOMALY_HEADERS = ("Fichier", "Ligne", "Colonne", "Valeur", "Message")

YES, NO = "Oui", "Non"


def customer_id(code: str) -> str:
    """The hidden, stable ID of a customer row: survives sorting, filtering and re-saving."""
    return f"C:{code}"


def invoice_id(code: str, number: str) -> str:
    """The hidden, stable ID of an invoice row."""
    return f"F:{code}:{number}"
