"""Load `relance.toml` once into the frozen settings; a syntax error is told with its line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from models.errors import RelanceError
from models.settings import Settings, settings_from_mapping

_WHERE = re.compile(r"at line (\d+), column (\d+)")


def load_settings(path: Path, fetched: Mapping[str, Decimal] | None = None) -> Settings:
    """The settings of `relance.toml`, or the defaults when the file is absent. `fetched`: the ECB rates
    fetched from the ECB (app.rates.load_rates), under those written in relance.toml."""
    if not path.exists():
        return settings_from_mapping({}, path.name, fetched)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        where = _WHERE.search(str(error))
        place = f" à la ligne {where.group(1)}, colonne {where.group(2)}" if where else ""
        raise RelanceError(
            f"Le fichier {path.name} est mal écrit{place} : vérifiez les guillemets, les = et les crochets."
        ) from None
    except UnicodeDecodeError:
        raise RelanceError(
            f"Le fichier {path.name} n'est pas enregistré en UTF-8 : réenregistrez-le en UTF-8."
        ) from None
    except OSError as error:
        raise RelanceError(f"Le fichier {path.name} ne peut pas être lu ({error.strerror}).") from None
    return settings_from_mapping(data, path.name, fetched)
