"""`--planifie`, what the weekly task runs: never asks; sends what was validated, else prepares and notifies.

Levels depend on dates and the journal only, so a run after missed weeks is an ordinary run, and a
second run on the same day finds today's proposal already waiting and does nothing. Only the newest
proposal may be sent: older ones, and one prepared before the last lot, are archived as « remplacée »
and the notification says so.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from datetime import date, datetime
from typing import TextIO

from app.config import RunConfig
from app.folder import Folder
from app.notify import notify, notify_incomplete
from app.options import SendOptions
from app.prepare import prepare, summary
from app.proposals import Waiting, before_last_lot, check_formats, waiting
from app.send import SOME_FAILED, send
from journal import Journal
from models.errors import RelanceError

log = logging.getLogger("relance")


def scheduled_run(
    folder: Folder, config: RunConfig, today: date, now: Callable[[], datetime], out: TextIO
) -> int:
    """One unattended step; the exit code, for the Task Scheduler's « Last Run Result »."""
    check_formats(folder)
    proposals = waiting(folder)
    replaced: list[str] = []
    if proposals:
        first = proposals[0]
        if first.status is None:  # open in Excel: being edited, leave it alone
            raise RelanceError(
                f"La proposition {folder.show(first.path)} est ouverte dans Excel ou LibreOffice : "
                "fermez-la ; le prochain passage la traitera."
            )
        lots = []
        if Journal.exists(folder.journal):
            with Journal.open(folder.journal) as journal:
                lots = journal.lots(limit=None)
        outdated = before_last_lot(folder, first, lots)
        keep = not outdated and (first.status.validated or first.status.reference_date == today)
        for older in proposals[1:] if keep else proposals:
            why = "plus ancienne que la dernière" if older is not first else "préparée avant le dernier envoi"
            replaced.append(_supersede(folder, older, why, out))
        if keep and first.status.validated:
            log.info("Proposition validée trouvée : envoi de %s", folder.show(first.path))
            code = send(folder, config, today, now, out, SendOptions(yes=True), ask=None)
            if code == SOME_FAILED:  # nobody watches: the accountant hears of it by email
                _tell_incomplete(folder, config, first.path.name, out)
            if replaced:
                out.write("Ces propositions n'ont pas été envoyées : " + " ; ".join(replaced) + ".\n")
            return code
        if keep:
            state = "ne propose aucune relance" if first.status.to_chase == 0 else "attend déjà sa validation"
            out.write(f"La proposition du jour {folder.show(first.path)} {state} : rien à faire.\n")
            return 0
    prepared = prepare(folder, config.settings, today, now())
    summary(prepared, folder, out)
    quotes = prepared.proposal.quotes
    if prepared.proposal.chased or (quotes and quotes.chased) or replaced:
        notes: list[str] = []
        notify(folder, config, prepared.proposal, prepared.path, notes, replaced)
        for note in notes:
            out.write(note + "\n")
    return 0


def _tell_incomplete(folder: Folder, config: RunConfig, proposal: str, out: TextIO) -> None:
    """Notify the failed or uncertain reminders of the send; a notification that cannot leave is said,
    and the run keeps the exit code of its send."""
    notes: list[str] = []
    try:
        notify_incomplete(folder, config, proposal, notes)
    except RelanceError as error:
        notes.append(error.message)
    for note in notes:
        out.write(note + "\n")


def _supersede(folder: Folder, proposal: Waiting, why: str, out: TextIO) -> str:
    """Move a proposal that will never be sent to output/archives/ as « remplacée »; say so."""
    path = proposal.path
    folder.archives.mkdir(parents=True, exist_ok=True)
    target = folder.free_path(folder.archives, f"{path.stem}_remplacee", path.suffix)
    shutil.move(path, target)
    validated = proposal.status is not None and proposal.status.validated
    what = "validée mais " if validated else ""
    line = f"{path.name} ({what}{why}) rangée dans {folder.show(target)}"
    out.write(f"Proposition remplacée : {line}.\n")
    return line
