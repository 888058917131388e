"""`configurer`: the set-up assistant, in French — who signs the letters, how the emails leave.

It asks, checks each answer as it comes, tests the SMTP login and sends a test email, and only then
writes relance.toml ([societe], comments kept) and .env. Nothing is written when the user gives up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from email.utils import parseaddr
from typing import TextIO

from app.demo import is_demo_company
from app.folder import Folder
from app.prompts import TRIES, GiveUp, Prompter
from app.settings_file import post_only, read_document, save_document, set_company
from app.smtp_setup import SmtpAnswers, ask_smtp
from mail.config import is_address, read_env
from mail.envfile import update_env
from mail.presets import PRESETS
from models import identifiers
from models.errors import RelanceError
from models.settings import Company, settings_from_mapping

log = logging.getLogger("relance")

ENV_HEADER = (
    "# Envoi des emails de Relance : écrit par « python relance.py configurer » (relancez-le pour changer).\n"
    "# Ce fichier contient le mot de passe de la messagerie : ne le partagez pas.\n"
)
_POSTCODE = re.compile(r"\d{5}")
SMTP_KEYS = ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY", "SMTP_USER", "SMTP_PASSWORD")


def configure(
    folder: Folder,
    ask: Callable[[str], str] | None,
    secret: Callable[[str], str] | None,
    out: TextIO,
    *,
    timeout: float = 20,
) -> int:
    """Run the assistant; the exit code (0 saved, 1 abandoned)."""
    if folder.is_demo:
        raise RelanceError(
            "Le dossier demo est celui de la démonstration, avec sa société fictive : lancez "
            "« python relance.py configurer » sans --dossier demo pour configurer la vôtre."
        )
    if ask is None:
        raise RelanceError(
            "« configurer » pose des questions : lancez-le dans une fenêtre de commandes (double-clic sur "
            "relance.bat, ou « relance.bat configurer »), pas depuis le Planificateur de tâches."
        )
    if not folder.root.is_dir():
        raise RelanceError(f"Le dossier {folder.root} n'existe pas : vérifiez l'option --dossier.")
    talk = Prompter(ask, secret or ask, out)
    document = read_document(folder.config, folder.program / "relance.toml")
    current = settings_from_mapping(document.unwrap(), folder.config.name).company
    env = read_env(folder.env)
    talk.say(f"Configuration de Relance pour le dossier {folder.root}")
    talk.say(
        "Entrée garde la valeur entre crochets ; « - » efface une valeur facultative ; Ctrl+C abandonne."
    )
    try:
        company = _ask_company(talk, current)
        sending = _ask_sending(talk, env, company, timeout)
    except (GiveUp, KeyboardInterrupt):
        talk.say("\nConfiguration abandonnée : rien n'a été modifié.")
        return 1
    set_company(document, company)
    moved = post_only(document) if sending is None else 0
    save_document(document, folder.config)
    env_values = _env_values(sending, env)
    update_env(folder.env, env_values, ENV_HEADER)
    folder.input.mkdir(exist_ok=True)
    log.info("Configuration enregistrée dans %s et %s", folder.config, folder.env)
    _recap(talk, folder, company, sending, moved)
    return 0


def _postcode(text: str) -> str:
    if not _POSTCODE.fullmatch(text.replace(" ", "")):
        raise ValueError("un code postal a 5 chiffres, par exemple 69002")
    return text.replace(" ", "")


def _address(text: str) -> str:
    if not is_address(text):
        raise ValueError("ce n'est pas une adresse email valide (par exemple compta@votre-societe.fr)")
    return text


def _ask_company(talk: Prompter, current: Company) -> dict[str, str | list[str]]:
    """[societe], question by question; the demo's values are never offered as defaults."""
    known = Company() if is_demo_company(current) else current
    talk.say("\n1/2 Votre société, qui signe les lettres de relance")
    name = talk.text("Raison sociale", known.name, required=True)
    lines = [*known.address, "", ""]
    street = talk.text("Adresse (numéro et rue)", lines[0], required=True)
    extra = talk.text("Complément d'adresse (facultatif)", lines[1])
    values: dict[str, str | list[str]] = {
        "nom": name,
        "adresse": [line for line in (street, extra) if line],
        "code_postal": talk.text("Code postal", known.postal_code, required=True, check=_postcode),
        "ville": talk.text("Ville", known.city, required=True),
        "telephone": talk.text("Téléphone (facultatif)", known.phone),
        "email": talk.text("Email de la comptabilité (facultatif)", known.email, check=_address),
        "siret": talk.text("SIRET (14 chiffres)", known.siret, required=True, check=identifiers.siret),
        "mentions_legales": talk.text(
            "Mentions légales : forme, capital, RCS (facultatif)", known.legal_notice
        ),
        "iban": talk.text("IBAN, pour les virements (facultatif)", known.iban, check=identifiers.iban),
        "bic": talk.text("BIC (facultatif)", known.bic, check=identifiers.bic),
        "signataire": talk.text("Signataire des lettres (prénom et nom)", known.signatory, required=True),
        "fonction": talk.text("Fonction du signataire (facultatif)", known.title),
    }
    return values


def _ask_sending(
    talk: Prompter, env: dict[str, str], company: dict[str, str | list[str]], timeout: float
) -> SmtpAnswers | None:
    """The SMTP answers, tested; None for « pas d'email, tout en courrier »."""
    talk.say("\n2/2 L'envoi des emails")
    options = [p.label for p in PRESETS] + [
        "Un autre serveur SMTP (réglages donnés par votre hébergeur)",
        "Pas d'email : tout part en courrier (lettres PDF à imprimer)",
    ]
    host = env.get("SMTP_HOST", "").strip()
    default = next((n for n, p in enumerate(PRESETS, start=1) if p.host == host), 0)
    if not default and host:
        default = len(PRESETS) + 1
    elif not default and "SMTP_HOST" in env:
        default = len(options)
    for _ in range(TRIES):
        chosen = talk.choice("Votre messagerie", options, default)
        if chosen == len(options):
            return None
        preset = PRESETS[chosen - 1] if chosen <= len(PRESETS) else None
        sender = parseaddr(env.get("MAIL_FROM", ""))[1] or str(company.get("email") or "")
        answers = ask_smtp(talk, preset, env, sender, str(company["nom"]), timeout)
        if answers is not None:
            return answers
        default = chosen  # « changer de messagerie »: back to the list
    raise talk.too_many("Votre messagerie")


def _env_values(sending: SmtpAnswers | None, env: dict[str, str]) -> dict[str, str | None]:
    if sending is None:
        # No SMTP server: emails, if a level still asks for one, are written as .eml files.
        return {"SMTP_HOST": "", **{key: None for key in SMTP_KEYS[1:]}}
    values: dict[str, str | None] = {
        "SMTP_HOST": sending.host,
        "SMTP_PORT": str(sending.port),
        "SMTP_SECURITY": sending.security,
        "SMTP_USER": sending.user,
        "SMTP_PASSWORD": sending.password if sending.user else None,
        "MAIL_FROM": sending.sender,
        "MAIL_FROM_NAME": sending.sender_name,
        "NOTIFY_EMAIL": sending.notify or None,
    }
    if sending.per_minute:
        values["MAIL_PAR_MINUTE"] = str(sending.per_minute)
    return values


def _recap(
    talk: Prompter,
    folder: Folder,
    company: dict[str, str | list[str]],
    sending: SmtpAnswers | None,
    moved: int,
) -> None:
    talk.say("\nConfiguration enregistrée :")
    talk.say(f"  {folder.show(folder.config)} : l'expéditeur des lettres est « {company['nom']} ».")
    if sending is None:
        talk.say(
            f"  {folder.show(folder.env)} : pas de serveur d'emails ; "
            + (f"{moved} niveau(x) de relance passent en courrier." if moved else "tout part en courrier.")
        )
    else:
        login = f"identifiant {sending.user}, mot de passe enregistré" if sending.user else "sans identifiant"
        talk.say(
            f"  {folder.show(folder.env)} : emails envoyés par {sending.host} (port {sending.port}, "
            f"{sending.security}), de {sending.sender}, {login}."
        )
    talk.say(
        f"Prochaine étape : déposez vos exports (factures, règlements, clients) dans "
        f"{folder.show(folder.input)}, puis lancez Relance (double-clic sur relance.bat)."
    )
