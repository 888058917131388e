"""Load `relance.toml` and `.env` once into one frozen object; a syntax error is told with its line."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from mail.config import Identity, MailSettings, load_mail_settings, sender_identity
from models.errors import RelanceError
from models.settings import Settings, settings_from_mapping

_WHERE = re.compile(r"at line (\d+), column (\d+)")


def load_settings(path: Path, fetched: Mapping[str, Decimal] | None = None) -> Settings:
    """The settings of `relance.toml`, or the defaults when the file is absent. `fetched`: the ECB rates
    fetched from the ECB (app.rates.load_rates), under those written in relance.toml."""
    if not path.exists():
        return settings_from_mapping({}, path.name, fetched)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        where = _WHERE.search(str(error))
        place = f" à la ligne {where.group(1)}, colonne {where.group(2)}" if where else ""
        raise RelanceError(
            f"Le fichier {path.name} est mal écrit{place} : vérifiez les guillemets, les = et les crochets."
        ) from None
    except UnicodeDecodeError:
        raise RelanceError(
            f"Le fichier {path.name} n'est pas enregistré en UTF-8 : réenregistrez-le en UTF-8."
        ) from None
    except OSError as error:
        raise RelanceError(f"Le fichier {path.name} ne peut pas être lu ({error.strerror}).") from None
    return settings_from_mapping(data, path.name, fetched)


@dataclass(frozen=True)
class RunConfig:
    """What a run reads once, at its start: relance.toml's settings, .env's mail settings and the sender's
    identity. A wrong .env is only an error for a command that sends an email (`smtp()`)."""

    settings: Settings
    env: Mapping[str, str]
    identity: Identity
    _mail: MailSettings | None = None
    _mail_error: RelanceError | None = None

    def smtp(self) -> MailSettings | None:
        """The SMTP server to send through; None without SMTP_HOST (emails become .eml files)."""
        if self._mail_error is not None:
            raise self._mail_error
        return self._mail

    @property
    def notify(self) -> str:
        return (self.env.get("NOTIFY_EMAIL") or "").strip()


def load_run_config(
    settings: Settings, env: Mapping[str, str], env_error: RelanceError | None = None
) -> RunConfig:
    """The run's settings and the mail settings of `.env` (read once by the caller, or its error)."""
    mail, error = None, env_error
    if error is None:
        try:
            mail = load_mail_settings(env)
        except RelanceError as wrong:
            error = wrong
    identity = sender_identity(env, settings.company.name, settings.company.email)
    if mail is not None:
        identity = Identity(mail.sender, mail.sender_name or identity.name, mail.reply_to)
    return RunConfig(settings, MappingProxyType(dict(env)), identity, mail, error)
