"""`.env` reading and SMTP settings: defaults, and every error message exactly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mail.config import MailSettings, is_address, load_mail_settings, read_env
from models.errors import RelanceError

BASE = {
    "SMTP_HOST": "smtp.exemple.fr",
    "SMTP_PORT": "587",
    "SMTP_SECURITY": "starttls",
    "SMTP_USER": "relances@exemple.fr",
    "SMTP_PASSWORD": "secret",
    "MAIL_FROM": "compta@exemple.fr",
}


def load(**changes: str) -> MailSettings | None:
    return load_mail_settings({**BASE, **changes})


def test_env_file_values_are_read_as_written(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text(
        "# Réglages d'envoi\n"
        "SMTP_HOST=smtp.exemple.fr\n"
        "SMTP_PASSWORD='p$a#ss w0rd\"'\n"
        "SMTP_USER=${HOME}x\n"
        "MAIL_FROM_NAME=Service comptabilité # le nom affiché\n"
        "MAIL_BCC=\n"
        "MAIL_REPLY_TO\n",
        encoding="utf-8",
    )
    before = dict(os.environ)
    env = read_env(path)
    assert env == {
        "SMTP_HOST": "smtp.exemple.fr",
        "SMTP_PASSWORD": 'p$a#ss w0rd"',
        "SMTP_USER": "${HOME}x",  # never expanded: a `$` in a password is not a variable
        "MAIL_FROM_NAME": "Service comptabilité",
        "MAIL_BCC": "",
        "MAIL_REPLY_TO": "",
    }
    assert dict(os.environ) == before


def test_env_file_saved_by_windows_notepad_with_bom_or_ansi(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_bytes("\ufeffSMTP_HOST=smtp.exemple.fr\nMAIL_FROM_NAME=Société\n".encode())
    assert read_env(path) == {"SMTP_HOST": "smtp.exemple.fr", "MAIL_FROM_NAME": "Société"}
    path.write_bytes("MAIL_FROM_NAME=Société Générale\r\n".encode("cp1252"))
    assert read_env(path) == {"MAIL_FROM_NAME": "Société Générale"}


def test_missing_env_file_means_no_settings(tmp_path: Path) -> None:
    assert read_env(tmp_path / ".env") == {}
    assert load_mail_settings(read_env(tmp_path / ".env")) is None


def test_unreadable_line_names_line_and_key_but_not_the_password(tmp_path: Path) -> None:
    path = tmp_path / ".env"
    path.write_text("SMTP_HOST=smtp.exemple.fr\nSMTP_PASSWORD='secret\n", encoding="utf-8")
    with pytest.raises(RelanceError) as caught:
        read_env(path)
    assert caught.value.message == (
        "La ligne 2 de .env (SMTP_PASSWORD) est illisible : écrivez NOM=valeur, et mettez une valeur "
        "contenant des espaces, # ou $ entre apostrophes simples."
    )
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("host", ["", "   "])
def test_no_smtp_host_means_eml_files(host: str) -> None:
    assert load(SMTP_HOST=host) is None
    assert load_mail_settings({}) is None


def test_full_settings() -> None:
    settings = load(
        MAIL_FROM_NAME="Service comptabilité",
        MAIL_REPLY_TO="contact@exemple.fr",
        MAIL_BCC="archives@exemple.fr; copie@exemple.fr, ",
        MAIL_PAR_MINUTE="30",
        NOTIFY_EMAIL="gerant@exemple.fr",
    )
    assert settings == MailSettings(
        host="smtp.exemple.fr",
        port=587,
        security="starttls",
        user="relances@exemple.fr",
        password="secret",
        sender="compta@exemple.fr",
        sender_name="Service comptabilité",
        reply_to="contact@exemple.fr",
        bcc=("archives@exemple.fr", "copie@exemple.fr"),
        per_minute=30,
        notify="gerant@exemple.fr",
    )


@pytest.mark.parametrize(
    ("port", "security", "expected"),
    [
        ("465", "", (465, "ssl")),
        ("587", "", (587, "starttls")),
        ("25", "", (25, "starttls")),
        ("", "", (587, "starttls")),
        ("", "ssl", (465, "ssl")),
        ("", "aucune", (25, "aucune")),
        ("2525", "AUCUNE", (2525, "aucune")),
    ],
)
def test_port_and_security_defaults(port: str, security: str, expected: tuple[int, str]) -> None:
    settings = load(SMTP_PORT=port, SMTP_SECURITY=security)
    assert settings is not None
    assert (settings.port, settings.security) == expected


def test_internal_relay_without_login() -> None:
    settings = load(SMTP_USER="", SMTP_PASSWORD="", MAIL_PAR_MINUTE="")
    assert settings is not None
    assert (settings.user, settings.password, settings.per_minute) == ("", "", 0)


def test_sender_defaults_to_the_login_when_it_is_an_address() -> None:
    settings = load(MAIL_FROM="")
    assert settings is not None
    assert settings.sender == "relances@exemple.fr"


def test_sender_with_a_display_name() -> None:
    settings = load(MAIL_FROM="Service comptabilité <compta@exemple.fr>")
    assert settings is not None
    assert (settings.sender, settings.sender_name) == ("compta@exemple.fr", "Service comptabilité")
    settings = load(MAIL_FROM="Compta <compta@exemple.fr>", MAIL_FROM_NAME="Relances")
    assert settings is not None
    assert settings.sender_name == "Relances"


def test_password_is_kept_as_written() -> None:
    settings = load(SMTP_PASSWORD=" a b$c#d ")
    assert settings is not None
    assert settings.password == " a b$c#d "


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"SMTP_PORT": "abc"},
            "SMTP_PORT dans .env doit être un numéro de port (587, 465 ou 25 le plus souvent), pas « abc ».",
        ),
        (
            {"SMTP_PORT": "70000"},
            "SMTP_PORT dans .env doit être un numéro de port (587, 465 ou 25 le plus souvent), "
            "pas « 70000 ».",
        ),
        (
            {"SMTP_PORT": "0"},
            "SMTP_PORT dans .env doit être un numéro de port (587, 465 ou 25 le plus souvent), pas « 0 ».",
        ),
        (
            {"SMTP_SECURITY": "tls"},
            "SMTP_SECURITY dans .env doit valoir starttls, ssl ou aucune, pas « tls ».",
        ),
        (
            {"SMTP_PASSWORD": ""},
            "SMTP_PASSWORD est vide dans .env alors que SMTP_USER est rempli : indiquez le mot de passe "
            "entre apostrophes simples, ou videz SMTP_USER pour un serveur qui ne demande pas "
            "d'identification.",
        ),
        (
            {"MAIL_FROM": "", "SMTP_USER": "relances"},
            "MAIL_FROM manque dans .env : indiquez l'adresse d'expédition des relances "
            "(par exemple MAIL_FROM=comptabilite@votre-societe.fr).",
        ),
        (
            {"MAIL_FROM": "", "SMTP_USER": "", "SMTP_PASSWORD": ""},
            "MAIL_FROM manque dans .env : indiquez l'adresse d'expédition des relances "
            "(par exemple MAIL_FROM=comptabilite@votre-societe.fr).",
        ),
        (
            {"MAIL_FROM": "compta@exemple"},
            "MAIL_FROM dans .env n'est pas une adresse email valide : « compta@exemple ».",
        ),
        (
            {"MAIL_FROM": "compta@exemple.fr, autre@exemple.fr"},
            "MAIL_FROM dans .env n'est pas une adresse email valide : "
            "« compta@exemple.fr, autre@exemple.fr ».",
        ),
        (
            {"MAIL_FROM": "Compta <compta.exemple.fr>"},
            "MAIL_FROM dans .env n'est pas une adresse email valide : « Compta <compta.exemple.fr> ».",
        ),
        (
            {"MAIL_REPLY_TO": "contact"},
            "MAIL_REPLY_TO dans .env n'est pas une adresse email valide : « contact ».",
        ),
        (
            {"MAIL_BCC": "archives@exemple.fr copie@exemple.fr"},
            "MAIL_BCC dans .env contient « archives@exemple.fr copie@exemple.fr », qui n'est pas une adresse "
            "email valide (séparez les adresses par des virgules).",
        ),
        (
            {"MAIL_PAR_MINUTE": "30/min"},
            "MAIL_PAR_MINUTE dans .env doit être un nombre entier de messages par minute (par exemple 30, "
            "ou 0 pour ne pas limiter), pas « 30/min ».",
        ),
        (
            {"MAIL_PAR_MINUTE": "-5"},
            "MAIL_PAR_MINUTE dans .env doit être un nombre entier de messages par minute (par exemple 30, "
            "ou 0 pour ne pas limiter), pas « -5 ».",
        ),
    ],
)
def test_every_bad_setting_is_named(changes: dict[str, str], message: str) -> None:
    with pytest.raises(RelanceError) as caught:
        load(**changes)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("compta@exemple.fr", True),
        ("jean.dupont+relances@sous.domaine-x.fr", True),
        ("compta@exemple", False),
        ("andré@exemple.fr", False),  # non-ASCII needs SMTPUTF8, which most servers lack
        ("Compta <compta@exemple.fr>", False),
        ("compta@@exemple.fr", False),
        (".compta@exemple.fr", False),
        ("compta@exemple.fr ", False),
        ("", False),
    ],
)
def test_is_address(text: str, valid: bool) -> None:
    assert is_address(text) is valid
