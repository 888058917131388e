"""Run one command of the command line once its arguments are parsed: the double-click's choice too.

Each command imports its own modules when it runs: `preparer` does not load the letters, PDF and mail
machinery of `envoyer`, which would add half a second to every preparation.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TextIO

from app.config import RunConfig
from app.demo import needs_setup
from app.folder import Folder
from app.options import SendOptions
from journal import Journal
from models.companies import senders

log = logging.getLogger("relance")


@dataclass(frozen=True)
class Request:
    """What the user asked for, already checked by the parser."""

    command: str  # preparer, envoyer, annuler, taux, planifie, suivant (the double-click)
    today: date
    options: SendOptions
    lot: str = ""
    quiet: bool = False


def run(
    request: Request,
    folder: Folder,
    config: RunConfig,
    now: Callable[[], datetime],
    out: TextIO,
    ask: Callable[[str], str] | None,
    *,
    secret: Callable[[str], str] | None = None,
) -> tuple[int, dict[str, int]]:
    """The exit code and a few counts for the journal's list of runs."""
    command = request.command
    settings = config.settings
    if command == "suivant" and ask is not None and any(needs_setup(folder, c) for c in senders(settings)):
        # The first double-click: no sender of one's own yet (or the demo's), or no .env.
        out.write(
            "Relance n'est pas encore configurée pour votre société (l'expéditeur des lettres, l'envoi "
            "des emails).\n"
        )
        if _yes(ask, "La configurer maintenant ? [O/n] "):
            from app.configure import configure

            return configure(folder, ask, secret, out), {}
    if command == "annuler":
        from app.cancel import cancel

        cancel(folder, request.lot, now(), out, confirmed=request.options.yes, ask=ask)
        return 0, {}
    if command == "taux":
        from app.rates import fetch_command

        return fetch_command(folder, settings, now(), out), {}
    if command == "planifie":
        from app.scheduled import scheduled_run

        return scheduled_run(folder, config, request.today, now, out), {}
    if command == "envoyer" or (command == "suivant" and _validated_waiting(folder, out, ask)):
        from app.send import send

        return send(folder, config, request.today, now, out, request.options, ask), {}
    if command == "suivant" and folder.proposals() and _something_waits(folder) and not _prepare_instead(ask):
        return 0, {}
    from app.prepare import prepare, summary

    prepared = prepare(folder, settings, request.today, now())
    summary(prepared, folder, out, quiet=request.quiet)
    if ask is not None and settings.open_proposal:
        _open_in_excel(prepared.path)
    proposal = prepared.proposal
    counts = {"clients": len(proposal.chased), "anomalies": len(proposal.anomalies)}
    if proposal.quotes is not None:
        counts["devis"] = len(proposal.quotes.chased)
    return 0, counts


def _validated_waiting(folder: Folder, out: TextIO, ask: Callable[[str], str] | None) -> bool:
    """The double-click's question: is there a validated proposal to send? If one waits for
    validation instead, say so (which file, which cell); if the newest proposes nothing, say that."""
    from app.proposals import check_formats, newest

    check_formats(folder)  # the accountant's changes saved as .ods or under another name: said first
    if not folder.proposals():
        return False
    lots = []
    if Journal.exists(folder.journal):
        with Journal.open(folder.journal) as journal:
            lots = journal.lots(limit=None)
    first = newest(folder, lots)
    state = first.status
    assert state is not None
    if state.validated:
        return True
    if state.to_chase == 0:
        out.write(
            f"La proposition {folder.show(first.path)} ne propose aucune relance : rien à envoyer. "
            "Une nouvelle proposition est préparée.\n"
        )
        return False
    out.write(
        f"La proposition {folder.show(first.path)} attend votre validation : mettez Oui dans la cellule "
        f"{state.validated_cell} (« Envoi validé ») de l'onglet Synthèse, enregistrez, "
        "puis relancez Relance.\n"
    )
    return False


def _something_waits(folder: Folder) -> bool:
    """A proposal that proposes something waits for validation (an empty one is simply replaced)."""
    from app.proposals import waiting

    found = waiting(folder)
    return bool(found) and (found[0].status is None or found[0].status.to_chase != 0)


def _yes(ask: Callable[[str], str], question: str) -> bool:
    return ask(question).strip().lower() in ("", "o", "oui")


def _prepare_instead(ask: Callable[[str], str] | None) -> bool:
    if ask is None:
        return False
    return ask("Préparer plutôt une nouvelle proposition ? [o/N] ").strip().lower() in ("o", "oui")


def _open_in_excel(path: os.PathLike[str]) -> None:
    """On Windows, open the new proposal in Excel for the person who asked for it."""
    if sys.platform != "win32":
        return
    try:
        os.startfile(path)  # type: ignore[attr-defined]
    except OSError as error:  # no program for .xlsx: the path was printed anyway
        log.warning("La proposition n'a pas pu être ouverte (%s).", error)
