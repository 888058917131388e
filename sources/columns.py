"""The columns of each export, declared once with their synonyms, and finding the header row.

Synonyms come from the exports of the software French businesses use (see docs/exports.md); titles
are compared by sources.cells.header_key (no case, accents, punctuation, articles).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.errors import RelanceError
from models.settings import Settings, unknown_key
from sources.cells import header_key, text_of

HEADER_SEARCH_ROWS = 20  # title lines ("Export du 23/11/2026") may come before the header


@dataclass(frozen=True, slots=True)
class Field:
    """One column a kind of export may have: its key in relance.toml and its usual titles."""

    key: str
    required: bool
    synonyms: tuple[str, ...]  # priority order; the first one names the column in messages


def _field(key: str, *synonyms: str, required: bool = False) -> Field:
    return Field(key, required, synonyms)


# The company of an invoice, a payment or a quote, read only with [[societes]] (sources/companies.py): it
# then comes first of the optional fields, for « Société » also titles a customer's name in some exports.
_COMPANY = _field("societe", "Société", "Code société", "Entité", "Établissement", "Société émettrice",
                  "Company")
_PER_COMPANY = ("factures", "reglements", "devis")

# "Client" closes the list of name synonyms: when an export has both "Code client" and "Client",
# the code takes "Code client" first (required fields are matched first) and "Client" is the name.
FIELDS: dict[str, tuple[Field, ...]] = {
    "factures": (
        _field("numero", "N° facture", "Numéro facture", "Numéro", "Facture", "N° pièce", "Pièce",
               "Référence", "Num facture", "N° de facture", "Numéro de facture", "Réf. facture",
               "Référence facture", "Numéro de pièce", "N° document", "Numéro document",
               "Invoice number", "Number", "Invoice", required=True),
        _field("client", "Code client", "Code tiers", "Client", "Tiers", "Compte", "N° client",
               "Numéro client", "Compte client", "Compte tiers", "Réf. client", "Code comptable client",
               "Customer", "Partner", required=True),
        _field("nom", "Nom client", "Raison sociale", "Nom", "Client nom", "Nom du client",
               "Dénomination", "Entreprise", "Société", "Customer name", "Partner name", "Client"),
        _field("date", "Date facture", "Date pièce", "Date", "Date d'émission", "Date de facture",
               "Date facturation", "Date de facturation", "Date document", "Invoice date",
               required=True),
        # Optional: a missing due date comes from the customer's payment terms.
        _field("echeance", "Date d'échéance", "Date échéance", "Échéance",
               "Date limite de paiement", "Date limite de règlement", "Date limite règlement",
               "Échéance de paiement", "Date limite", "Due date"),
        _field("montant", "Montant TTC", "Total TTC", "TTC", "Montant", "Montant total TTC",
               "Total (TTC)", "Net à payer", "Montant total", "Total", "Amount", "Total amount"),
        _field("regle", "Montant réglé", "Réglé", "Payé", "Déjà réglé", "Montant payé", "Déjà payé",
               "Montant encaissé", "Encaissé", "Total réglé", "Amount paid", "Paid"),
        _field("reste_du", "Reste dû", "Reste à payer", "Restant dû", "Solde", "Montant restant",
               "Reste à encaisser", "Montant dû", "Restant à payer", "Montant restant dû", "Solde dû",
               "Amount due", "Balance"),
        _field("mode_reglement", "Mode de règlement", "Mode de paiement", "Mode pmt",
               "Mode règlement", "Règlement", "Moyen de paiement", "Payment method"),
        _field("litige", "Litige", "En litige"),
        _field("bloque", "Bloqué", "Bloque"),
        # Payée, Annulée, Brouillon…: read when the export has neither Réglé nor Reste dû.
        _field("statut", "Statut", "État", "Statut de paiement", "Statut facture", "État facture",
               "État de la facture", "Statut du paiement", "État du paiement", "Status",
               "Payment status"),
        _COMPANY,
    ),
    "reglements": (
        _field("date", "Date règlement", "Date de règlement", "Date opération", "Date paiement",
               "Date de paiement", "Date encaissement", "Date d'encaissement", "Date valeur",
               "Payment date", "Date", required=True),
        _field("client", "Code client", "Client", "Tiers", "Code tiers", "Compte", "Compte client",
               "N° client", "Numéro client", "Customer", "Partner", required=True),
        _field("montant", "Montant", "Crédit", "Montant réglé", "Montant TTC", "Montant encaissé",
               "Montant du règlement", "Montant règlement", "Montant payé", "Amount", required=True),
        _field("reference", "N° facture", "Facture", "Référence facture", "Référence", "Pièce",
               "Facture réglée", "Numéro facture", "Invoice"),
        _field("libelle", "Libellé", "Libelle opération", "Commentaire", "Description", "Label",
               "Note"),
        _COMPANY,
    ),
    "clients": (
        _field("code", "Code client", "Code", "Code tiers", "Client", "N° client", "Compte",
               "Numéro client", "Compte client", "Réf. client", "Identifiant client", required=True),
        # "Société" is not a name synonym: it is the company of a group the customer belongs to (filters).
        _field("nom", "Raison sociale", "Nom", "Nom client", "Dénomination", "Entreprise",
               "Nom de l'entreprise", "Client"),
        _field("email", "Email", "E-mail", "Courriel", "Mail", "Adresse email", "Adresse e-mail",
               "Email de facturation", "E-mail de facturation", "Adresse mail"),
        _field("adresse1", "Adresse", "Adresse 1", "Adresse ligne 1", "Rue", "Adresse de facturation"),
        _field("adresse2", "Adresse 2", "Complément d'adresse", "Adresse ligne 2", "Complément"),
        _field("adresse3", "Adresse 3", "Adresse ligne 3"),
        _field("code_postal", "Code postal", "CP"),
        _field("ville", "Ville", "Commune"),
        _field("pays", "Pays"),
        _field("telephone", "Téléphone", "Tél", "Tel", "Téléphone fixe", "Portable", "Mobile"),
        _field("type", "Type", "Type client", "Catégorie", "Nature"),
        _field("ne_pas_relancer", "Ne pas relancer", "Exclu des relances", "Pas de relance"),
        # "Échéance" is not a synonym: in a clients file it may be a date, not the customer's terms.
        _field("conditions", "Conditions de paiement", "Conditions de règlement", "Délai de paiement",
               "Conditions règlement"),
        _field("relancer_a_partir_du", "Relancer à partir du", "Promesse de paiement",
               "Ne pas relancer avant"),
        _field("bloque", "Bloqué", "Bloque"),
        _field("litige", "Litige", "En litige"),
        _field("commentaire", "Commentaire", "Motif blocage"),
        _field("famille", "Famille", "Famille client", "Catégorie client"),
        _field("representant", "Représentant", "Commercial", "Représentant commercial"),
        _field("societe", "Société", "Entité", "Établissement"),
        _field("civilite", "Civilité", "Titre", "Civ."),
    ),
    "relances": (
        _field("date", "Date", "Date relance", "Date de relance", required=True),
        _field("facture", "N° facture", "Facture", "Numéro", required=True),
        _field("niveau", "Niveau", "Niveau de relance", required=True),
    ),
    # Quotes (devis*, sources.quotes): read only when such a file is there.
    "devis": (
        _field("numero", "N° devis", "Numéro devis", "Numéro de devis", "N° de devis", "Devis", "Réf. devis",
               "Référence devis", "Num devis", "N° document", "Numéro document", "Numéro", "Référence",
               "N° pièce", "Pièce", "Quote number", "Quotation", "Quote", "Number", required=True),
        _field("client", "Code client", "Code tiers", "Client", "Tiers", "Compte", "N° client",
               "Numéro client", "Compte client", "Compte tiers", "Réf. client", "Customer", "Partner",
               required=True),
        _field("nom", "Nom client", "Raison sociale", "Nom", "Client nom", "Nom du client",
               "Dénomination", "Entreprise", "Société", "Customer name", "Partner name", "Client"),
        _field("date", "Date devis", "Date du devis", "Date", "Date d'émission", "Date de création",
               "Date document", "Date pièce", "Quote date", "Quotation date", required=True),
        # « Échéance »: what some tools call the end of the quote's validity.
        _field("validite", "Validité", "Date de validité", "Date validité", "Fin de validité",
               "Date de fin de validité", "Valable jusqu'au", "Valide jusqu'au", "Date limite de validité",
               "Date d'expiration", "Expiration", "Échéance", "Date d'échéance", "Date échéance",
               "Date limite", "Valid until", "Expiration date", required=True),
        _field("montant", "Montant TTC", "Total TTC", "TTC", "Montant", "Montant total TTC",
               "Total (TTC)", "Montant total", "Total", "Montant HT", "Total HT", "Amount",
               "Total amount", required=True),
        _field("statut", "Statut", "État", "Statut devis", "État du devis", "Statut du devis", "Status"),
        _COMPANY,
    ),
    # Grand livre, journal des ventes, journal items, « export comptable »: recognised by their
    # Débit and Crédit columns with an account or a customer column (see sources.ledger).
    "ecritures": (
        _field("date", "Date", "Date écriture", "Date d'écriture", "Date comptable", "Date pièce",
               "Accounting date", required=True),
        _field("debit", "Débit", "Montant débit", "Debit", required=True),
        _field("credit", "Crédit", "Montant crédit", "Credit", required=True),
        _field("compte", "Compte", "N° compte", "Numéro de compte", "Compte général",
               "Compte comptable", "Général", "Account"),
        _field("tiers", "Compte tiers", "Compte auxiliaire", "Code tiers", "Tiers", "Code client",
               "Compte client", "Auxiliaire", "Partenaire", "Partner", "Client"),
        _field("nom", "Nom tiers", "Nom du tiers", "Nom client", "Raison sociale", "Intitulé tiers",
               "Intitulé compte", "Libellé compte", "Partner name"),
        _field("journal", "Code journal", "Journal", "Journal code"),
        _field("ecriture", "N° écriture", "Numéro écriture", "N° mouvement", "Écriture",
               "Journal entry", "Entry", "Move"),
        _field("piece", "N° pièce", "Pièce", "Numéro de pièce", "N° facture", "Facture",
               "Référence", "Réf", "Reference", "Ref"),
        _field("libelle", "Libellé", "Libellé écriture", "Description", "Label", "Name"),
        _field("lettrage", "Lettrage", "Code lettrage", "Lettre", "Let", "Matching number",
               "Matching", "Reconcile"),
        _field("echeance", "Échéance", "Date d'échéance", "Date échéance", "Due date",
               "Date limite"),
        _field("mode", "Mode de règlement", "Mode de paiement", "Moyen de paiement"),
    ),
}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the header of one file is and which column holds each field found."""

    row: int  # position of the header among the file's records
    headers: tuple[str, ...]
    index: Mapping[str, int]  # field key -> column position

    def header(self, key: str) -> str:
        """The title of the field's column as the file writes it."""
        return self.headers[self.index[key]]

    def get(self, key: str) -> int:
        """The field's column position, or -1 when the file does not have it."""
        return self.index.get(key, -1)

    def shown(self, position: int) -> str:
        """The title of a column, or "" past the header's last one."""
        return self.headers[position] if 0 <= position < len(self.headers) else ""


@dataclass(frozen=True, slots=True)
class _Wanted:
    field: Field
    titles: tuple[str, ...]  # matching keys, priority order
    shown: str  # how a message names the column


def _wanted(kind: str, settings: Settings) -> tuple[_Wanted, ...]:
    """The fields of a kind, required first, with the titles relance.toml may put instead."""
    fields = FIELDS[kind]
    overrides = settings.columns.get(kind, {})
    unknown = sorted(set(overrides) - {f.key for f in fields})
    if unknown:
        keys = [f.key for f in fields]
        raise unknown_key("relance.toml", f"la section [colonnes.{kind}]", unknown[0], keys)
    if kind in _PER_COMPANY:
        fields = tuple(f for f in fields if f is not _COMPANY)
        if settings.companies:
            fields = (_COMPANY, *fields)
    wanted = []
    for f in sorted(fields, key=lambda f: not f.required):  # stable: declared order kept
        titles = (overrides[f.key],) if f.key in overrides else f.synonyms
        wanted.append(_Wanted(f, tuple(dict.fromkeys(header_key(t) for t in titles)), titles[0]))
    return tuple(wanted)


def known_titles(kind: str, settings: Settings) -> frozenset[str]:
    """Every matching key that names a column of this kind (to recognise a header line)."""
    return frozenset(t for w in _wanted(kind, settings) for t in w.titles)


def all_known_titles(settings: Settings) -> frozenset[str]:
    return frozenset().union(*(known_titles(kind, settings) for kind in FIELDS))


def _match(wanted: tuple[_Wanted, ...], cells: Sequence[object]) -> dict[str, int]:
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        title = header_key(text_of(cell))
        if title:
            positions.setdefault(title, []).append(i)
    index: dict[str, int] = {}
    used: set[int] = set()
    for w in wanted:  # required fields come first, so an optional one never steals their column
        for title in w.titles:
            free = [i for i in positions.get(title, ()) if i not in used]
            if free:
                index[w.field.key] = free[0]
                used.add(free[0])
                break
    return index


def _headers(cells: Sequence[object]) -> tuple[str, ...]:
    return tuple(text_of(c) for c in cells)


def find_layout(
    kind: str, rows: Sequence[tuple[int, Sequence[object]]], file_name: str, settings: Settings
) -> Layout:
    """The header among the first non-blank rows (position, cells); RelanceError if none."""
    wanted = _wanted(kind, settings)
    required = [w for w in wanted if w.field.required]
    best: tuple[int, int] | None = None  # (number of required fields found, index in rows)
    for number, (position, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        index = _match(wanted, cells)
        found = sum(1 for w in required if w.field.key in index)
        if found == len(required):
            return Layout(position, _headers(cells), index)
        if best is None or found > best[0]:
            best = (found, number)
    if best is None:
        found_titles = "aucune"
        missing = required[0]
    else:
        cells = rows[best[1]][1]
        found_titles = ", ".join(t for t in _headers(cells) if t) or "aucune"
        index = _match(wanted, cells)
        missing = next(w for w in required if w.field.key not in index)
    raise RelanceError(
        f"Le fichier {file_name} n'a pas de colonne « {missing.shown} » "
        f"(colonnes trouvées : {found_titles}). Renommez la colonne ou indiquez son titre dans "
        f"relance.toml, section [colonnes.{kind}]."
    )


# --- recognising a ledger or an aged balance -----------------------------------------------------

# Titles of an aged balance's columns: « Non échu », « 0-30 jours », « 31 à 60 j », « + de 90 jours »…
_BUCKET = re.compile(
    r"non echus?|a echoir|echus?|"
    r"(?:plus|au dela|over|sup)? ?\d+ (?:a )?(?:\d+ )?(?:jours?|j|days)(?: et plus| plus)?"
)
_RANGE = re.compile(r"(\d{1,3}) (?:a )?(\d{1,3})")


def _bucket(title: str) -> bool:
    """« Non échu », « 31 à 60 jours », « + de 90 j », or a bare range « 0-30 » (not « 0,00 »)."""
    if _BUCKET.fullmatch(title):
        return True
    match = _RANGE.fullmatch(title)
    return bool(match) and int(match[1]) < int(match[2])


def recognise(
    rows: Sequence[tuple[int, Sequence[object]]], settings: Settings, *, strict: bool
) -> str | None:
    """"ecritures" for a ledger or journal layout, "balance" for an aged balance, else None.

    `strict` (a file named as payments) asks a ledger for an account column: a bank statement
    with Débit and Crédit and a customer code is read as payments, as before.
    """
    wanted = _wanted("ecritures", settings)
    for _, cells in rows[:HEADER_SEARCH_ROWS]:
        titles = [header_key(text_of(c)) for c in cells]
        if sum(1 for t in titles if t and _bucket(t)) >= 2:
            return "balance"
        index = _match(wanted, cells)
        if {"date", "debit", "credit"} <= index.keys() and (
            "compte" in index or (not strict and "tiers" in index)
        ):
            return "ecritures"
    return None
