"""`tester-email`: log in to the SMTP server of .env and send a test email to the user, nothing else."""

from __future__ import annotations

import logging
from typing import TextIO

from app.folder import Folder
from mail.config import MailSettings, is_address
from mail.message import Email
from mail.smtp import Mailer, SendFailure
from models.errors import RelanceError

log = logging.getLogger("relance")


def trial_message(settings: MailSettings, to: str) -> Email:
    """The test message: says where it came from, never how (no password)."""
    body = (
        "Bonjour,\n\n"
        f"Cet email d'essai a été envoyé par Relance, avec le serveur {settings.host} "
        f"(port {settings.port}) et l'adresse d'expédition {settings.sender}.\n"
        "Si vous le lisez, les relances par email partiront de la même façon.\n\n"
        "Vérifiez aussi qu'il n'est pas arrivé dans les indésirables (spam) : sinon, ajoutez "
        "l'adresse d'expédition aux contacts sûrs, et demandez à qui gère votre domaine de "
        "déclarer ce serveur (SPF, DKIM).\n\n"
        "Relance\n"
    )
    return Email(to, "Relance : email d'essai", body)


def send_trial(settings: MailSettings, to: str, *, timeout: float = 30) -> None:
    """Connect, log in and send the test email; RelanceError says what went wrong."""
    with Mailer(settings, timeout=timeout) as mailer:
        try:
            mailer.send(trial_message(settings, to))
        except SendFailure as failure:
            raise RelanceError(f"L'email d'essai à {to} n'est pas parti : {failure.message}") from None


def tester_email(folder: Folder, settings: MailSettings | None, to: str, out: TextIO) -> int:
    """The command: to `to`, else NOTIFY_EMAIL, else the sender itself; `settings`: the run's, from .env."""
    if settings is None:
        raise RelanceError(
            f"Pas de serveur SMTP dans {folder.show(folder.env)} : lancez « python relance.py configurer » "
            "pour choisir votre messagerie (ou gardez les emails en fichiers .eml)."
        )
    recipient = (to or settings.notify or settings.sender).strip()
    if not is_address(recipient):
        raise RelanceError(f"« {recipient} » n'est pas une adresse email valide (ex. moi@exemple.fr).")
    log.debug("Email d'essai à %s par %s:%d", recipient, settings.host, settings.port)
    send_trial(settings, recipient)
    out.write(
        f"Email d'essai envoyé à {recipient} par {settings.host} : vérifiez votre boîte de réception "
        "(et les indésirables).\n"
    )
    return 0
