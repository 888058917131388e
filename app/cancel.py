"""The `annuler LOT` command: a lot's reminders stop counting (letters printed but never posted…)."""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from app.folder import Folder
from journal import Journal
from models.errors import RelanceError


def cancel(folder: Folder, lot_id: str, now: datetime, out: TextIO) -> None:
    """Cancel the lot in the journal and say which emails had already left."""
    if not Journal.exists(folder.journal):
        raise RelanceError("Aucun lot à annuler : aucune relance n'a encore été envoyée.")
    with Journal.open(folder.journal) as journal:
        left = journal.cancel_lot(lot_id, now)
    out.write(
        f"Lot {lot_id} annulé : ses relances ne comptent plus, ses factures reviennent à leur niveau "
        "précédent.\n"
    )
    if left:
        out.write("Ces emails étaient déjà partis (ils ne peuvent pas être rappelés) :\n")
        for row in left:
            out.write(f"  - {row.customer_name} ({row.customer_code}) : {row.recipient}\n")
