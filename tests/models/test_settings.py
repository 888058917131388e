"""Settings from relance.toml: defaults, every key checked, a wrong value named."""

import tomllib
from decimal import Decimal

import pytest

from models.errors import RelanceError
from models.penalties import DEFAULT_ECB
from models.settings import Company, Settings, settings_from_mapping
from tests.conftest import ROOT


def test_shipped_relance_toml_is_the_defaults_with_an_empty_sender():
    settings = settings_from_mapping(tomllib.loads((ROOT / "relance.toml").read_text(encoding="utf-8")))
    assert settings.levels == Settings().levels
    assert (settings.minimum_amount, settings.excluded_modes, settings.converter) == (
        Settings().minimum_amount,
        ("Prélèvement",),
        "auto",
    )
    assert settings.company == Company()  # `configurer` fills it in; the demo's is in demo/relance.toml


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


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"relance": {"montant_minimun": 5}},
         "la section [relance] a une clé inconnue « montant_minimun » : vouliez-vous dire montant_minimum ?"),
        ({"pfd": {"convertisseur": "word"}}, "la section [pfd] est inconnue : vouliez-vous dire [pdf] ?"),
        ({"Société": {"nom": "ACME"}}, "la section [Société] est inconnue : vouliez-vous dire [societe] ?"),
        ({"niveau": [{"numero": 1}]}, "la section [niveau] est inconnue : vouliez-vous dire [[niveaux]] ?"),
        ({"options": {}}, "la section [options] est inconnue (sections possibles : [relance], [societe], "
                          "[[societes]], "
                          "[penalites], [pdf], [[niveaux]], [filtres], [interface], [colonnes], [fec], "
                          "[devis])."),
        ({"societe": {"signatire": "M. X"}},
         "la section [societe] a une clé inconnue « signatire » : vouliez-vous dire signataire ?"),
        ({"penalites": {"taux_contractual": 12}},
         "la section [penalites] a une clé inconnue « taux_contractual » : vouliez-vous dire "
         "taux_contractuel ?"),
        ({"filtres": {"familles": ["BTP"]}},
         "la section [filtres] a une clé inconnue « familles » : vouliez-vous dire famille ?"),
        ({"interface": {"ouvrir_propositions": False}},
         "la section [interface] a une clé inconnue « ouvrir_propositions » : vouliez-vous dire "
         "ouvrir_proposition ?"),
        ({"pdf": {"convertiseur": "word"}},
         "la section [pdf] a une clé inconnue « convertiseur » : vouliez-vous dire convertisseur ?"),
        ({"niveaux": [{"numero": 1, "libelle": "x", "jours_apres_echeance": 1, "canal": "email",
                       "modele": "a.docx", "delai_paiment": 8}]},
         "le niveau n°1 ([[niveaux]]) a une clé inconnue « delai_paiment » : vouliez-vous dire "
         "delai_paiement ?"),
        ({"colonnes": {"facture": {"numero": "Réf."}}},
         "la section [colonnes.facture] est inconnue : vouliez-vous dire [colonnes.factures] ?"),
        ({"montant_minimum": 5},
         "la clé « montant_minimum » est en dehors de toute section : placez-la sous la ligne [relance]."),
        ({"couleur": "bleu"},
         "la clé « couleur », en dehors de toute section, est inconnue : supprimez-la ou corrigez son nom."),
    ],
)  # fmt: skip
def test_unknown_names_are_refused_with_the_closest_valid_one(data, message):
    with pytest.raises(RelanceError) as error:
        settings_from_mapping(data)
    assert str(error.value) == f"Dans relance.toml, {message}"


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


def test_fetched_ecb_rates_complete_the_shipped_ones_and_relance_toml_wins():
    fetched = {"2022-S2": Decimal("0.00"), "2026-S1": Decimal("2.15"), "2026-S2": Decimal("2.40")}
    settings = settings_from_mapping({"penalites": {"taux_bce": {"2026-S2": 3}}}, fetched=fetched)
    assert settings.penalty_rates.ecb == {**DEFAULT_ECB, "2022-S2": Decimal("0.00"), "2026-S2": Decimal("3")}
    assert settings.ecb_written == {"2026-S2"}
    assert settings_from_mapping({}, fetched=fetched).penalty_rates.ecb["2026-S2"] == Decimal("2.40")


def test_ecb_source():
    assert Settings().ecb_source == ""  # the ECB Data Portal (sources.ecb)
    url = "http://127.0.0.1:8080/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV"
    assert settings_from_mapping({"penalites": {"source_bce": url}}).ecb_source == url
    with pytest.raises(RelanceError) as error:
        settings_from_mapping({"penalites": {"source_bce": "data-api.ecb.europa.eu"}})
    assert str(error.value) == (
        "Dans relance.toml, la valeur de « penalites.source_bce » est incorrecte : il faut une adresse web "
        'entre guillemets, commençant par "https://".'
    )


def test_customer_accounts_of_a_fec():
    assert Settings().customer_accounts == ("411",)
    accounts = settings_from_mapping({"fec": {"comptes_clients": ["411", 1100]}}).customer_accounts
    assert accounts == ("411", "1100")
    assert settings_from_mapping({"fec": {"comptes_clients": "121"}}).customer_accounts == ("121",)
    with pytest.raises(RelanceError, match=r"« fec.comptes_clients » est incorrecte : il faut une liste"):
        settings_from_mapping({"fec": {"comptes_clients": []}})
    with pytest.raises(RelanceError, match=r"section \[fec\] a une clé inconnue « comptes »"):
        settings_from_mapping({"fec": {"comptes": ["411"]}})
