"""The demonstration dossier (`--dossier demo`) and its fictional company, never a sender elsewhere."""

from __future__ import annotations

import re

from app.folder import Folder
from models.errors import RelanceError
from models.payment import iban_problem
from models.problems import Problem
from models.settings import Company
from models.text import fold

DEMO = "demo"  # the dossier, beside relance.py
# The fictional company of demo/relance.toml (tests/app/test_demo.py checks they agree).
DEMO_NAME = "Atelier Durand Menuiserie SARL"
DEMO_SIRET = "81234567800019"
DEMO_IBAN = "FR7630004000050000123456729"


def _compact(text: str) -> str:
    return re.sub(r"[\s.-]", "", text).upper()


def is_demo_company(company: Company) -> bool:
    """Any of the demo's name, SIRET or IBAN: a half-edited [societe] still signs as the demo."""
    return (
        (bool(company.name) and fold(company.name) == fold(DEMO_NAME))
        or (bool(company.siret) and _compact(company.siret) == DEMO_SIRET)
        or (bool(company.iban) and _compact(company.iban) == DEMO_IBAN)
    )


def needs_setup(folder: Folder, company: Company) -> bool:
    """The first double-click's question: is there still no sender of one's own, or no .env?"""
    if folder.is_demo:
        return False
    return not company.name or is_demo_company(company) or not folder.env.is_file()


def check_sender(folder: Folder, company: Company) -> None:
    """Before anything leaves: letters never go out signed by the demo company, nor by nobody."""
    if is_demo_company(company) and not folder.is_demo:
        raise RelanceError(
            f"La section [societe] de {folder.show(folder.config)} est celle de la société fictive de "
            "démonstration : indiquez la vôtre avec « python relance.py configurer » avant d'envoyer."
        )
    if not company.name:
        raise RelanceError(
            f"La section [societe] de {folder.show(folder.config)} n'a pas de nom d'expéditeur : "
            "indiquez votre société avec « python relance.py configurer » avant d'envoyer."
        )


def iban_problems(folder: Folder, company: Company) -> list[Problem]:
    """An IBAN whose key is wrong: the customer's transfer would fail, and its QR code cannot be made.
    Told with the other problems of a lot, in a simulation too."""
    problem = iban_problem(company.iban)
    if not problem:
        return []
    return [
        Problem(
            folder.show(folder.config),
            f"La clé iban de la section [societe] de {folder.show(folder.config)} ne va pas "
            f"(« {company.iban} ») : {problem} ; corrigez-la, ou lancez « python relance.py configurer », "
            "avant d'envoyer.",
        )
    ]
