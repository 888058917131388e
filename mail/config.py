"""SMTP settings: read `.env` without touching os.environ, validate every key, one French sentence each."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from dotenv import dotenv_values
from dotenv.parser import parse_stream

from models.emails import is_address
from models.errors import RelanceError

__all__ = ["MailSettings", "is_address", "load_mail_settings", "read_env"]

SECURITIES = ("starttls", "ssl", "aucune")
_DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "aucune": 25}
_LIST_SEPARATORS = re.compile(r"[,;]")
_NUMBER = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class MailSettings:
    """How to reach the SMTP server and who the emails come from; built once from `.env`."""

    host: str
    port: int
    security: str  # "starttls" | "ssl" | "aucune"
    user: str  # "" = no login (an internal relay)
    password: str
    sender: str
    sender_name: str
    reply_to: str
    bcc: tuple[str, ...]
    per_minute: int  # 0 = no throttle
    notify: str  # NOTIFY_EMAIL, "" if absent


def read_env(path: Path) -> dict[str, str]:
    """The keys of a `.env` file ({} when it is absent); a line python-dotenv cannot parse is an error."""
    if not path.is_file():
        return {}
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RelanceError(f"Impossible de lire {path} : {error.strerror or error}.") from error
    try:
        # utf-8-sig: Windows Notepad may add a BOM, which would otherwise stick to the first key.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # an older Notepad saving "ANSI"
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            # Name the key only: the value may be a password, which must not end up in a log.
            key = binding.original.string.split("=", 1)[0].strip()
            raise RelanceError(
                f"La ligne {binding.original.line} de {path.name} ({key}) est illisible : "
                "écrivez NOM=valeur, et mettez une valeur contenant des espaces, # ou $ "
                "entre apostrophes simples."
            )
    # interpolate=False: a password is taken as written, `$` included, quoted or not.
    values = dotenv_values(stream=io.StringIO(text), interpolate=False)
    return {key: (value or "") for key, value in values.items()}


def load_mail_settings(env: Mapping[str, str]) -> MailSettings | None:
    """The SMTP settings, or None when SMTP_HOST is empty (the emails are then written as .eml files)."""

    def get(key: str) -> str:
        return (env.get(key) or "").strip()

    host = get("SMTP_HOST")
    if not host:
        return None
    security = get("SMTP_SECURITY").lower()
    if security and security not in SECURITIES:
        raise RelanceError(
            f"SMTP_SECURITY dans .env doit valoir starttls, ssl ou aucune, pas « {get('SMTP_SECURITY')} »."
        )
    port_text = get("SMTP_PORT")
    if port_text:
        if not _NUMBER.fullmatch(port_text) or not 0 < int(port_text) < 65536:
            raise RelanceError(
                f"SMTP_PORT dans .env doit être un numéro de port (587, 465 ou 25 le plus souvent), "
                f"pas « {port_text} »."
            )
        port = int(port_text)
    else:
        port = _DEFAULT_PORTS[security or "starttls"]
    if not security:
        security = "ssl" if port == 465 else "starttls"

    user = get("SMTP_USER")
    # The password is kept as written: spaces at its ends may be part of it.
    password = env.get("SMTP_PASSWORD") or ""
    if user and not password:
        raise RelanceError(
            "SMTP_PASSWORD est vide dans .env alors que SMTP_USER est rempli : indiquez le mot de passe "
            "entre apostrophes simples, ou videz SMTP_USER pour un serveur qui ne demande pas "
            "d'identification."
        )

    sender_name = get("MAIL_FROM_NAME")
    sender_text = get("MAIL_FROM")
    if sender_text:
        sender = sender_text
        if "<" in sender_text:
            # "Service comptabilité <compta@x.fr>" is accepted too: the name serves as MAIL_FROM_NAME.
            name, sender = parseaddr(sender_text)
            sender_name = sender_name or name
        if not is_address(sender):
            raise RelanceError(f"MAIL_FROM dans .env n'est pas une adresse email valide : « {sender_text} ».")
    elif is_address(user):
        sender = user
    else:
        raise RelanceError(
            "MAIL_FROM manque dans .env : indiquez l'adresse d'expédition des relances "
            "(par exemple MAIL_FROM=comptabilite@votre-societe.fr)."
        )

    reply_to = get("MAIL_REPLY_TO")
    if reply_to and not is_address(reply_to):
        raise RelanceError(f"MAIL_REPLY_TO dans .env n'est pas une adresse email valide : « {reply_to} ».")

    bcc = tuple(part.strip() for part in _LIST_SEPARATORS.split(get("MAIL_BCC")) if part.strip())
    for address in bcc:
        if not is_address(address):
            raise RelanceError(
                f"MAIL_BCC dans .env contient « {address} », qui n'est pas une adresse email valide "
                "(séparez les adresses par des virgules)."
            )

    per_minute_text = get("MAIL_PAR_MINUTE")
    if per_minute_text and not _NUMBER.fullmatch(per_minute_text):
        raise RelanceError(
            "MAIL_PAR_MINUTE dans .env doit être un nombre entier de messages par minute "
            f"(par exemple 30, ou 0 pour ne pas limiter), pas « {per_minute_text} »."
        )
    per_minute = int(per_minute_text or 0)

    return MailSettings(
        host=host,
        port=port,
        security=security,
        user=user,
        password=password,
        sender=sender,
        sender_name=sender_name,
        reply_to=reply_to,
        bcc=bcc,
        per_minute=per_minute,
        notify=get("NOTIFY_EMAIL"),
    )


@dataclass(frozen=True)
class Identity:
    """Who the emails come from, for sending and for .eml files: read once from .env, [societe] otherwise."""

    address: str
    name: str
    reply_to: str = ""


def sender_identity(env: Mapping[str, str], company_name: str, company_email: str) -> Identity:
    """MAIL_FROM (« Nom <adresse> » too), MAIL_FROM_NAME and MAIL_REPLY_TO; without them, the company's
    own name and address. Never fails: an invalid MAIL_FROM is refused by `load_mail_settings` when
    emails are really sent."""
    text = (env.get("MAIL_FROM") or "").strip()
    name, address = parseaddr(text) if "<" in text else ("", text)
    if not is_address(address):
        address = company_email if is_address(company_email) else "relances@example.invalid"
    name = (env.get("MAIL_FROM_NAME") or "").strip() or name or company_name
    reply_to = (env.get("MAIL_REPLY_TO") or "").strip()
    return Identity(address, name, reply_to if is_address(reply_to) else "")
