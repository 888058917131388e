"""Settings of a run, built once from the parsed `relance.toml` and passed down, frozen."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from models.calendar import COUNTINGS
from models.errors import RelanceError
from models.filters import Filters
from models.payment import link_problem
from models.penalties import DEFAULT_ECB, PenaltyRates
from models.quote_rules import QUOTE_KEYS, QuoteRules
from models.text import fold

# Channel codes as written in relance.toml, and their French labels in the workbook.
CHANNELS = {
    "email": "Email",
    "courrier": "Courrier",
    "email+courrier": "Email + courrier",
    "telephone": "Téléphone",
}
CHANNEL_CODES = {label: code for code, label in CHANNELS.items()}

FILE_KINDS = ("factures", "reglements", "clients", "relances", "ecritures", "devis")


@dataclass(frozen=True, slots=True)
class Level:
    """One step of the escalation: when it applies, how it is sent, which letter it uses."""

    number: int
    label: str
    days_after_due: int
    days_since_previous: int
    channel: str
    template: str
    payment_days: int = 8  # the letter asks to pay within this many days (its `date_limite`)
    claims_penalties: bool = False  # the letter claims late-payment interest and the 40 € indemnity


DEFAULT_LEVELS = (
    Level(1, "Rappel amiable", 7, 0, "email", "relance_1.docx"),
    Level(2, "Relance ferme", 21, 14, "email", "relance_2.docx"),
    Level(3, "Mise en demeure", 40, 14, "email+courrier", "mise_en_demeure.docx", claims_penalties=True),
)

CONVERTERS = ("auto", "word", "libreoffice")


@dataclass(frozen=True, slots=True)
class Company:
    """The sender of the letters: `[societe]` of relance.toml."""

    name: str = ""
    address: tuple[str, ...] = ()
    postal_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    siret: str = ""
    iban: str = ""
    bic: str = ""
    signatory: str = ""
    title: str = ""  # the signatory's position: Gérante, Comptable…
    legal_form: str = ""  # SARL, SAS… (the footer of a business letter must carry it)
    capital: str = ""  # share capital, « 10 000 » or « 10 000 € »
    registry: str = ""  # RCS: city and number, « Lyon 812 345 678 »
    vat: str = ""  # intra-community VAT number
    legal_notice: str = ""  # any other mention for the footer, as written (« Membre d'une AGA… »)
    payment_link: str = ""  # a URL pattern with {numero}, {montant}, {client} (models.payment)
    # Only in a [[societes]] block (models/companies.py): the value of the exports' « Société » column
    # that names it, the sender of its emails (else .env's), its logo (else templates_word/logo.png).
    code: str = ""
    sender_address: str = ""
    sender_name: str = ""
    logo: str = ""


COMPANY_KEYS = {
    "nom": "name",
    "adresse": "address",
    "code_postal": "postal_code",
    "ville": "city",
    "telephone": "phone",
    "email": "email",
    "siret": "siret",
    "iban": "iban",
    "bic": "bic",
    "signataire": "signatory",
    "fonction": "title",
    "forme_juridique": "legal_form",
    "capital": "capital",
    "rcs": "registry",
    "tva": "vat",
    "mentions_legales": "legal_notice",
    "lien_paiement": "payment_link",
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything `relance.toml` can set, with the documented defaults."""

    levels: tuple[Level, ...] = DEFAULT_LEVELS
    minimum_amount: Decimal = Decimal("10")
    excluded_modes: tuple[str, ...] = ("Prélèvement",)
    # {"factures": {"numero": "Ma colonne"}, ...}: a header to use instead of the synonyms
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    company: Company = field(default_factory=Company)
    converter: str = "auto"  # how letters become PDF: auto, word or libreoffice
    counting: str = "calendaires"  # days overdue and since the last reminder: calendaires, ouvres, ouvrables
    region: str = ""  # for public holidays: "", alsace-moselle, guadeloupe…
    open_proposal: bool = True  # open the new proposal in Excel after an interactive preparation
    default_payment_days: int = 30  # due date of an invoice without one, when its customer has no terms
    filters: Filters = field(default_factory=Filters)  # [filtres]: the default scope of `preparer`
    penalty_rates: PenaltyRates = field(default_factory=lambda: PenaltyRates(DEFAULT_ECB))
    # [penalites] source_bce: the series of the ECB rate to fetch; empty: the ECB Data Portal (sources.ecb)
    ecb_source: str = ""
    ecb_written: frozenset[str] = frozenset()  # half-years of [penalites] taux_bce: they beat fetched rates
    # [fec] comptes_clients: the start of the customer accounts in a FEC or a ledger export
    customer_accounts: tuple[str, ...] = ("411",)
    quotes: QuoteRules = field(default_factory=QuoteRules)  # [devis]: following up expired quotes
    # [[societes]]: several companies, each row's chosen by the exports' « Société » column
    # (models/companies.py); empty: the one sender of [societe]
    companies: tuple[Company, ...] = ()

    def level(self, number: int) -> Level | None:
        for level in self.levels:
            if level.number == number:
                return level
        return None

    @property
    def last_level(self) -> int:
        return self.levels[-1].number


# Every name relance.toml may hold: a typo is refused with the closest of them, never silently ignored.
SECTIONS = (
    "relance", "societe", "societes", "penalites", "pdf", "niveaux", "filtres", "interface", "colonnes",
    "fec", "devis",
)
RELANCE_KEYS = ("montant_minimum", "modes_exclus", "delai_paiement_defaut", "decompte", "region")
INTERFACE_KEYS = ("ouvrir_proposition",)
PDF_KEYS = ("convertisseur",)
PENALTY_KEYS = ("taux_bce", "marge", "taux_contractuel", "source_bce")


def settings_from_mapping(
    data: Mapping[str, Any], source: str = "relance.toml", fetched: Mapping[str, Decimal] | None = None
) -> Settings:
    """Check the parsed configuration and build the settings; a wrong value or an unknown name is named.

    `fetched`: ECB rates by half-year fetched from the ECB (taux_bce.toml); they complete the shipped
    ones, and a rate written in [penalites] taux_bce always wins over both.
    """
    _known_sections(data, source)
    relance = _table(data, "relance", source)
    _known_keys(relance, "relance", RELANCE_KEYS, source)
    kwargs: dict[str, Any] = {}
    if "montant_minimum" in relance:
        kwargs["minimum_amount"] = _decimal(relance["montant_minimum"], "relance.montant_minimum", source)
    if "modes_exclus" in relance:
        modes = relance["modes_exclus"]
        if not isinstance(modes, list) or not all(isinstance(m, str) for m in modes):
            raise _bad(source, "relance.modes_exclus", 'une liste de textes, par exemple ["Prélèvement"]')
        kwargs["excluded_modes"] = tuple(modes)
    if "delai_paiement_defaut" in relance:
        kwargs["default_payment_days"] = _int(
            relance["delai_paiement_defaut"], "relance.delai_paiement_defaut", source
        )
    if "decompte" in relance:
        if relance["decompte"] not in COUNTINGS:
            raise _bad(source, "relance.decompte", "calendaires, ouvres ou ouvrables")
        kwargs["counting"] = relance["decompte"]
    if "region" in relance:
        if not isinstance(relance["region"], str):
            raise _bad(source, "relance.region", 'un texte, par exemple "alsace-moselle", ou ""')
        kwargs["region"] = relance["region"]
    kwargs["filters"] = _filters(_table(data, "filtres", source), source)
    penalties = _table(data, "penalites", source)
    kwargs["penalty_rates"] = _rates(penalties, source, fetched or {})
    kwargs["ecb_written"] = frozenset(penalties.get("taux_bce", {}))
    if "source_bce" in penalties:
        kwargs["ecb_source"] = _url(penalties["source_bce"], "penalites.source_bce", source)
    interface = _table(data, "interface", source)
    _known_keys(interface, "interface", INTERFACE_KEYS, source)
    if "ouvrir_proposition" in interface:
        if not isinstance(interface["ouvrir_proposition"], bool):
            raise _bad(source, "interface.ouvrir_proposition", "true ou false")
        kwargs["open_proposal"] = interface["ouvrir_proposition"]
    if "niveaux" in data:
        kwargs["levels"] = _levels(data["niveaux"], source)
    columns = _table(data, "colonnes", source)
    checked: dict[str, dict[str, str]] = {}
    for kind, mapping in columns.items():
        if kind not in FILE_KINDS:
            raise unknown_section(source, kind, FILE_KINDS, prefix="colonnes.")
        if not isinstance(mapping, dict):
            raise _bad(source, f"colonnes.{kind}", f"une table parmi {', '.join(FILE_KINDS)}")
        for name, header in mapping.items():
            if not isinstance(header, str) or not header.strip():
                raise _bad(source, f"colonnes.{kind}.{name}", "le titre d'une colonne, entre guillemets")
        checked[kind] = dict(mapping)
    kwargs["columns"] = checked
    kwargs["company"] = _company(_table(data, "societe", source), source)
    if "societes" in data:
        from models.companies import companies_from_list  # it builds on this module's Company

        kwargs["companies"] = companies_from_list(data["societes"], kwargs["company"], source)
    pdf = _table(data, "pdf", source)
    _known_keys(pdf, "pdf", PDF_KEYS, source)
    if "convertisseur" in pdf:
        if pdf["convertisseur"] not in CONVERTERS:
            raise _bad(source, "pdf.convertisseur", "auto, word ou libreoffice")
        kwargs["converter"] = pdf["convertisseur"]
    fec = _table(data, "fec", source)
    for key in fec:
        if key != "comptes_clients":
            raise _unknown_key(source, "fec", key, ("comptes_clients",))
    if "comptes_clients" in fec:
        accounts = fec["comptes_clients"]
        if isinstance(accounts, str | int) and not isinstance(accounts, bool):
            accounts = [accounts]
        if (not isinstance(accounts, list) or not accounts
                or not all(isinstance(a, str | int) and not isinstance(a, bool) and str(a).strip()
                           for a in accounts)):
            raise _bad(source, "fec.comptes_clients", 'une liste de débuts de comptes, par exemple ["411"]')
        kwargs["customer_accounts"] = tuple(str(a).strip() for a in accounts)
    quotes = _table(data, "devis", source)
    _known_keys(quotes, "devis", QUOTE_KEYS, source)
    kwargs["quotes"] = QuoteRules(
        **{QUOTE_KEYS[key]: _int(value, f"devis.{key}", source) for key, value in quotes.items()}
    )
    return Settings(**kwargs)


# [filtres] key -> (Filters field, several values?)
FILTER_KEYS = {
    "client": ("customers", True),
    "famille": ("families", True),
    "representant": ("representatives", True),
    "societe": ("companies", True),
    "mode_reglement": ("payment_modes", True),
    "du_compte": ("from_account", False),
    "au_compte": ("to_account", False),
}


def _filters(table: Mapping[str, Any], source: str) -> Filters:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in FILTER_KEYS:
            raise _unknown_key(source, "filtres", key, FILTER_KEYS)
        name, several = FILTER_KEYS[key]
        items = [value] if isinstance(value, str | int) and not isinstance(value, bool) else value
        if not isinstance(items, list) or not all(isinstance(v, str | int) for v in items):
            raise _bad(source, f"filtres.{key}", 'un texte ou une liste de textes, par exemple ["BTP"]')
        items = [str(v).strip() for v in items if str(v).strip()]
        if not several and len(items) > 1:
            raise _bad(source, f"filtres.{key}", "un seul code de compte")
        values[name] = tuple(items) if several else (items[0] if items else "")
    return Filters(**values)


_HALF_YEAR = re.compile(r"\d{4}-S[12]")


def _rates(table: Mapping[str, Any], source: str, fetched: Mapping[str, Decimal]) -> PenaltyRates:
    """[penalites]: taux_bce per half-year (the table shipped in relance.toml), marge, taux_contractuel;
    the user's taux_bce over the `fetched` rates over the shipped ones."""
    _known_keys(table, "penalites", PENALTY_KEYS, source)
    ecb = {**DEFAULT_ECB, **fetched}
    rates = table.get("taux_bce", {})
    if not isinstance(rates, dict):
        raise _bad(source, "penalites.taux_bce", 'une table, par exemple { "2026-S1" = 2.15 }')
    for half, rate in rates.items():
        if not _HALF_YEAR.fullmatch(half):
            raise _bad(source, f"penalites.taux_bce.{half}", 'un semestre écrit "2026-S1" ou "2026-S2"')
        ecb[half] = _decimal(rate, f"penalites.taux_bce.{half}", source)
    margin = _decimal(table.get("marge", 10), "penalites.marge", source)
    contractual = table.get("taux_contractuel")
    return PenaltyRates(
        ecb,
        margin,
        None if contractual is None else _decimal(contractual, "penalites.taux_contractuel", source),
    )


def _bool(value: Any, key: str, source: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(source, key, "true ou false")
    return value


def _company(table: Mapping[str, Any], source: str) -> Company:
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in COMPANY_KEYS:
            raise _unknown_key(source, "societe", key, COMPANY_KEYS)
        if key == "adresse":
            lines = [value] if isinstance(value, str) else value
            if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
                raise _bad(source, "societe.adresse", 'une liste de lignes, par exemple ["12 rue Neuve"]')
            values["address"] = tuple(line for line in lines if line.strip())
        elif isinstance(value, str | int) and not isinstance(value, bool):
            values[COMPANY_KEYS[key]] = str(value).strip()
        else:
            raise _bad(source, f"societe.{key}", "un texte entre guillemets")
    problem = link_problem(values["payment_link"]) if values.get("payment_link") else ""
    if problem:  # checked once here, so that no letter is left with a half-filled link
        raise RelanceError(
            f"Dans {source}, la valeur de « societe.lien_paiement » est incorrecte : {problem}."
        )
    return Company(**values)


_LEVEL_KEYS = ("numero", "libelle", "jours_apres_echeance", "canal", "modele")
LEVEL_KEYS = (
    *_LEVEL_KEYS,
    "jours_depuis_relance_precedente",
    "delai_paiement",
    "reclamer_penalites",
)


def _levels(raw: Any, source: str) -> tuple[Level, ...]:
    if not isinstance(raw, list) or not raw:
        raise _bad(source, "niveaux", "au moins une table [[niveaux]]")
    levels = []
    for index, item in enumerate(raw, start=1):
        where = f"niveaux n°{index}"
        if not isinstance(item, dict):
            raise _bad(source, where, "une table [[niveaux]]")
        _known_keys(item, where, LEVEL_KEYS, source, where=f"le niveau n°{index} ([[niveaux]])")
        missing = [k for k in _LEVEL_KEYS if k not in item]
        if missing:
            raise RelanceError(f"Dans {source}, le {where} n'a pas de clé {', '.join(missing)}.")
        channel = str(item["canal"]).strip().lower().replace(" ", "")
        channel = {"téléphone": "telephone", "courriel": "email"}.get(channel, channel)
        if channel not in CHANNELS:
            raise _bad(source, f"{where}.canal", "email, courrier, email+courrier ou telephone")
        levels.append(
            Level(
                number=_int(item["numero"], f"{where}.numero", source),
                label=str(item["libelle"]),
                days_after_due=_int(item["jours_apres_echeance"], f"{where}.jours_apres_echeance", source),
                days_since_previous=_int(
                    item.get("jours_depuis_relance_precedente", 0),
                    f"{where}.jours_depuis_relance_precedente",
                    source,
                ),
                channel=channel,
                template=str(item["modele"]),
                payment_days=_int(item.get("delai_paiement", 8), f"{where}.delai_paiement", source),
                claims_penalties=_bool(
                    item.get("reclamer_penalites", False), f"{where}.reclamer_penalites", source
                ),
            )
        )
    numbers = [level.number for level in levels]
    if numbers != list(range(1, len(levels) + 1)):
        raise _bad(source, "niveaux.numero", "des numéros 1, 2, 3… dans l'ordre")
    return tuple(levels)


def _table(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise _bad(source, key, f"une table [{key}]")
    return value


def _int(value: Any, key: str, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(source, key, "un nombre entier positif")
    return value


def _decimal(value: Any, key: str, source: str) -> Decimal:
    if isinstance(value, bool):
        raise _bad(source, key, "un montant, par exemple 10")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _bad(source, key, "un montant, par exemple 10") from None
    if amount < 0 or not amount.is_finite():
        raise _bad(source, key, "un montant positif")
    return amount


def _url(value: Any, key: str, source: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"https?://\S+", value.strip()):
        raise _bad(source, key, 'une adresse web entre guillemets, commençant par "https://"')
    return value.strip()


def _unknown_key(source: str, section: str, key: str, allowed: Iterable[str]) -> RelanceError:
    return unknown_key(source, f"la section [{section}]", key, allowed)


def _known_keys(
    table: Mapping[str, Any], section: str, allowed: Iterable[str], source: str, where: str = ""
) -> None:
    for key in table:
        if key not in allowed:
            raise unknown_key(source, where or f"la section [{section}]", key, allowed)


def _known_sections(data: Mapping[str, Any], source: str) -> None:
    for name, value in data.items():
        if name in SECTIONS:
            continue
        if isinstance(value, dict | list):
            raise unknown_section(source, name, SECTIONS)
        # A key written above every section: TOML leaves it outside any table.
        owner = next((section for section, keys in _KEYS_BY_SECTION.items() if fold(name) in keys), "")
        if owner:
            raise RelanceError(
                f"Dans {source}, la clé « {name} » est en dehors de toute section : "
                f"placez-la sous la ligne [{owner}]."
            )
        raise RelanceError(
            f"Dans {source}, la clé « {name} », en dehors de toute section, est inconnue : "
            "supprimez-la ou corrigez son nom."
        )


def closest(name: str, allowed: Iterable[str]) -> str:
    """The allowed name that `name` was most likely meant to be, ignoring case and accents; "" if none."""
    folded = {fold(a): a for a in allowed}
    found = difflib.get_close_matches(fold(name), list(folded), n=1, cutoff=0.6)
    return folded[found[0]] if found else ""


def unknown_key(source: str, where: str, key: str, allowed: Iterable[str]) -> RelanceError:
    """« … a une clé inconnue « montant_minimun » : vouliez-vous dire montant_minimum ? », or the list."""
    allowed = list(allowed)
    head = f"Dans {source}, {where} a une clé inconnue « {key} »"
    guess = closest(key, allowed)
    if guess:
        return RelanceError(f"{head} : vouliez-vous dire {guess} ?")
    return RelanceError(f"{head} (clés possibles : {', '.join(allowed)}).")


def unknown_section(source: str, name: str, allowed: Iterable[str], prefix: str = "") -> RelanceError:
    """« la section [pfd] est inconnue : vouliez-vous dire [pdf] ? », or the list; `prefix`: "colonnes."."""

    def shown(section: str) -> str:
        if section in ("niveaux", "societes") and not prefix:
            return f"[[{section}]]"
        return f"[{prefix}{section}]"

    allowed = list(allowed)
    head = f"Dans {source}, la section {shown(name)} est inconnue"
    guess = closest(name, allowed)
    if guess:
        return RelanceError(f"{head} : vouliez-vous dire {shown(guess)} ?")
    return RelanceError(f"{head} (sections possibles : {', '.join(shown(a) for a in allowed)}).")


_KEYS_BY_SECTION = {
    "relance": RELANCE_KEYS,
    "societe": tuple(COMPANY_KEYS),
    "penalites": PENALTY_KEYS,
    "pdf": PDF_KEYS,
    "interface": INTERFACE_KEYS,
    "filtres": tuple(FILTER_KEYS),
    "devis": tuple(QUOTE_KEYS),
}


def _bad(source: str, key: str, expected: str) -> RelanceError:
    return RelanceError(f"Dans {source}, la valeur de « {key} » est incorrecte : il faut {expected}.")
