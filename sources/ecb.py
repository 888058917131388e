"""The ECB main refinancing rate from the ECB Data Portal: one HTTP GET, its SDMX CSV read by column names.

The series is FM.D.U2.EUR.4F.KR.MRR_FR.LEV of the ECB Data Portal's SDMX REST API: dataflow FM
(financial markets), D daily, U2 euro area, EUR, 4F the ECB, KR key interest rate, MRR_FR main
refinancing operations fixed rate, LEV level (% a year). The daily series gives the rate of each day,
so the rate in force on 1 January or 1 July is read on that very day; the business-day series (B…)
lists the dates of changes only, which cannot show that nothing changed after its last point (see
models.penalties.rates_in_force, which accepts both and only derives the days the data proves).

The query adds `format=csvdata` (a CSV with one header row), `detail=dataonly` (no attributes) and
`startPeriod` / `endPeriod` (AAAA-MM-JJ). Columns are found by their names: TIME_PERIOD (the day) and
OBS_VALUE (the rate); KEY, when present, must name one series; every other column is ignored.
"""

from __future__ import annotations

import csv
import http.client
import io
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from decimal import Decimal, InvalidOperation

from models.errors import RelanceError

ECB_SOURCE = "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV"

# The MRR_FR series has a value again since fixed-rate tenders came back on 15 October 2008 (variable
# tenders with a minimum bid rate before, another series): earlier half-years are set by hand.
FIRST_DAY = date(2009, 1, 1)

MAX_BYTES = 10_000_000  # about 20 years of the daily series with every column; a bigger answer is wrong
CHUNK = 65_536


class EcbError(RelanceError):
    """The ECB rate could not be fetched or read: nothing was changed."""


def query_url(source: str, since: date, until: date) -> str:
    """The source URL with the CSV format and the period asked for."""
    parameters = urllib.parse.urlencode(
        {"format": "csvdata", "detail": "dataonly", "startPeriod": since.isoformat(),
         "endPeriod": until.isoformat()}
    )  # fmt: skip
    return f"{source}{'&' if '?' in source else '?'}{parameters}"


def fetch_rates(source: str, since: date, until: date, timeout: float) -> list[tuple[date, Decimal]]:
    """The observations (day, rate %) of the series at `source` (empty: the ECB's) from `since` to
    `until`; EcbError, one French sentence, when the site cannot be reached or its answer is not usable.
    `timeout` bounds the whole exchange, in seconds."""
    url = query_url(source or ECB_SOURCE, since, until)
    host = urllib.parse.urlsplit(url).netloc or url
    return parse_rates(_get(url, host, timeout), host)


def parse_rates(text: str, host: str) -> list[tuple[date, Decimal]]:
    """The observations of an SDMX CSV answer (`host` names the site in messages), in file order."""
    if text.lstrip().startswith("<"):
        raise _unusable(f"le site {host} a renvoyé une page web au lieu des taux en CSV (vérifiez "
                        "[penalites] source_bce dans relance.toml)")  # fmt: skip
    rows = csv.reader(io.StringIO(text))
    header = [name.strip() for name in next(rows, [])]
    if "TIME_PERIOD" not in header or "OBS_VALUE" not in header:
        found = ", ".join(name for name in header if name)[:200] or "aucune"
        raise _unusable(f"la réponse de {host} n'a pas les colonnes TIME_PERIOD et OBS_VALUE "
                        f"(colonnes trouvées : {found})")  # fmt: skip
    day_at, value_at = header.index("TIME_PERIOD"), header.index("OBS_VALUE")
    key_at = header.index("KEY") if "KEY" in header else None
    observations: list[tuple[date, Decimal]] = []
    seen: set[date] = set()
    keys: set[str] = set()
    for line, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):  # a value holding an unquoted comma, or a line cut short
            raise _unusable(f"la ligne {line} de la réponse de {host} n'a pas autant de colonnes que son "
                            f"en-tête ({len(row)} au lieu de {len(header)})")  # fmt: skip
        if key_at is not None:
            keys.add(row[key_at].strip())
            if len(keys) > 1:
                raise _unusable(f"la réponse de {host} mêle plusieurs séries ({', '.join(sorted(keys))}) : "
                                "[penalites] source_bce doit désigner une seule série")  # fmt: skip
        text_day, text_value = row[day_at].strip(), row[value_at].strip()
        try:
            day = date.fromisoformat(text_day)
        except ValueError:
            raise _unusable(f"la réponse de {host} donne « {text_day} » comme date (ligne {line}), "
                            "au lieu d'un jour AAAA-MM-JJ d'une série quotidienne") from None  # fmt: skip
        if not text_value:  # SDMX: no observation that day
            continue
        try:
            rate = Decimal(text_value)
        except InvalidOperation:
            rate = Decimal("NaN")
        if not rate.is_finite() or not Decimal("-10") < rate < Decimal("100"):
            raise _unusable(f"la réponse de {host} donne « {text_value[:40]} » comme taux du "
                            f"{day.strftime('%d/%m/%Y')}, qui n'est pas un taux en %")  # fmt: skip
        if day in seen:
            raise _unusable(f"la réponse de {host} donne deux taux pour le {day.strftime('%d/%m/%Y')}")
        seen.add(day)
        observations.append((day, rate))
    if not observations:
        raise _unusable(f"la réponse de {host} ne contient aucun taux")
    return observations


def _get(url: str, host: str, timeout: float) -> str:
    """The body of the answer to GET `url`, within `timeout` seconds in all."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"Accept": "text/csv, */*;q=0.5", "User-Agent": "Relance"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            charset = response.headers.get_content_charset() or "utf-8"
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise _unusable(f"la réponse de {host} est bien trop longue pour une série de taux")
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
    except urllib.error.HTTPError as error:
        if error.code == 404:  # the SDMX API's answer to a query that matches no observation, too
            raise _unusable(f"le site {host} ne connaît pas cette série, ou aucun taux pour cette période "
                            "(erreur HTTP 404)") from None  # fmt: skip
        raise _unusable(f"le site {host} a répondu par l'erreur HTTP {error.code}") from None
    except TimeoutError:
        seconds = f"{timeout:g}".replace(".", ",")
        raise _unusable(f"le site {host} n'a pas répondu dans les {seconds} secondes") from None
    except urllib.error.URLError as error:
        raise _unusable(f"le site {host} est injoignable ({_reason(error.reason)})") from None
    except (OSError, http.client.HTTPException) as error:  # cut off, or not an HTTP server
        raise _unusable(f"le site {host} est injoignable ({_reason(error)})") from None
    except ValueError:
        raise _unusable(f"l'adresse {url} n'est pas valable (voir [penalites] source_bce)") from None
    try:
        return b"".join(chunks).decode(charset, errors="strict").lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError):
        raise _unusable(f"la réponse de {host} n'est pas du texte lisible") from None


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "délai dépassé"
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(reason, socket.gaierror):
        return "adresse introuvable : pas de connexion à Internet ?"
    text = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return text[:120]


def _unusable(reason: str) -> EcbError:
    return EcbError(f"Taux BCE non récupérés : {reason}.")
