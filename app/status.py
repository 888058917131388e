"""The `etat` command: what is pending (proposals to validate or to send), the last lots, the journal."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from app.folder import Folder
from journal import Journal, RunRow
from models.errors import RelanceError
from models.settings import CHANNELS
from models.text import french_date, plain_amount
from workbook.reader import is_open_in_excel, read_status


def status(folder: Folder, out: TextIO) -> None:
    """Tell, in French, what waits in output/ and what the journal holds."""
    proposals = folder.proposals()
    if not proposals:
        out.write("Aucune proposition en attente dans output/ : lancez « preparer ».\n")
    for index, path in enumerate(proposals[:5]):
        out.write(_proposal_line(folder, path, latest=index == 0) + "\n")
    if len(proposals) > 5:
        out.write(f"  … et {len(proposals) - 5} proposition(s) plus ancienne(s).\n")

    if not Journal.exists(folder.journal):
        out.write("Journal : aucune relance envoyée pour l'instant.\n")
        return
    with Journal.open(folder.journal) as journal:
        lots = journal.lots(limit=5)
        totals = journal.totals()
        uncertain = journal.uncertain()
        runs = journal.runs(limit=5)
    if not totals.sent and not lots:
        out.write("Journal : aucune relance envoyée pour l'instant.\n")
    _runs(runs, out)
    if not totals.sent and not lots:
        return
    if lots:
        out.write("Derniers lots envoyés :\n")
        for lot in lots:
            counts = ", ".join(f"{n} {_STATUS.get(s, s)}" for s, n in sorted(lot.counts.items()))
            out.write(
                f"  {lot.id} du {french_date(lot.created_at.date())} ({lot.proposal}) : "
                f"{_LOT.get(lot.status, lot.status)}{' — ' + counts if counts else ''}\n"
            )
    out.write(
        f"Journal : {totals.sent} relance(s) envoyée(s) en {totals.lots} lot(s)"
        + (
            f", du {french_date(totals.first_date)} au {french_date(totals.last_date)}"
            if totals.first_date
            else ""
        )
        + f", {plain_amount(totals.amount)} relancés.\n"
    )
    if totals.by_level:
        out.write(
            "  Par niveau : " + ", ".join(f"{k} : {v}" for k, v in sorted(totals.by_level.items())) + "\n"
        )
    if totals.by_channel:
        out.write(
            "  Par canal : "
            + ", ".join(f"{CHANNELS.get(k, k).lower()} : {v}" for k, v in sorted(totals.by_channel.items()))
            + "\n"
        )
    if uncertain:
        out.write(
            f"Attention : {len(uncertain)} relance(s) à l'envoi incertain (interrompu pendant l'envoi).\n"
        )


def _runs(runs: list[RunRow], out: TextIO) -> None:
    """The last runs, newest first: when, how, what for, with what result."""
    if not runs:
        return
    out.write("Derniers passages :\n")
    for run in runs:
        counts = ", ".join(f"{n} {name}" for name, n in run.counts.items())
        out.write(
            f"  {run.started_at:%d/%m/%Y %H:%M} {_COMMAND.get(run.command, run.command)} ({run.mode}) : "
            f"{_RESULT.get(run.result, f'code {run.result}')}{' — ' + counts if counts else ''}\n"
        )


_COMMAND = {"suivant": "double-clic", "planifie": "passage planifié"}

_RESULT = {
    0: "terminé",
    1: "arrêté (erreur expliquée)",
    3: "terminé avec des échecs",
    4: "erreur inattendue (voir output/logs/relance.log)",
}

_STATUS = {
    "planned": "prévue(s)",
    "sending": "en cours",
    "sent": "envoyée(s)",
    "failed": "en échec",
    "cancelled": "annulée(s)",
}
_LOT = {"open": "en cours", "complete": "terminé", "cancelled": "annulé"}


def _proposal_line(folder: Folder, path: Path, latest: bool) -> str:
    where = folder.show(path)
    if is_open_in_excel(path):
        return f"Proposition {where} : ouverte dans Excel (fermez-la pour qu'elle puisse être lue)."
    try:
        state = read_status(path)
    except RelanceError as error:
        return f"Proposition {where} : illisible ({error.message})"
    date = french_date(state.reference_date)
    if state.validated:
        return f"Proposition {where} (échéances au {date}) : validée, prête à envoyer."
    if state.validated is None:
        return (
            f"Proposition {where} (échéances au {date}) : la cellule {state.validated_cell} contient "
            f"« {state.validated_value} » ; mettez Oui pour valider l'envoi."
        )
    hint = f" ; pour l'envoyer, mettez Oui en {state.validated_cell}" if latest else ""
    return f"Proposition {where} (échéances au {date}) : en attente de validation{hint}."
