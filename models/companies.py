"""Several companies in one folder (`[[societes]]` of relance.toml): their settings, which one a code names.

One company is the simple case: `[societe]` alone, and nothing here changes anything. With `[[societes]]`,
each block is one company; its `code` is the value the exports' « Société » column gives for its rows,
compared without case, accents or spaces. A block inherits every key of `[societe]` it does not set
itself: what a group shares (its telephone, its payment page, a signatory) is written once; what names a
company (`code`, `nom`) every block must say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from models.emails import is_address
from models.errors import RelanceError
from models.payment import link_problem
from models.settings import COMPANY_KEYS, Company, Settings, unknown_key
from models.text import fold

# A block's keys: those of [societe], and what only a company of several has.
BLOCK_KEYS = {
    "code": "code",
    **COMPANY_KEYS,
    "email_expediteur": "sender_address",
    "nom_expediteur": "sender_name",
    "logo": "logo",
}


def company_key(text: str) -> str:
    """How a code and a cell of the « Société » column are compared: « Lyon Nord » = « LYONNORD »."""
    return fold(text).replace(" ", "")


def companies_from_list(raw: Any, defaults: Company, source: str) -> tuple[Company, ...]:
    """The `[[societes]]` blocks, each completed by `[societe]` (`defaults`); a wrong one is named."""
    if not isinstance(raw, list) or not raw or not all(isinstance(block, dict) for block in raw):
        raise RelanceError(
            f"Dans {source}, « societes » est incorrect : il faut des blocs [[societes]], un par société, "
            'chacun avec au moins code = "…" et nom = "…".'
        )
    companies: list[Company] = []
    seen: dict[str, int] = {}
    for number, block in enumerate(raw, start=1):
        where = f"la société n°{number} ([[societes]])"
        for key in block:
            if key not in BLOCK_KEYS:
                raise unknown_key(source, where, key, BLOCK_KEYS)
        code = _text(block.get("code", ""), source, f"societes n°{number}.code")
        if not code:
            raise RelanceError(
                f"Dans {source}, {where} n'a pas de code : ajoutez code = \"…\", la valeur de la colonne "
                "« Société » des exports pour ses lignes."
            )
        key = company_key(code)
        if key in seen:
            raise RelanceError(
                f"Dans {source}, les sociétés n°{seen[key]} et n°{number} ([[societes]]) ont le même code "
                f"« {code} » (majuscules, accents et espaces ne comptent pas) : donnez à chacune le sien."
            )
        seen[key] = number
        values = _values(block, code, source)
        if not values.get("name"):
            raise RelanceError(
                f"Dans {source}, la société {code} ([[societes]]) n'a pas de nom : ajoutez nom = \"…\", "
                "la raison sociale imprimée en tête de ses lettres."
            )
        companies.append(replace(defaults, **values))
    return tuple(companies)


def _values(block: Mapping[str, Any], code: str, source: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in block.items():
        name = f"societes.{code}.{key}"
        if key == "adresse":
            lines = [value] if isinstance(value, str) else value
            if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
                raise _bad(source, name, 'une liste de lignes, par exemple ["12 rue Neuve"]')
            values["address"] = tuple(line for line in lines if line.strip())
        else:
            values[BLOCK_KEYS[key]] = _text(value, source, name)
    sender = values.get("sender_address", "")
    if sender and not is_address(sender):
        raise _bad(source, f"societes.{code}.email_expediteur", "une adresse email, comme compta@societe.fr")
    problem = link_problem(values["payment_link"]) if values.get("payment_link") else ""
    if problem:
        raise RelanceError(
            f"Dans {source}, la valeur de « societes.{code}.lien_paiement » est incorrecte : {problem}."
        )
    return values


def _text(value: Any, source: str, name: str) -> str:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip()
    raise _bad(source, name, "un texte entre guillemets")


def _bad(source: str, key: str, expected: str) -> RelanceError:
    return RelanceError(f"Dans {source}, la valeur de « {key} » est incorrecte : il faut {expected}.")


# --- which company ------------------------------------------------------------------------------------


def senders(settings: Settings) -> tuple[Company, ...]:
    """Every company letters may come from: the `[[societes]]`, or the one `[societe]`."""
    return settings.companies or (settings.company,)


def company_of(settings: Settings, code: str) -> Company:
    """The company of a code written by Relance (a proposal row, a reminder); `[societe]` when there is
    one company. KeyError for a code no block has (a company taken out of relance.toml)."""
    if not settings.companies:
        return settings.company
    for company in settings.companies:
        if company.code == code:
            return company
    raise KeyError(code)


def codes_by_key(companies: Iterable[Company]) -> dict[str, str]:
    """company_key(code) -> the code as relance.toml writes it: how a cell of the exports is read."""
    return {company_key(company.code): company.code for company in companies}


def described(company: Company) -> str:
    """How messages name a company: « la société LYON ([[societes]]) », or « la section [societe] »."""
    return f"la société {company.code} ([[societes]])" if company.code else "la section [societe]"
