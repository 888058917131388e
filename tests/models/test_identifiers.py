"""SIRET, IBAN and BIC typed by the user: checked with their keys, written the usual way."""

import pytest

from models.identifiers import bic, iban, siret


def test_siret():
    assert siret("73282932000074") == "732 829 320 00074"
    assert siret("732.829.320-00074") == "732 829 320 00074"
    assert siret("35600000000001") == "356 000 000 00001"  # La Poste: the sum of its digits is checked
    for wrong, message in (("7328293200007", "14 chiffres"), ("73282932000075", "clé de contrôle")):
        with pytest.raises(ValueError, match=message):
            siret(wrong)


def test_iban():
    assert iban("fr7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    assert iban("GB82 WEST 1234 5698 7654 32") == "GB82 WEST 1234 5698 7654 32"
    with pytest.raises(ValueError, match="clé de contrôle"):
        iban("FR76 3000 6000 0112 3456 7890 188")
    with pytest.raises(ValueError, match="27 caractères"):
        iban("FR76 3000 6000 0112 3456 7890")


def test_bic():
    assert bic("bnpa fr pp xxx") == "BNPAFRPPXXX"
    assert bic("AGRIFRPP") == "AGRIFRPP"
    with pytest.raises(ValueError, match="8 ou 11 caractères"):
        bic("BNPAFRPPXX")
