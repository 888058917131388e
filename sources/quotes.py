"""The quotes exports (`devis*` files of input/), read column by column into Quote records, with anomalies.

Read only when such a file is there: without one, Relance does exactly what it did before. With
[[societes]], every row names its company in a « Société » column, read as the invoices' is
(sources/companies.py); a quote number is then unique within its company only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.errors import RelanceError
from models.quotes import ACCEPTED, CANCELLED, PENDING, REFUSED, Quote
from models.records import Anomaly, FileReport, Source
from models.settings import Settings
from models.text import fold
from sources import vectors
from sources.cells import text_of
from sources.checks import Sheet
from sources.columns import find_layout, known_titles
from sources.companies import CompanyColumn
from sources.exports import kind_of
from sources.tables import read_table
from sources.vectors import BAD, EMPTY, NO_DAY

_HEAD = 20

# Statuses of the quoting tools, folded (no case, no accents); an empty cell is a pending quote.
_STATUSES = (
    (PENDING, re.compile(r"(?:en )?attente(?: .*)?|en cours|envoyee?s?|a relancer")),
    (ACCEPTED, re.compile(r"(?:acceptee?|signee?|gagnee?|transformee?|facturee?)s?(?: .*)?")),
    (REFUSED, re.compile(r"(?:refusee?|perdue?)s?(?: .*)?")),
    (CANCELLED, re.compile(r"(?:annulee?|abandonnee?)s?(?: .*)?")),
)
UNKNOWN = "unknown"
_UNKNOWN_STATUS = (
    "Statut de devis inconnu : ligne ignorée (statuts compris : En attente, En cours, Envoyé ; Accepté, "
    "Signé, Gagné, Transformé, Facturé ; Refusé, Perdu ; Annulé, Abandonné)."
)


def quote_status(value: object) -> str:
    """PENDING (also for an empty cell), ACCEPTED, REFUSED, CANCELLED, or UNKNOWN."""
    text = fold(text_of(value))
    if not text:
        return PENDING
    for status, pattern in _STATUSES:
        if pattern.fullmatch(text):
            return status
    return UNKNOWN


@dataclass(frozen=True)
class QuoteExports:
    """What the quote files say, as read: the quotes, the anomalies, and each file's count of lines."""

    quotes: tuple[Quote, ...]
    anomalies: tuple[Anomaly, ...]
    files: tuple[str, ...]  # names of the files read, in the order read
    files_report: dict[str, FileReport] = field(default_factory=dict)


def quote_files(input_dir: Path) -> list[Path]:
    """The `devis*` files of the folder (xlsx, xls, ods, csv, txt), sorted by name; [] when none."""
    try:
        entries = sorted(input_dir.iterdir(), key=lambda p: (p.name.casefold(), p.name))
    except OSError as error:
        raise RelanceError(f"Le dossier {input_dir} ne peut pas être lu ({error}).") from None
    return [path for path in entries if path.is_file() and kind_of(path.name) == "devis"]


def read_quotes(paths: list[Path], settings: Settings, companies: CompanyColumn | None = None
                ) -> QuoteExports:
    """Read every quote file; RelanceError when one cannot be opened or lacks a required column.
    `companies` ([[societes]]): reads each row's company; a row naming none is one of its problems, for
    the caller to tell with the exports' (sources.read_exports)."""
    quotes: list[Quote] = []
    anomalies: list[Anomaly] = []
    reports: dict[str, FileReport] = {}
    seen: dict[tuple[str, str], tuple[str, int]] = {}  # (company, number) -> the file and line giving it
    for path in paths:
        table = read_table(path, known_titles("devis", settings))
        layout = find_layout("devis", table.head(_HEAD), path.name, settings)
        sheet = Sheet(table, path.name, layout, "devis")
        read = companies.read(sheet) if companies else None
        codes = np.full(len(sheet), "", dtype=object)
        if read is not None:  # a row naming no company is a problem, never the duplicate of another
            codes = np.where(read[0] == "", None, read[0])
        quotes.extend(_read(sheet, seen, codes))
        if companies:  # the rows left, none guessed: every one names a company of relance.toml
            companies.check(sheet, read)
        anomalies.extend(anomaly for _, _, anomaly in sheet.anomalies())
        reports[path.name] = sheet.report()
    return QuoteExports(tuple(quotes), tuple(anomalies), tuple(p.name for p in paths), reports)


def _read(sheet: Sheet, seen: dict[tuple[str, str], tuple[str, int]], company: np.ndarray) -> list[Quote]:
    """The quotes of one file (`company`: each row's code, "" with one company, None when the row names
    none); a line that cannot be a quote is dropped with its anomaly."""
    n = len(sheet)
    number = vectors.texts(sheet.column("numero"))
    sheet.drop(number == "", "numero", "Numéro de devis vide : ligne ignorée.")
    customer = vectors.texts(sheet.column("client"), shared=True)
    sheet.drop(customer == "", "client", "Code client vide : ligne ignorée.")
    _duplicates(sheet, number, company, seen)
    valid, state = vectors.days(sheet.column("validite"))
    sheet.drop(state == EMPTY, "validite", "Date de validité vide : ligne ignorée.")
    sheet.drop(state == BAD, "validite", "Date de validité illisible : ligne ignorée.")
    issued, state = vectors.days(sheet.column("date"))
    sheet.warn(state == BAD, "date", "Date illisible : date du devis laissée vide.")
    issued[state != 0] = NO_DAY
    amount, state = vectors.amounts(sheet.column("montant"))
    sheet.drop(state == EMPTY, "montant", "Montant vide : ligne ignorée.")
    sheet.drop(state == BAD, "montant", "Montant illisible : ligne ignorée.")
    column = sheet.column("statut")
    status = vectors.mapped(column, quote_status) if column is not None else np.full(n, PENDING, dtype=object)
    sheet.drop(status == UNKNOWN, "statut", _UNKNOWN_STATUS)
    name = vectors.texts(sheet.column("nom")) if sheet.column("nom") is not None else np.full(n, "", object)
    quotes = []
    for row in np.flatnonzero(sheet.alive):
        line = int(sheet.first[row])
        seen.setdefault((company[row], number[row]), (sheet.file, line))
        quotes.append(Quote(
            number=number[row], customer_code=customer[row], customer_name=name[row],
            date=None if issued[row] == NO_DAY else vectors.from_day_number(int(issued[row])),
            valid_until=vectors.from_day_number(int(valid[row])), amount=vectors.to_decimal(int(amount[row])),
            status=status[row], source=Source(sheet.file, line), company=company[row] or "",
        ))  # fmt: skip
    return quotes


def _duplicates(
    sheet: Sheet, number: np.ndarray, company: np.ndarray, seen: dict[tuple[str, str], tuple[str, int]]
) -> None:
    """A quote number its company gave before (in this file or an earlier one) is reported and its line
    left out; another company may number alike."""
    messages = np.full(len(number), "", dtype=object)
    again = np.zeros(len(number), dtype=bool)
    first: dict[tuple[str, str], tuple[str, int]] = {}
    for row in np.flatnonzero(sheet.alive):
        if company[row] is None:
            continue
        key = (company[row], number[row])
        origin = seen.get(key) or first.get(key)
        if origin is None:
            first[key] = (sheet.file, int(sheet.first[row]))
            continue
        again[row] = True
        messages[row] = f"Numéro de devis déjà présent ({origin[0]} ligne {origin[1]}) : ligne ignorée."
    sheet.drop(again, "numero", messages)
