"""SMTP settings of the common French providers, offered by `configurer` so that nobody types a port.

Sources, checked in 2026 (host, port and security of client submission):
- Gmail / Google Workspace: smtp.gmail.com, 587 STARTTLS or 465 SSL, full address as login; an app
  password once two-step verification is on (Google stopped plain passwords in May 2025). Thunderbird's
  provider database (github.com/thunderbird/autoconfig, ispdb/googlemail.com.xml).
- Microsoft 365 and Outlook.com: smtp.office365.com, 587 STARTTLS only, full address as login; SMTP AUTH
  must be enabled for the mailbox, and Microsoft is retiring password logins (learn.microsoft.com,
  « How to set up a multifunction device or application to send email using Microsoft 365 »;
  ispdb/office365.com.xml and ispdb/outlook.com.xml). 30 messages a minute at most (REFERENCE.md).
- OVHcloud (MX Plan, web hosting mail): ssl0.ovh.net, 465 SSL/TLS, full address as login (OVHcloud guide
  « Configurer son adresse e-mail sur Mail de macOS », github.com/ovh/docs, how_to_configure_mail_macos).
- Orange: smtp.orange.fr, 465 SSL, full address as login (ispdb/orange.fr.xml, pointing to
  assistance.orange.fr « accéder à sa boîte mail Orange depuis un logiciel de messagerie »).
- Free: smtp.free.fr, 465 SSL, the login is the part before « @free.fr » (ispdb/free.fr.xml, pointing to
  assistance.free.fr « configurer de manière avancée mon logiciel de messagerie »).
- IONOS: smtp.ionos.fr, 465 SSL or 587 STARTTLS, full address as login (ionos.fr assistance, « serveur
  sortant »; the same platform as smtp.1und1.de in ispdb/1und1.de.xml: 465 SSL, 587 STARTTLS).
- Gandi: mail.gandi.net, 465 SSL (Gandi recommends SSL over STARTTLS for mail clients) or 587 STARTTLS,
  full address as login (docs.gandi.net « Gandi Mail : paramètres standards »).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    """One provider's SMTP server, and what its users need to know to log in."""

    key: str
    label: str
    host: str
    port: int
    security: str  # starttls | ssl (as SMTP_SECURITY in .env)
    login: str = "address"  # what SMTP_USER is: "address" (full address) or "local" (before the @)
    advice: str = ""  # shown before the password is asked
    per_minute: int = 0  # MAIL_PAR_MINUTE the provider imposes (0: no known limit)


PRESETS = (
    Preset(
        "gmail",
        "Gmail / Google Workspace",
        "smtp.gmail.com",
        587,
        "starttls",
        advice="Google demande un « mot de passe d'application » (compte Google > Sécurité > Validation en "
        "deux étapes > Mots de passe des applications) : c'est lui qu'il faut saisir ici.",
    ),
    Preset(
        "microsoft",
        "Microsoft 365 / Outlook",
        "smtp.office365.com",
        587,
        "starttls",
        advice="Microsoft 365 doit autoriser l'« SMTP authentifié » pour cette boîte (centre "
        "d'administration > Utilisateurs > Courrier > Applications de messagerie) ; avec la validation "
        "en deux étapes, saisissez un mot de passe d'application.",
        per_minute=30,
    ),
    Preset(
        "ovh",
        "OVHcloud (MX Plan, hébergement web)",
        "ssl0.ovh.net",
        465,
        "ssl",
        advice="Le mot de passe est celui de l'adresse email (espace client OVHcloud > Emails).",
    ),
    Preset("orange", "Orange", "smtp.orange.fr", 465, "ssl", advice="Le mot de passe du compte Orange."),
    Preset(
        "free",
        "Free",
        "smtp.free.fr",
        465,
        "ssl",
        login="local",
        advice="L'identifiant est la partie de l'adresse avant « @free.fr ».",
    ),
    Preset(
        "ionos",
        "IONOS",
        "smtp.ionos.fr",
        465,
        "ssl",
        advice="Le mot de passe est celui de l'adresse email (espace client IONOS > Email).",
    ),
    Preset("gandi", "Gandi", "mail.gandi.net", 465, "ssl", advice="Le mot de passe de la boîte Gandi."),
)


def login_for(preset: Preset, address: str) -> str:
    """The SMTP login a provider expects for this address."""
    return address.split("@", 1)[0] if preset.login == "local" else address
