"""The columns of each export, declared once with their French synonyms, and finding the header row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.errors import RelanceError
from models.settings import Settings, unknown_key
from sources.cells import normalize_header, text_of

HEADER_SEARCH_ROWS = 20  # title lines ("Export du 23/11/2026") may come before the header


@dataclass(frozen=True, slots=True)
class Field:
    """One column a kind of export may have: its key in relance.toml and its usual titles."""

    key: str
    required: bool
    synonyms: tuple[str, ...]  # priority order; the first one names the column in messages


def _field(key: str, *synonyms: str, required: bool = False) -> Field:
    return Field(key, required, synonyms)


# "Client" closes the list of name synonyms: when an export has both "Code client" and "Client",
# the code takes "Code client" first (required fields are matched first) and "Client" is the name.
FIELDS: dict[str, tuple[Field, ...]] = {
    "factures": (
        _field("numero", "N° facture", "Numéro facture", "Numéro", "Facture", "N° pièce", "Pièce",
               "Référence", "Num facture", "N° de facture", "Numéro de facture", required=True),
        _field("client", "Code client", "Code tiers", "Client", "Tiers", "Compte", "N° client",
               required=True),
        _field("nom", "Nom client", "Raison sociale", "Nom", "Client nom", "Client"),
        _field("date", "Date facture", "Date pièce", "Date", "Date d'émission", "Date de facture",
               required=True),
        # Optional: a missing due date comes from the customer's payment terms.
        _field("echeance", "Date d'échéance", "Date échéance", "Échéance",
               "Date limite de paiement"),
        _field("montant", "Montant TTC", "Total TTC", "TTC", "Montant", required=True),
        _field("regle", "Montant réglé", "Réglé", "Payé", "Déjà réglé"),
        _field("reste_du", "Reste dû", "Reste à payer", "Restant dû", "Solde", "Montant restant"),
        _field("mode_reglement", "Mode de règlement", "Mode de paiement", "Mode pmt",
               "Mode règlement", "Règlement"),
        _field("litige", "Litige", "En litige"),
        _field("bloque", "Bloqué", "Bloque"),
    ),
    "reglements": (
        _field("date", "Date règlement", "Date de règlement", "Date opération", "Date paiement",
               "Date", required=True),
        _field("client", "Code client", "Client", "Tiers", "Code tiers", "Compte", required=True),
        _field("montant", "Montant", "Crédit", "Montant réglé", "Montant TTC", required=True),
        _field("reference", "N° facture", "Facture", "Référence facture", "Référence", "Pièce"),
        _field("libelle", "Libellé", "Libelle opération", "Commentaire"),
    ),
    "clients": (
        _field("code", "Code client", "Code", "Code tiers", "Client", "N° client", "Compte",
               required=True),
        # "Société" is not a name synonym: it is the company of a group the customer belongs to (filters).
        _field("nom", "Raison sociale", "Nom", "Nom client", "Client"),
        _field("email", "Email", "E-mail", "Courriel", "Mail", "Adresse email", "Adresse e-mail"),
        _field("adresse1", "Adresse", "Adresse 1", "Adresse ligne 1", "Rue"),
        _field("adresse2", "Adresse 2", "Complément d'adresse", "Adresse ligne 2", "Complément"),
        _field("adresse3", "Adresse 3", "Adresse ligne 3"),
        _field("code_postal", "Code postal", "CP"),
        _field("ville", "Ville", "Commune"),
        _field("pays", "Pays"),
        _field("telephone", "Téléphone", "Tél", "Tel", "Téléphone fixe", "Portable", "Mobile"),
        _field("type", "Type", "Type client", "Catégorie", "Nature"),
        _field("ne_pas_relancer", "Ne pas relancer", "Exclu des relances", "Pas de relance"),
        # "Échéance" is not a synonym: in a clients file it may be a date, not the customer's terms.
        _field("conditions", "Conditions de paiement", "Conditions de règlement", "Délai de paiement"),
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
}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the header of one file is and which column holds each field found."""

    row: int  # physical row number of the header (1-based)
    headers: tuple[str, ...]
    index: Mapping[str, int]  # field key -> column position

    def header(self, key: str) -> str:
        """The title of the field's column as the file writes it."""
        return self.headers[self.index[key]]

    def get(self, key: str) -> int:
        """The field's column position, or -1 when the file does not have it."""
        return self.index.get(key, -1)


@dataclass(frozen=True, slots=True)
class _Wanted:
    field: Field
    titles: tuple[str, ...]  # normalized, priority order
    shown: str  # how a message names the column


def _wanted(kind: str, settings: Settings) -> tuple[_Wanted, ...]:
    """The fields of a kind, required first, with the titles relance.toml may put instead."""
    fields = FIELDS[kind]
    overrides = settings.columns.get(kind, {})
    unknown = sorted(set(overrides) - {f.key for f in fields})
    if unknown:
        keys = [f.key for f in fields]
        raise unknown_key("relance.toml", f"la section [colonnes.{kind}]", unknown[0], keys)
    wanted = []
    for f in sorted(fields, key=lambda f: not f.required):  # stable: declared order kept
        titles = (overrides[f.key],) if f.key in overrides else f.synonyms
        wanted.append(_Wanted(f, tuple(normalize_header(t) for t in titles), titles[0]))
    return tuple(wanted)


def known_titles(kind: str, settings: Settings) -> frozenset[str]:
    """Every normalized title that names a column of this kind (to recognise a header line)."""
    return frozenset(t for w in _wanted(kind, settings) for t in w.titles)


def _match(wanted: tuple[_Wanted, ...], cells: Sequence[object]) -> dict[str, int]:
    positions: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        title = normalize_header(text_of(cell))
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


def find_layout(
    kind: str, rows: Sequence[tuple[int, Sequence[object]]], file_name: str, settings: Settings
) -> tuple[Layout, int]:
    """The header among the first non-blank rows and its position in `rows`; RelanceError if none."""
    wanted = _wanted(kind, settings)
    required = [w for w in wanted if w.field.required]
    best: tuple[int, int] | None = None  # (number of required fields found, position)
    seen = 0
    for position, (row_number, cells) in enumerate(rows):
        if not any(text_of(c) for c in cells):
            continue
        index = _match(wanted, cells)
        found = sum(1 for w in required if w.field.key in index)
        if found == len(required):
            headers = tuple(text_of(c) for c in cells)
            return Layout(row_number, headers, index), position
        if best is None or found > best[0]:
            best = (found, position)
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if best is None:
        found_titles = "aucune"
        missing = required[0]
    else:
        cells = rows[best[1]][1]
        found_titles = ", ".join(t for t in (text_of(c) for c in cells) if t) or "aucune"
        index = _match(wanted, cells)
        missing = next(w for w in required if w.field.key not in index)
    raise RelanceError(
        f"Le fichier {file_name} n'a pas de colonne « {missing.shown} » "
        f"(colonnes trouvées : {found_titles}). Renommez la colonne ou indiquez son titre dans "
        f"relance.toml, section [colonnes.{kind}]."
    )
