"""Which proposal of output/ may be sent: the newest one only, and never one prepared before the last lot.

A proposal is a picture of the exports and of the journal on the day it was prepared. Once a lot has
gone, or a newer proposal exists, an older one would send reminders the journal already knows about
(the same letter twice the same day): it is refused, naming the newer one, by `envoyer`, the double
click and the scheduled run alike (which archives it as « remplacée »).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.folder import Folder
from journal import LOT_CANCELLED, LotRow
from models.errors import RelanceError
from models.text import french_date
from workbook.reader import ProposalStatus, is_open_in_excel, read_status


@dataclass(frozen=True)
class Waiting:
    """A proposal of output/ and what its first sheet says (None while a program holds it open)."""

    path: Path
    status: ProposalStatus | None

    @property
    def prepared(self) -> datetime:
        if self.status is not None and self.status.prepared_at is not None:
            return self.status.prepared_at
        return datetime.fromtimestamp(self.path.stat().st_mtime)


def lot_key(path: Path, status: ProposalStatus) -> str:
    """How the journal names the lots made from a proposal: its file name and its own id."""
    return f"{path.name} [{status.proposal_id[:12]}]"


def waiting(folder: Folder) -> list[Waiting]:
    """The proposals of output/, newest prepared first (a file Excel holds open is not read)."""
    found = []
    for path in folder.proposals():
        status = None if is_open_in_excel(path) else read_status(path)
        found.append(Waiting(path, status))
    return sorted(found, key=lambda item: item.prepared, reverse=True)


def check_formats(folder: Folder) -> None:
    """A proposal saved as .ods or .xls after its .xlsx: the accountant's changes are in a file Relance
    does not read; say so rather than send the unvalidated .xlsx."""
    for other in folder.other_formats():
        xlsx = other.with_suffix(".xlsx")
        if not xlsx.exists() or other.stat().st_mtime > xlsx.stat().st_mtime:
            raise RelanceError(
                f"La proposition {folder.show(other)} est enregistrée au format {other.suffix.lower()} : "
                f"Relance ne lit que le format .xlsx ; ouvrez-la, « Enregistrer sous… » au format « Classeur "
                f"Excel (.xlsx) » sous le nom {xlsx.name}, puis supprimez {other.name}."
            )
    for copy, original in folder.renamed_copies():
        # Changed after the proposal it copies: the accountant's changes (and « Oui ») may be in it. A
        # copy of a proposal already sent (archived) is only a backup.
        if not original.exists() and (folder.archives / original.name).exists():
            continue
        if not original.exists() or copy.stat().st_mtime > original.stat().st_mtime:
            raise RelanceError(
                f"Le fichier {folder.show(copy)} est une proposition enregistrée sous un autre nom : Relance "
                f"ne lit que {original.name}. Si c'est la version que vous avez modifiée, fermez-la et "
                f"renommez-la {original.name} (à la place de l'ancienne) ; sinon, supprimez-la."
            )


def newest(folder: Folder, lots: list[LotRow]) -> Waiting:
    """The one proposal that may be sent; RelanceError when it is held open, or older than the last lot."""
    check_formats(folder)
    proposals = waiting(folder)
    if not proposals:
        raise RelanceError("Aucune proposition dans output/ : lancez d'abord « python relance.py preparer ».")
    first = proposals[0]
    if first.status is None:
        raise RelanceError(
            f"La proposition {folder.show(first.path)} est ouverte dans Excel ou LibreOffice : fermez le "
            "fichier puis recommencez."
        )
    outdated = before_last_lot(folder, first, lots)
    if outdated:
        raise RelanceError(outdated)
    if not first.status.validated:
        older = next((p for p in proposals[1:] if p.status is not None and p.status.validated), None)
        if older is not None:
            raise RelanceError(
                f"La proposition validée {folder.show(older.path)} est plus ancienne que "
                f"{folder.show(first.path)} : seule la plus récente peut être envoyée ; validez "
                f"{first.path.name} (ou supprimez-la pour revenir à l'autre)."
            )
    return first


def before_last_lot(folder: Folder, proposal: Waiting, lots: list[LotRow]) -> str:
    """Why a proposal prepared before a lot made from another proposal cannot be sent; empty if it can."""
    if proposal.status is None:
        return ""
    key = lot_key(proposal.path, proposal.status)
    for lot in lots:
        if lot.status == LOT_CANCELLED or lot.proposal == key or lot.created_at <= proposal.prepared:
            continue
        return (
            f"La proposition {folder.show(proposal.path)} a été préparée le {_when(proposal.prepared)}, "
            f"avant l'envoi du lot {lot.id} le {_when(lot.created_at)} : elle ne tient pas compte de ce "
            "lot et enverrait les mêmes relances une seconde fois ; lancez « preparer » pour en écrire une "
            "nouvelle."
        )
    return ""


def _when(moment: datetime) -> str:
    return f"{french_date(moment.date())} à {moment:%H:%M}"
