"""Settings from relance.toml: defaults, every key checked, a wrong value named."""

import tomllib

import pytest

from models.errors import RelanceError
from models.settings import Company, Settings, settings_from_mapping
from tests.conftest import ROOT


def test_shipped_relance_toml_is_the_defaults_plus_the_demo_company():
    settings = settings_from_mapping(tomllib.loads((ROOT / "relance.toml").read_text(encoding="utf-8")))
    assert settings.levels == Settings().levels
    assert (settings.minimum_amount, settings.excluded_modes, settings.converter) == (
        Settings().minimum_amount,
        ("Prélèvement",),
        "auto",
    )
    assert settings.company.name == "Atelier Durand Menuiserie SARL"


def test_company_block():
    settings = settings_from_mapping({"societe": {"nom": "ACME", "adresse": "1 rue Neuve", "siret": 123}})
    assert settings.company == Company(name="ACME", address=("1 rue Neuve",), siret="123")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"societe": {"raison": "x"}}, "la section [societe] a une clé inconnue « raison » "),
        ({"pdf": {"convertisseur": "pdfcreator"}}, "« pdf.convertisseur » est incorrecte : il faut "
                                                   "auto, word ou libreoffice."),
        ({"relance": {"modes_exclus": "Prélèvement"}}, "« relance.modes_exclus » est incorrecte"),
        ({"niveaux": [{"numero": 2, "libelle": "x", "jours_apres_echeance": 1, "canal": "email",
                       "modele": "a.docx"}]}, "il faut des numéros 1, 2, 3… dans l'ordre."),
        ({"niveaux": [{"numero": 1, "libelle": "x", "jours_apres_echeance": 1, "canal": "pigeon",
                       "modele": "a.docx"}]}, "« niveaux n°1.canal » est incorrecte"),
        ({"niveaux": [{"numero": 1, "libelle": "x", "canal": "email"}]},
         "Dans relance.toml, le niveaux n°1 n'a pas de clé jours_apres_echeance, modele."),
        ({"niveaux": [{"numero": 1, "libelle": "x", "jours_apres_echeance": -3, "canal": "email",
                       "modele": "a.docx"}]}, "« niveaux n°1.jours_apres_echeance » est incorrecte"),
    ],
)  # fmt: skip
def test_wrong_values_are_named(data, message):
    with pytest.raises(RelanceError) as error:
        settings_from_mapping(data)
    assert message in str(error.value)


def test_level_options():
    (level,) = settings_from_mapping(
        {
            "niveaux": [
                {
                    "numero": 1,
                    "libelle": "Appel",
                    "jours_apres_echeance": 3,
                    "canal": "Téléphone",
                    "modele": "a.docx",
                    "delai_paiement": 15,
                }
            ]
        }
    ).levels
    assert (level.channel, level.payment_days, level.days_since_previous) == ("telephone", 15, 0)


def test_customer_accounts_of_a_fec():
    assert Settings().customer_accounts == ("411",)
    accounts = settings_from_mapping({"fec": {"comptes_clients": ["411", 1100]}}).customer_accounts
    assert accounts == ("411", "1100")
    assert settings_from_mapping({"fec": {"comptes_clients": "121"}}).customer_accounts == ("121",)
    with pytest.raises(RelanceError, match=r"« fec.comptes_clients » est incorrecte : il faut une liste"):
        settings_from_mapping({"fec": {"comptes_clients": []}})
    with pytest.raises(RelanceError, match=r"section \[fec\] a une clé inconnue « comptes »"):
        settings_from_mapping({"fec": {"comptes": ["411"]}})
