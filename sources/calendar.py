"""French public holidays from the `holidays` package, for the region set in [relance] region."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import holidays

from models.errors import RelanceError
from models.text import fold

# [relance] region as the user writes it -> subdivision of holidays.France. Moselle ("57") and Alsace
# ("6AE") have the same two extra days (Vendredi saint, Saint-Étienne); the package's own
# "Alsace-Moselle" code is deprecated. Overseas: the abolition of slavery day of each department, plus
# Vendredi saint and Mi-Carême in Guadeloupe.
REGIONS = {
    "": None,
    "alsace-moselle": "57",
    "guadeloupe": "971",
    "martinique": "972",
    "guyane": "973",
    "reunion": "974",
    "mayotte": "976",
}
_ALIASES = {"la reunion": "reunion", "alsace moselle": "alsace-moselle", "metropole": ""}


def french_holidays(years: Iterable[int], region: str = "") -> frozenset[date]:
    """Public holidays (jours fériés) of the given years in mainland France or in `region`."""
    key = fold(region)
    key = _ALIASES.get(key, key)
    if key not in REGIONS:
        valid = ", ".join(name for name in REGIONS if name)
        raise RelanceError(
            f"Région inconnue « {region} » dans [relance] region de relance.toml : "
            f"choisissez {valid}, ou laissez vide pour la métropole."
        )
    year_list = sorted(set(years))
    if not year_list:
        return frozenset()
    return frozenset(holidays.France(years=year_list, subdiv=REGIONS[key]).keys())
