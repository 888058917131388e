"""Company identifiers typed by the user: SIRET, IBAN, BIC checked and written the usual French way.

Each function returns the value as it should be printed on a letter, or raises ValueError with a
French sentence saying what is wrong (the assistant asks again).
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[\s.\-]")
_BIC = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
LA_POSTE_SIREN = "356000000"  # its establishments are numbered with another check (sum of digits % 5)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def siret(text: str) -> str:
    """« 812 345 678 00019 »: 14 digits whose Luhn key is right (INSEE's rule), La Poste apart."""
    digits = _SPACES.sub("", text)
    if not digits.isdigit() or len(digits) != 14:
        raise ValueError("un SIRET a 14 chiffres (SIREN de 9 chiffres puis NIC de 5 chiffres)")
    valid = (
        sum(int(d) for d in digits) % 5 == 0 if digits.startswith(LA_POSTE_SIREN) else _luhn(digits)
    )
    if not valid:
        raise ValueError("ce SIRET n'est pas valide (sa clé de contrôle est fausse) : vérifiez les chiffres")
    return f"{digits[:3]} {digits[3:6]} {digits[6:9]} {digits[9:]}"


def iban(text: str) -> str:
    """« FR76 3000 4000 0500 0012 3456 729 »: ISO 13616, checked with its two-digit key (mod 97)."""
    compact = _SPACES.sub("", text).upper()
    if not _IBAN.fullmatch(compact) or (compact.startswith("FR") and len(compact) != 27):
        raise ValueError("un IBAN commence par le pays et sa clé (FR76…) ; un IBAN français a 27 caractères")
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    if int(number) % 97 != 1:
        raise ValueError("cet IBAN n'est pas valide (sa clé de contrôle est fausse) : vérifiez-le sur un RIB")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def bic(text: str) -> str:
    """« BNPAFRPPXXX »: 8 or 11 letters and digits (bank, country, place, branch)."""
    compact = _SPACES.sub("", text).upper()
    if not _BIC.fullmatch(compact):
        raise ValueError("un BIC a 8 ou 11 caractères, par exemple BNPAFRPPXXX")
    return compact
