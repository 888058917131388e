"""`--planifie`, what the weekly task runs: never asks; sends what was validated, else prepares and notifies.

Levels depend on dates and the journal only, so a run after missed weeks is an ordinary run, and a
second run on the same day finds today's proposal already waiting and does nothing.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from datetime import date, datetime
from typing import TextIO

from app.folder import Folder
from app.notify import notify
from app.prepare import prepare, summary
from app.send import SendOptions, latest_proposal, send
from models.settings import Settings
from workbook.reader import read_status

log = logging.getLogger("relance")


def scheduled_run(
    folder: Folder, settings: Settings, today: date, now: Callable[[], datetime], out: TextIO
) -> int:
    """One unattended step; the exit code, for the Task Scheduler's « Last Run Result »."""
    if folder.proposals():
        latest = latest_proposal(folder)  # a proposal open in Excel stops here: being edited
        state = read_status(latest)
        if state.validated:
            log.info("Proposition validée trouvée : envoi de %s", folder.show(latest))
            return send(folder, settings, today, now, out, SendOptions(yes=True), ask=None)
        if state.reference_date == today:
            out.write(
                f"La proposition du jour {folder.show(latest)} attend déjà sa validation : rien à faire.\n"
            )
            return 0
        _supersede(folder, out)
    prepared = prepare(folder, settings, today, now())
    summary(prepared, folder, out)
    if prepared.proposal.chased:
        notes: list[str] = []
        notify(folder, prepared.proposal, prepared.path, notes)
        for note in notes:
            out.write(note + "\n")
    return 0


def _supersede(folder: Folder, out: TextIO) -> None:
    """Older proposals never validated go to output/archives/ as superseded: they are never sent."""
    for path in folder.proposals():
        state = read_status(path)
        if state.validated:
            continue
        folder.archives.mkdir(parents=True, exist_ok=True)
        target = folder.free_path(folder.archives, f"{path.stem}_remplacee", path.suffix)
        shutil.move(path, target)
        out.write(
            f"Proposition non validée remplacée : {folder.show(path)} rangée dans {folder.show(target)}.\n"
        )
