"""Edit relance.toml as the user wrote it (tomlkit keeps comments, order and spacing): [societe], channels.

The new text is checked like any relance.toml before it replaces the old one: `configurer` never leaves
a file that Relance would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT, Table

from mail.envfile import write_file
from models.errors import RelanceError
from models.settings import CHANNELS, Settings, settings_from_mapping


def read_document(path: Path, template: Path | None = None) -> tomlkit.TOMLDocument:
    """The document of `path`; when it does not exist yet, a copy of `template` (the shipped one)."""
    source = path if path.is_file() else template if template is not None and template.is_file() else None
    if source is None:
        return tomlkit.document()
    try:
        return tomlkit.parse(source.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, TOMLKitError) as error:
        raise RelanceError(
            f"Le fichier {source.name} ne peut pas être lu pour y enregistrer vos réglages ({error}) : "
            "corrigez-le (ou renommez-le) puis relancez « configurer »."
        ) from None


def set_company(document: tomlkit.TOMLDocument, values: Mapping[str, str | list[str]]) -> None:
    """Write the [societe] keys (nom, adresse…); other keys and every comment stay."""
    table = document.get("societe")
    if not isinstance(table, Table):
        table = tomlkit.table()
        document["societe"] = table
    for key, value in values.items():
        table[key] = value


def post_only(document: tomlkit.TOMLDocument) -> int:
    """« Pas d'email, tout en courrier »: every level sent by email goes by post. How many changed."""
    levels = document.get("niveaux")
    if not isinstance(levels, AoT):
        # The defaults apply: write them out, by post, so that the user sees and can change them.
        levels = tomlkit.aot()
        for level in Settings().levels:
            item = tomlkit.table()
            item.update(
                {
                    "numero": level.number,
                    "libelle": level.label,
                    "jours_apres_echeance": level.days_after_due,
                    "jours_depuis_relance_precedente": level.days_since_previous,
                    "canal": level.channel,
                    "modele": level.template,
                }
            )
            if level.claims_penalties:
                item["reclamer_penalites"] = True
            levels.append(item)
        document["niveaux"] = levels
    changed = 0
    for item in levels:
        channel = str(item.get("canal", "")).strip().lower()
        if channel in CHANNELS and "email" in channel:
            item["canal"] = "courrier"
            changed += 1
    return changed


def save_document(document: tomlkit.TOMLDocument, path: Path) -> Settings:
    """Check the new text as Relance will read it, then replace the file in one step."""
    text = tomlkit.dumps(document)
    settings = settings_from_mapping(tomlkit.parse(text).unwrap(), path.name)
    write_file(path, text, advice="s'il est ouvert dans un éditeur, fermez-le puis relancez « configurer »")
    return settings
