"""The sending part of `configurer`: server, sender, login and password, tested before anything is saved."""

from __future__ import annotations

import smtplib
import socket
from dataclasses import dataclass

from app.mailtest import send_trial
from app.prompts import TRIES, GiveUp, Prompter
from mail.config import MailSettings, is_address
from mail.presets import Preset, login_for
from mail.smtp import Mailer
from models.errors import RelanceError

PORTS = {"starttls": 587, "ssl": 465, "aucune": 25}
SECURITIES = ("starttls", "ssl", "aucune")


@dataclass(frozen=True)
class SmtpAnswers:
    """What `configurer` writes into .env for an SMTP server."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str
    sender_name: str
    notify: str
    per_minute: int


def _address(text: str) -> str:
    if not is_address(text):
        raise ValueError("ce n'est pas une adresse email valide (par exemple compta@votre-societe.fr)")
    return text


def _port(text: str) -> str:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError("un port est un nombre : 587, 465 ou 25 le plus souvent")
    return text


def ask_smtp(
    talk: Prompter, preset: Preset | None, env: dict[str, str], sender: str, name: str, timeout: float
) -> SmtpAnswers | None:
    """Ask, then test the login until it works or the user decides; None: « choose another provider »."""
    known_host = env.get("SMTP_HOST", "").strip()
    if preset is not None:
        host, port, security = preset.host, preset.port, preset.security
    else:
        host = talk.text("Serveur SMTP (par exemple smtp.votre-hebergeur.fr)", known_host, required=True)
        current = env.get("SMTP_SECURITY", "").strip().lower()
        chosen = talk.choice(
            "Sécurité de la connexion",
            ["STARTTLS (port 587, le plus courant)", "SSL/TLS (port 465)", "Aucune (relais interne)"],
            SECURITIES.index(current) + 1 if current in SECURITIES else 1,
        )
        security = SECURITIES[chosen - 1]
        same = host == known_host and env.get("SMTP_PORT", "").strip().isdigit()
        port = int(talk.text("Port", env["SMTP_PORT"].strip() if same else str(PORTS[security]), check=_port))
    same_server = host == known_host
    sender = talk.text("Adresse d'expédition des relances", sender, required=True, check=_address)
    sender_name = talk.text("Nom affiché comme expéditeur", env.get("MAIL_FROM_NAME", "") or name)
    login = env.get("SMTP_USER", "") if same_server else ""
    login = login or (login_for(preset, sender) if preset is not None else sender)
    user = talk.text(
        "Identifiant de connexion" + ("" if preset else " (« - » : relais sans identifiant)"),
        login,
        required=preset is not None,
    )
    if preset is not None and preset.advice:
        talk.say(f"    {preset.advice}")
    for _ in range(TRIES):
        password = _password(talk, user, env if same_server else {})
        settings = MailSettings(
            host=host,
            port=port,
            security=security,
            user=user,
            password=password,
            sender=sender,
            sender_name=sender_name,
            reply_to="",
            bcc=(),
            per_minute=0,
            notify="",
        )
        talk.say(f"  Connexion à {host} (port {port})…")
        try:
            with Mailer(settings, timeout=timeout):
                pass
        except RelanceError as error:
            talk.say(f"    {why(error, settings, timeout)}")
            what = talk.choice(
                "Que faire ?",
                [
                    "Ressaisir le mot de passe et réessayer",
                    "Changer de messagerie ou de réglages",
                    "Enregistrer ces réglages sans test (à corriger plus tard avec « configurer »)",
                    "Abandonner (rien n'est modifié)",
                ],
                1,
            )
            if what == 1:
                continue
            if what == 2:
                return None
            if what == 4:
                raise GiveUp from None
            tested = False
        else:
            talk.say("    Connexion réussie : le serveur accepte l'identifiant.")
            tested = True
        break
    else:
        raise talk.too_many("Que faire ?")
    notify = env.get("NOTIFY_EMAIL", "").strip() or sender
    if tested and talk.yes("Envoyer un email d'essai ?"):
        to = talk.text("Adresse de l'email d'essai", notify, required=True, check=_address)
        try:
            send_trial(settings, to, timeout=timeout)
        except RelanceError as error:
            talk.say(f"    {why(error, settings, timeout)}")
            if not talk.yes("Enregistrer quand même ces réglages ?", default=False):
                raise GiveUp from None
        else:
            talk.say(f"    Email d'essai envoyé à {to} : vérifiez votre boîte de réception (et le spam).")
    notify = talk.text(
        "Adresse à prévenir quand une proposition est prête (passage automatique, facultatif)",
        notify,
        check=_address,
    )
    per_minute = preset.per_minute if preset is not None else 0
    return SmtpAnswers(host, port, security, user, password, sender, sender_name, notify, per_minute)


def _password(talk: Prompter, user: str, env: dict[str, str]) -> str:
    """Asked without echo on a terminal; Entrée keeps the one already in .env for the same login."""
    if not user:
        return ""
    kept = env.get("SMTP_PASSWORD", "") if env.get("SMTP_USER", "") == user else ""
    label = "Mot de passe (il ne s'affiche pas" + ("; Entrée : garder l'actuel)" if kept else ")")
    for _ in range(TRIES):
        password = talk.password(label) or kept
        if password:
            return password
        talk.say("    Le mot de passe est nécessaire pour se connecter.")
    raise talk.too_many("Mot de passe")


def why(error: RelanceError, settings: MailSettings, timeout: float) -> str:
    """What failed, said for someone in the assistant (Mailer's own messages point to .env keys)."""
    cause = error.__cause__
    host, port = settings.host, settings.port
    if isinstance(cause, smtplib.SMTPAuthenticationError):
        return f"Le serveur {host} refuse l'identifiant « {settings.user} » ou le mot de passe."
    if isinstance(cause, TimeoutError) or "timed out" in str(cause or ""):
        return (
            f"Le serveur {host} ne répond pas sur le port {port} (rien en {timeout:g} s) : vérifiez son nom "
            f"et le port ; un pare-feu bloque peut-être le port {port}."
        )
    if isinstance(cause, ConnectionRefusedError):
        return f"Le serveur {host} refuse les connexions sur le port {port} : vérifiez le port."
    if isinstance(cause, socket.gaierror):
        return f"Le serveur {host} est introuvable : vérifiez son nom et votre connexion à Internet."
    return error.message
