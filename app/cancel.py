"""The `annuler LOT` command: a lot's reminders stop counting (letters printed but never posted…)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app.folder import Folder
from app.lots import who
from journal import LOT_CANCELLED, SENT, Journal, ReminderRow
from models.errors import RelanceError


def cancel(
    folder: Folder,
    lot_id: str,
    now: datetime,
    out: TextIO,
    *,
    confirmed: bool = False,
    ask: Callable[[str], str] | None = None,
) -> bool:
    """Cancel the lot once the user confirmed (or `--oui`); rename its bundle and call list so that they
    cannot be printed by mistake; say which emails had already left. False when the user said no."""
    if not Journal.exists(folder.journal):
        raise RelanceError("Aucun lot à annuler : aucune relance n'a encore été envoyée.")
    with Journal.open(folder.journal) as journal:
        lot = journal.lot(lot_id)
        waiting = lot is not None and lot.status != LOT_CANCELLED and not confirmed
        if waiting and not _confirmed(lot_id, journal.reminders(lot_id), ask, out):
            return False
        left = journal.cancel_lot(lot_id, now)
        files = _printed_files(folder, journal.reminders(lot_id))
    out.write(
        f"Lot {lot_id} annulé : ses relances ne comptent plus, ses factures reviennent à leur niveau "
        "précédent.\n"
    )
    for path in files:
        target = folder.free_path(path.parent, f"{path.stem}_ANNULE", path.suffix)
        path.rename(target)
        out.write(f"  {folder.show(path)} renommé {target.name} : ne l'imprimez pas.\n")
    written = [row for row in left if _as_file(row)]
    sent = [row for row in left if not _as_file(row)]
    if sent:
        out.write("Ces emails étaient déjà partis (ils ne peuvent pas être rappelés) :\n")
        for row in sent:
            out.write(f"  - {who(row.customer_name, row.company, row.customer_code)} : {_address(row)}\n")
    if written:
        out.write(
            "Ces emails avaient été écrits en fichiers .eml : ne les envoyez pas s'ils ne sont pas partis :\n"
        )
        for row in written:
            files = ", ".join(name for part in row.parts for name in part.files if name.endswith(".eml"))
            customer = who(row.customer_name, row.company, row.customer_code)
            out.write(f"  - {customer} : {_address(row)} ({files})\n")
    return True


def _address(row: ReminderRow) -> str:
    email = row.part("email")
    return email.recipient if email else row.recipient


def _as_file(row: ReminderRow) -> bool:
    email = row.part("email")
    return email is not None and any(name.endswith(".eml") for name in email.files)


def _confirmed(lot_id: str, rows: list[ReminderRow], ask: Callable[[str], str] | None, out: TextIO) -> bool:
    if ask is None:
        raise RelanceError(
            f"Annulation du lot {lot_id} non confirmée : sans terminal, Relance ne pose pas de question ; "
            "ajoutez --oui pour annuler."
        )
    emails = sum(1 for row in rows if (part := row.part("email")) is not None and part.status == SENT)
    out.write(
        f"Le lot {lot_id} compte {len(rows)} relance(s), dont {emails} email(s) déjà parti(s) qui ne "
        "peuvent pas être rappelés.\n"
    )
    if ask(f"Annuler le lot {lot_id} ? [o/N] ").strip().lower() in ("o", "oui", "y", "yes"):
        return True
    out.write("Annulation abandonnée : le lot reste compté.\n")
    return False


def _printed_files(folder: Folder, rows: list[ReminderRow]) -> list[Path]:
    """The lot's bundles and call lists still in output/ (each named once)."""
    printed = [part for row in rows for part in row.parts if part.part in ("courrier", "telephone")]
    found = []
    for name in dict.fromkeys(name for part in printed for name in part.files):
        path = folder.root / name
        printable = path.name.startswith(("courriers_", "appels_"))
        if path.parent == folder.output and printable and path.is_file():
            found.append(path)
    return found
