"""Expired quotes in a run: the `devis*` files of input/ read and the follow-ups of the day computed — or
nothing at all without such a file (no sheet, no behaviour change)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

from app.folder import Folder
from models.calendar import DayCounter
from models.filters import Filters
from models.quotes import QuoteHistory, QuoteProposal, follow_ups
from models.records import Anomaly, Customer
from models.settings import Settings
from sources.quotes import quote_files, read_quotes

log = logging.getLogger("relance")


def current_quotes(
    folder: Folder,
    settings: Settings,
    today: date,
    customers: Mapping[str, Customer],
    history: Mapping[str, QuoteHistory],
    *,
    counter: DayCounter,
    scope: Filters,
    has_clients_file: bool,
) -> QuoteProposal | None:
    """The quotes of input/ and those to follow up on `today`; None when input/ has no devis* file.
    `history`: the journal's quote follow-ups by quote number."""
    paths = quote_files(folder.input)
    if not paths:
        return None
    if settings.companies:
        # Not yet: a quote would need its company (a « Société » column) to be sent on the right letterhead.
        names = ", ".join(path.name for path in paths)
        message = (
            "Le suivi des devis n'est pas encore possible avec plusieurs sociétés ([[societes]] dans "
            f"relance.toml) : {names} n'est pas lu et aucun devis n'est relancé."
        )
        log.warning(message)
        return QuoteProposal((), (), (Anomaly(paths[0].name, None, "", "", message),))
    read = read_quotes(paths, settings)
    lines, anomalies = follow_ups(
        read.quotes, history, customers, settings.quotes, today,
        counter=counter, scope=scope, has_clients_file=has_clients_file,
    )  # fmt: skip
    log.info("  %d devis lus, %d échus à relancer", len(read.quotes), len(lines))
    return QuoteProposal(read.quotes, lines, read.anomalies + anomalies, read.files, read.files_report)
