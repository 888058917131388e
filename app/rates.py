"""ECB rates kept current: taux_bce.toml (the rates fetched, from where, when), the `taux` command, and
the fetch `preparer` makes by itself when a half-year its late invoices need is missing."""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from app.folder import Folder
from models.errors import RelanceError
from models.penalties import half_year, half_years, rates_in_force, reference_day
from models.settings import Settings
from sources import ecb as portal  # looked up at each call: tests point it at 127.0.0.1

log = logging.getLogger("relance")

AUTO_TIMEOUT = 5.0  # `preparer` must not wait long for an unreachable site: the rate is then an anomaly
COMMAND_TIMEOUT = 30.0
RETRY_AFTER = timedelta(days=1)  # `preparer` tries again after a day, not at every run
# Asked from a month before the first 1 January / 1 July wanted: a business-day series has no point on
# 1 January, and the rate of that day is then the one of the last point before it.
MARGIN = timedelta(days=31)

_HALF_YEAR = re.compile(r"\d{4}-S[12]")

HEADER = """\
# Taux de refinancement de la BCE en vigueur le 1er janvier (S1) et le 1er juillet (S2) de chaque
# semestre, récupérés par Relance sur le site de la BCE (« python relance.py taux », ou « preparer »
# quand un semestre manque). Ce fichier est réécrit à chaque récupération : ne le modifiez pas.
# Pour imposer un taux, écrivez-le dans relance.toml, section [penalites], clé taux_bce : il
# l'emporte toujours sur ceux-ci.
"""


@dataclass(frozen=True)
class StoredRates:
    """The content of taux_bce.toml."""

    rates: Mapping[str, Decimal] = field(default_factory=dict)  # "2026-S2" -> Decimal("2.15")
    source: str = ""  # the URL of the series
    fetched_at: datetime | None = None  # the last answer used
    attempted_at: datetime | None = None  # the last try, answered or not


def load_rates(folder: Folder) -> dict[str, Decimal]:
    """The ECB rates fetched earlier, by half-year (empty when none were, or the file is unreadable)."""
    return dict(read_stored(folder.ecb_rates).rates)


def read_stored(path: Path) -> StoredRates:
    """taux_bce.toml; an unreadable file is said in the log and counts as none: the next fetch redoes it."""
    if not path.exists():
        return StoredRates()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"), parse_float=Decimal)
        return _stored(data)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as error:
        log.warning(
            "Le fichier %s est illisible (%s) : ses taux sont ignorés ; « python relance.py taux » "
            "le refait.",
            path.name,
            error,
        )
        return StoredRates()


def _stored(data: Mapping[str, object]) -> StoredRates:
    table = data.get("taux_bce", {})
    if not isinstance(table, dict):
        raise ValueError("[taux_bce] n'est pas une table")
    rates: dict[str, Decimal] = {}
    for half, rate in table.items():
        if not _HALF_YEAR.fullmatch(half) or isinstance(rate, bool) or not isinstance(rate, Decimal | int):
            raise ValueError(f"valeur incorrecte pour « {half} »")
        rates[half] = Decimal(rate)
    fetched, attempted, source = data.get("recupere_le"), data.get("derniere_tentative"), data.get("source")
    if not (fetched is None or isinstance(fetched, datetime)) or not (
        attempted is None or isinstance(attempted, datetime)
    ):
        raise ValueError("date incorrecte")
    return StoredRates(rates, source if isinstance(source, str) else "", fetched, attempted)


def write_stored(path: Path, stored: StoredRates) -> None:
    """Write taux_bce.toml whole under a temporary name, then rename it: never half written."""
    lines = [HEADER]
    lines.append(f'source = "{_toml_text(stored.source)}"')
    if stored.fetched_at is not None:
        lines.append(f"recupere_le = {stored.fetched_at.isoformat(timespec='seconds')}")
    if stored.attempted_at is not None:
        lines.append(f"derniere_tentative = {stored.attempted_at.isoformat(timespec='seconds')}")
    lines.append("\n[taux_bce]")
    lines.extend(f'"{half}" = {format(stored.rates[half], "f")}' for half in sorted(stored.rates))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def fetch_and_store(
    folder: Folder, source: str, since: date, now: datetime, timeout: float
) -> tuple[dict[str, Decimal], StoredRates]:
    """Fetch the series from `since` to today and add the rates it proves to taux_bce.toml; return them
    and what the file held before. EcbError (nothing written) when the answer cannot be used."""
    observations = portal.fetch_rates(source, since, now.date(), timeout)
    derived = rates_in_force(observations, now.date())
    before = read_stored(folder.ecb_rates)
    after = StoredRates({**before.rates, **derived}, source or portal.ECB_SOURCE, now, now)
    try:
        write_stored(folder.ecb_rates, after)
    except OSError as error:
        raise RelanceError(
            f"Le fichier {folder.show(folder.ecb_rates)} ne peut pas être écrit ({error.strerror or error})."
        ) from None
    return derived, before


def with_needed_rates(
    folder: Folder, settings: Settings, earliest: date | None, today: date, now: datetime
) -> Settings:
    """`settings` completed with the ECB rates that the late invoices need and the table lacks, fetched
    at most once a day with a short timeout. `earliest`: the oldest due date of an invoice the export
    says is still (partly) due (payments of other files may settle it: this may ask for a half-year too
    many, never one too few). Never a reason to stop: a rate still missing is an anomaly of the
    proposal, which says how to add it."""
    rates = settings.penalty_rates
    if rates.contractual is not None or earliest is None or earliest >= today:
        return settings
    missing = [
        half
        for half in half_years(earliest + timedelta(days=1), today)
        if half not in rates.ecb and portal.FIRST_DAY <= reference_day(half) <= now.date()
    ]
    if not missing:
        return settings
    wanted = ", ".join(missing)
    stored = read_stored(folder.ecb_rates)
    if stored.attempted_at is not None and timedelta(0) <= now - stored.attempted_at < RETRY_AFTER:
        log.info(
            "Taux BCE manquant (%s) : déjà cherché sur le site de la BCE le %s ; « python relance.py taux » "
            "réessaie tout de suite.",
            wanted,
            stored.attempted_at.strftime("%d/%m/%Y à %H:%M"),
        )
        return settings
    log.info("Taux BCE manquant (%s) : recherche sur le site de la BCE…", wanted)
    try:
        derived, _ = fetch_and_store(
            folder, settings.ecb_source, reference_day(missing[0]) - MARGIN, now, AUTO_TIMEOUT
        )
    except RelanceError as error:  # offline, or an answer that cannot be used: try again tomorrow
        log.info("%s Les pénalités de ces semestres sont signalées dans l'onglet Anomalies.", error)
        _remember_attempt(folder, stored, now)
        return settings
    found = {half: derived[half] for half in missing if half in derived}
    if found:
        log.info("Taux BCE récupérés : %s.", ", ".join(f"{h} {percent(r)}" for h, r in found.items()))
    if len(found) < len(missing):
        log.info("Taux BCE pas encore publiés : %s.", ", ".join(h for h in missing if h not in found))
    if not found:
        return settings
    return replace(settings, penalty_rates=replace(rates, ecb={**rates.ecb, **found}))


def _remember_attempt(folder: Folder, stored: StoredRates, now: datetime) -> None:
    try:
        write_stored(folder.ecb_rates, replace(stored, attempted_at=now))
    except OSError as error:  # a read-only folder: the next run tries again, no harm
        log.debug("Tentative non notée dans %s : %s", folder.ecb_rates.name, error)


def fetch_command(folder: Folder, settings: Settings, now: datetime, out: TextIO) -> int:
    """`taux`: fetch the ECB rate of every half-year since 2009 and say which half-years were added."""
    since = portal.FIRST_DAY - MARGIN
    derived, before = fetch_and_store(folder, settings.ecb_source, since, now, COMMAND_TIMEOUT)
    source = settings.ecb_source or portal.ECB_SOURCE
    out.write(
        f"Taux BCE lus sur {source} le {now.strftime('%d/%m/%Y')}, enregistrés dans "
        f"{folder.show(folder.ecb_rates)}.\n"
    )
    added = {half: rate for half, rate in derived.items() if half not in before.rates}
    if added:
        out.write("Semestres ajoutés :\n")
        for first, last, rate in _runs(added):
            out.write(f"  {first if first == last else f'{first} à {last}'} : {percent(rate)}\n")
    else:
        latest = max(derived, default="")
        out.write(f"Aucun semestre nouveau{f' (le dernier est {latest})' if latest else ''}.\n")
    for half in sorted(derived):
        old, new, mine = before.rates.get(half), derived[half], settings.penalty_rates.ecb.get(half)
        if old is not None and old != new:
            out.write(f"Taux corrigé par la BCE : {half} {percent(new)} au lieu de {percent(old)}.\n")
        if half in settings.ecb_written and mine is not None and mine != new:
            out.write(
                f"{half} : relance.toml donne {percent(mine)}, la BCE {percent(new)} ; c'est le taux de "
                "relance.toml qui s'applique (retirez-le de [penalites] taux_bce pour suivre la BCE).\n"
            )
    current = half_year(now.date())
    if current not in derived and current not in settings.penalty_rates.ecb:
        out.write(
            f"Le taux du {current} n'est pas encore dans les données de la BCE : réessayez plus tard.\n"
        )
    return 0


def _runs(rates: Mapping[str, Decimal]) -> list[tuple[str, str, Decimal]]:
    """Consecutive half-years at one rate as (first, last, rate): 36 lines would say less."""
    runs: list[tuple[str, str, Decimal]] = []
    for half in sorted(rates):
        rate = rates[half]
        if runs and runs[-1][2] == rate and _next(runs[-1][1]) == half:
            runs[-1] = (runs[-1][0], half, rate)
        else:
            runs.append((half, half, rate))
    return runs


def _next(half: str) -> str:
    year, part = half.split("-S")
    return f"{year}-S2" if part == "1" else f"{int(year) + 1}-S1"


def _toml_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def percent(rate: Decimal) -> str:
    """2,15 % (a plain space: consoles may lack the no-break one)."""
    return f"{rate:.2f}".replace(".", ",") + " %"
