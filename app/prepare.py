"""The `preparer` command: read the exports and the journal, build the proposal, write the workbook."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from app.folder import Folder
from app.quotes import current_quotes, read_quote_files
from app.rates import with_needed_rates
from journal import read_letters, read_quote_history
from models.calendar import DayCounter
from models.companies import company_key
from models.filters import Filters
from models.group import letters_of, merge
from models.proposal import Proposal, build_proposal
from models.quotes import QuoteHistory, QuoteKey
from models.records import ZERO, Customer
from models.sequence import Letter
from models.settings import CHANNELS, Settings
from models.text import plain_amount
from sources import Exports, read_exports
from sources.calendar import french_holidays
from sources.companies import CompanyColumn, split_frames
from sources.frames import Frames
from sources.to_records import customers as customer_records
from workbook.writer import write_proposal

log = logging.getLogger("relance")


@dataclass(frozen=True)
class Prepared:
    """What `preparer` did: the proposal and where it was written."""

    proposal: Proposal
    path: Path


def current_proposal(
    folder: Folder,
    settings: Settings,
    today: date,
    letters: Sequence[Letter],
    *,
    fetch_rates_at: datetime | None = None,
    quote_history: Mapping[QuoteKey, QuoteHistory] | None = None,
) -> tuple[Proposal, tuple[str, ...]]:
    """Read the exports of input/ and compute the proposal for `today` (with the readers' anomalies);
    also the names of the files read. `letters` are the journal's, completed here by any `relances` file.
    `fetch_rates_at` (preparer): the time to fetch an ECB rate the late invoices need, when missing.
    `quote_history`: the journal's quote follow-ups by (company, number), for any devis* file's quotes."""
    log.info("Lecture des exports de %s", folder.show(folder.input))
    # [[societes]]: the rows of the quote files naming no company are told with those of the exports
    companies = CompanyColumn(settings) if settings.companies else None
    quote_exports = read_quote_files(folder, settings, companies)
    exports = read_exports(folder.input, settings, companies)
    invoices = exports.frames.invoices  # frames: records only for what the workbook shows
    if fetch_rates_at is not None:
        settings = with_needed_rates(folder, settings, _earliest_due(invoices, today), today, fetch_rates_at)
    files = tuple(name for names in exports.files.values() for name in names)
    log.debug("  fichiers : %s", ", ".join(files))
    log.info(
        "  %d factures, %d règlements, %d clients lus",
        len(invoices),
        len(exports.frames.payments),
        len(exports.frames.customers),
    )
    counter = _day_counter(settings, invoices, today)
    parts = _chosen(exports, settings)
    if settings.companies:
        proposal = _companies(parts, exports, letters, settings, today, counter)
    else:
        proposal = _proposal(exports, letters, settings, today, counter)
    anomalies = exports.anomalies + proposal.anomalies
    reports = exports.files_report
    quotes = current_quotes(
        quote_exports, settings, today, _quote_customers(exports, parts, settings) if quote_exports else {},
        quote_history or {}, counter=counter,
        scope=replace(proposal.scope, companies=()) if settings.companies else proposal.scope,
        has_clients_file=bool(exports.files.get("clients")),
    )  # fmt: skip
    if quotes is not None:
        anomalies += quotes.anomalies
        reports = {**reports, **quotes.files_report}
        files += quotes.files
    return replace(proposal, anomalies=anomalies, files=reports, quotes=quotes), files


def _chosen(exports: Exports, settings: Settings) -> list[tuple[str, Frames]]:
    """[[societes]]: the exports of each company to prepare (none with one company); a filter on the
    company (`--societe`, [filtres] societe) chooses which companies are prepared."""
    if not settings.companies:
        return []
    wanted = {company_key(code) for code in settings.filters.companies}
    return [(code, frames) for code, frames in split_frames(exports.frames, settings)
            if not wanted or company_key(code) in wanted]  # fmt: skip


def _companies(
    chosen: list[tuple[str, Frames]], exports: Exports, letters: Sequence[Letter], settings: Settings,
    today: date, counter: DayCounter,
) -> Proposal:  # fmt: skip
    """[[societes]]: each company chosen as the simple case of one, then one proposal of them all."""
    scope = replace(settings.filters, companies=())
    parts = []
    for code, frames in chosen:
        part = Exports(frames, (), exports.files)
        parts.append((code, _proposal(part, letters_of(letters, code), settings, today, counter, scope)))
    return merge(parts, settings, today)


def _quote_customers(
    exports: Exports, chosen: list[tuple[str, Frames]], settings: Settings
) -> dict[str, dict[str, Customer]]:
    """The customers a quote is looked up in: those of each company chosen (its own, and those of every
    company), or the one company's ({"": …})."""
    if not settings.companies:
        return {"": exports.customers}
    return {code: customer_records(frames.customers) for code, frames in chosen}


def _proposal(
    exports: Exports, letters: Sequence[Letter], settings: Settings, today: date, counter: DayCounter,
    scope: Filters | None = None,
) -> Proposal:  # fmt: skip
    return build_proposal(
        exports.frames.invoices,
        exports.frames.payments,
        exports.customers,
        letters,
        settings,
        today,
        past=exports.past_reminders,
        has_clients_file=bool(exports.files.get("clients")),
        counter=counter,
        scope=scope,
    )


def _earliest_due(invoices: pd.DataFrame, today: date) -> date | None:
    """The oldest due date of an invoice the export says is still (partly) due and already late."""
    known, paid = invoices["remaining"], invoices["paid"]
    balance = np.where(
        known.notna().to_numpy(),
        known.to_numpy(dtype=np.int64, na_value=0),
        invoices["amount"].to_numpy(dtype=np.int64) - paid.to_numpy(dtype=np.int64, na_value=0),
    )
    due = invoices["due"].to_numpy()
    late = due[(balance > 0) & (due < np.datetime64(today))]
    return pd.Timestamp(late.min()).date() if len(late) else None


def _day_counter(settings: Settings, invoices: pd.DataFrame, today: date) -> DayCounter:
    """Calendar days, or working days without the French public holidays of every year concerned."""
    if settings.counting == "calendaires":
        return DayCounter()
    due = invoices["due"].dropna()
    first = int(due.min().year) if len(due) else today.year
    years = range(min(first, today.year) - 1, today.year + 2)
    return DayCounter(settings.counting, french_holidays(years, settings.region))


def prepare(folder: Folder, settings: Settings, today: date, now: datetime) -> Prepared:
    """Build the proposal for `today` and write it as a new workbook in output/."""
    letters = read_letters(folder.journal)
    proposal, files = current_proposal(
        folder, settings, today, letters, fetch_rates_at=now, quote_history=read_quote_history(folder.journal)
    )
    folder.ensure_output()
    path = folder.new_proposal_path(today)
    log.info("Écriture de %s", folder.show(path))
    write_proposal(proposal, path, prepared_at=now, proposal_id=uuid.uuid4().hex, files=files)
    return Prepared(proposal, path)


def summary(prepared: Prepared, folder: Folder, out: TextIO, quiet: bool = False) -> None:
    """The few lines a user reads after `preparer`, in French."""
    proposal = prepared.proposal
    out.write(f"Proposition écrite : {folder.show(prepared.path)}\n")
    if quiet:
        return
    chased = proposal.chased
    if chased:
        invoices = [i for c in chased for i in c.invoices if i.include]
        amount = sum((i.remaining for i in invoices), ZERO)
        levels = Counter(c.level for c in chased)
        channels = Counter(c.channel for c in chased)
        out.write(
            f"  {_count(len(chased), 'client')} à relancer ({_count(len(invoices), 'facture')}, "
            f"{plain_amount(amount)}) : "
            + ", ".join(f"niveau {level} : {n}" for level, n in sorted(levels.items()))
            + "\n"
        )
        if proposal.settings.companies:  # [[societes]]: how many of each company
            by_company = Counter(c.customer.company for c in chased)
            out.write("  Par société : " + ", ".join(
                f"{company.code} {by_company[company.code]}" for company in proposal.settings.companies
            ) + "\n")  # fmt: skip
        out.write(
            "  Canaux : "
            + ", ".join(f"{CHANNELS[code].lower()} {n}" for code, n in sorted(channels.items()))
            + "\n"
        )
    else:
        out.write("  Aucun client à relancer aujourd'hui.\n")
    if proposal.scope and not proposal.customers:  # a filter that keeps nobody is most likely mistyped
        out.write(
            f"  Aucun client ne reste avec les filtres ({' ; '.join(proposal.scope.describe())}) : "
            "vérifiez-les (options de la commande, ou [filtres] de relance.toml).\n"
        )
    waiting = [c for c in proposal.customers if not c.chase and c.total_overdue > 0]
    if waiting:
        out.write(f"  {_count(len(waiting), 'client')} en retard non relancé(s) : voir la colonne Motif.\n")
    quotes = proposal.quotes.chased if proposal.quotes else ()
    if quotes:
        out.write(f"  {_count(len(quotes), 'devis')} échu(s) à relancer : voir l'onglet Devis.\n")
    if proposal.anomalies:
        out.write(
            f"  {_count(len(proposal.anomalies), 'anomalie')} dans les données : voir l'onglet Anomalies.\n"
        )
    if chased or quotes:
        out.write(
            "Ouvrez le fichier, vérifiez-le, mettez « Envoi validé » à Oui, enregistrez, "
            "puis relancez Relance pour envoyer.\n"
        )


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 and not word.endswith('s') else ''}"
