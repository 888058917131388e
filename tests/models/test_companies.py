"""Several companies ([[societes]]): each block completed by [societe], every wrong block named."""

import tomllib

import pytest

from models.companies import codes_by_key, company_key, company_of, senders
from models.errors import RelanceError
from models.settings import Company, settings_from_mapping

TOML = """
[societe]
telephone = "04 78 00 00 00"
signataire = "Camille Martin"
iban = "FR76 3000 6000 0112 3456 7890 189"

[[societes]]
code = "LYON"
nom = "Menuiserie Lyon SARL"
adresse = ["3 rue Neuve"]
iban = "FR76 1027 8073 0000 0201 8470 184"
email_expediteur = "compta@lyon.example"
logo = "logos/lyon.png"

[[societes]]
code = "Paris Est"
nom = "Menuiserie Paris SAS"
signataire = "Jean Durand"
nom_expediteur = "Comptabilité Paris"
"""


def test_each_block_is_a_company_that_inherits_what_it_does_not_say():
    settings = settings_from_mapping(tomllib.loads(TOML))
    lyon, paris = settings.companies
    assert lyon == Company(
        name="Menuiserie Lyon SARL", address=("3 rue Neuve",), phone="04 78 00 00 00",
        iban="FR76 1027 8073 0000 0201 8470 184", signatory="Camille Martin", code="LYON",
        sender_address="compta@lyon.example", logo="logos/lyon.png",
    )  # fmt: skip
    assert (paris.code, paris.name, paris.signatory, paris.phone, paris.sender_name) == (
        "Paris Est", "Menuiserie Paris SAS", "Jean Durand", "04 78 00 00 00", "Comptabilité Paris",
    )  # fmt: skip
    assert paris.iban == "FR76 3000 6000 0112 3456 7890 189"  # the group's account, written once
    assert senders(settings) == (lyon, paris)
    assert company_of(settings, "Paris Est") is paris
    with pytest.raises(KeyError):
        company_of(settings, "MARSEILLE")


def test_one_company_is_the_simple_case():
    settings = settings_from_mapping({"societe": {"nom": "ACME"}})
    assert settings.companies == ()
    assert senders(settings) == (settings.company,)
    assert company_of(settings, "") is settings.company
    assert company_of(settings, "whatever the clients file says") is settings.company


def test_codes_match_without_case_accents_or_spaces():
    assert company_key(" Lyon  Nord ") == company_key("LYONNORD") == "lyonnord"
    assert company_key("Société Générale") == "societegenerale"
    companies = (Company(name="A", code="Paris Est"), Company(name="B", code="LYON"))
    assert codes_by_key(companies) == {"parisest": "Paris Est", "lyon": "LYON"}


@pytest.mark.parametrize(
    ("blocks", "message"),
    [
        ([{"code": "LYON", "nom": "A"}, {"code": " lyon ", "nom": "B"}],
         "Dans relance.toml, les sociétés n°1 et n°2 ([[societes]]) ont le même code « lyon » (majuscules, "
         "accents et espaces ne comptent pas) : donnez à chacune le sien."),
        ([{"nom": "A"}],
         "Dans relance.toml, la société n°1 ([[societes]]) n'a pas de code : ajoutez code = \"…\", la valeur "
         "de la colonne « Société » des exports pour ses lignes."),
        ([{"code": "LYON"}],
         "Dans relance.toml, la société LYON ([[societes]]) n'a pas de nom : ajoutez nom = \"…\", la raison "
         "sociale imprimée en tête de ses lettres."),
        ([{"code": "LYON", "nom": "A", "signatire": "X"}],
         "Dans relance.toml, la société n°1 ([[societes]]) a une clé inconnue « signatire » : vouliez-vous "
         "dire signataire ?"),
        ([{"code": "LYON", "nom": "A", "email_expediteur": "compta at lyon"}],
         "Dans relance.toml, la valeur de « societes.LYON.email_expediteur » est incorrecte : il faut une "
         "adresse email, comme compta@societe.fr."),
        ([{"code": "LYON", "nom": "A", "lien_paiement": "https://p.example/{facture}"}],
         "Dans relance.toml, la valeur de « societes.LYON.lien_paiement » est incorrecte : le repère "
         "{facture} est inconnu (repères possibles : {numero}, {montant}, {client})."),
        ([{"code": "LYON", "nom": "A", "adresse": 12}],
         "Dans relance.toml, la valeur de « societes.LYON.adresse » est incorrecte : il faut une liste de "
         "lignes, par exemple [\"12 rue Neuve\"]."),
        ({"code": "LYON"},
         "Dans relance.toml, « societes » est incorrect : il faut des blocs [[societes]], un par société, "
         "chacun avec au moins code = \"…\" et nom = \"…\"."),
    ],
)  # fmt: skip
def test_a_wrong_block_is_named(blocks, message):
    with pytest.raises(RelanceError) as caught:
        settings_from_mapping({"societes": blocks})
    assert caught.value.message == message


def test_a_typo_in_the_section_name_is_caught():
    with pytest.raises(RelanceError) as caught:
        settings_from_mapping({"societess": [{"code": "A", "nom": "A"}]})
    assert "vouliez-vous dire [[societes]] ?" in caught.value.message
