"""Expired quotes in a run: the `devis*` files of input/ read and the follow-ups of the day computed — or
nothing at all without such a file (no sheet, no behaviour change). With [[societes]], each quote is its
company's: read with its « Société » column, followed up with that company's customers and history."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from app.folder import Folder
from models.calendar import DayCounter
from models.filters import Filters
from models.quotes import QuoteHistory, QuoteKey, QuoteProposal, follow_ups_by_company
from models.records import Customer
from models.settings import Settings
from sources.companies import CompanyColumn
from sources.quotes import QuoteExports, quote_files, read_quotes

log = logging.getLogger("relance")


def read_quote_files(
    folder: Folder, settings: Settings, companies: CompanyColumn | None
) -> QuoteExports | None:
    """The quotes of input/'s devis* files; None without such a file. `companies` ([[societes]]): the
    « Société » column reader, whose problems (rows naming no company) the exports' reading tells."""
    paths = quote_files(folder.input)
    return read_quotes(paths, settings, companies) if paths else None


def current_quotes(
    read: QuoteExports | None,
    settings: Settings,
    today: date,
    customers: Mapping[str, Mapping[str, Customer]],
    history: Mapping[QuoteKey, QuoteHistory],
    *,
    counter: DayCounter,
    scope: Filters,
    has_clients_file: bool,
) -> QuoteProposal | None:
    """The quotes read and those to follow up on `today`; None when input/ has no devis* file.
    `customers`: each company prepared, in order, with its customers by code ({"": customers} with one
    company); `history`: the journal's quote follow-ups by (company, number)."""
    if read is None:
        return None
    lines, anomalies = follow_ups_by_company(
        read.quotes, history, customers, settings.quotes, today,
        counter=counter, scope=scope, has_clients_file=has_clients_file,
    )  # fmt: skip
    log.info("  %d devis lus, %d échus à relancer", len(read.quotes), len(lines))
    return QuoteProposal(read.quotes, lines, read.anomalies + anomalies, read.files, read.files_report)
