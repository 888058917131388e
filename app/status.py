"""The `etat` command: what is pending (proposals to validate or to send), the last lots, the journal."""

from __future__ import annotations

from typing import TextIO

from app.folder import Folder
from app.proposals import Waiting, before_last_lot, waiting
from journal import Journal, LotRow, RunRow
from models.errors import RelanceError
from models.settings import CHANNELS
from models.text import french_date, plain_amount


def status(folder: Folder, out: TextIO) -> None:
    """Tell, in French, what waits in output/ and what the journal holds."""
    all_lots: list[LotRow] = []
    if Journal.exists(folder.journal):
        with Journal.open(folder.journal) as journal:
            all_lots = journal.lots(limit=None)
    try:
        proposals = waiting(folder)
    except RelanceError as error:
        proposals = []
        out.write(f"Propositions : {error.message}\n")
    if not proposals:
        out.write("Aucune proposition en attente dans output/ : lancez « preparer ».\n")
    for index, proposal in enumerate(proposals[:5]):
        out.write(_proposal_line(folder, proposal, proposals[0] if index else None, all_lots) + "\n")
    if len(proposals) > 5:
        out.write(f"  … et {len(proposals) - 5} proposition(s) plus ancienne(s).\n")
    for other in folder.other_formats():
        out.write(
            f"Proposition {folder.show(other)} : au format {other.suffix.lower()}, que Relance ne lit pas ; "
            "enregistrez-la au format .xlsx.\n"
        )
    for copy, original in folder.renamed_copies():
        out.write(f"Fichier {folder.show(copy)} : une copie de proposition, que Relance ne lit pas (seul "
                  f"{original.name} l'est).\n")  # fmt: skip

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
    if totals.quotes:
        out.write(f"  Relances de devis : {totals.quotes} (à part des relances de factures).\n")
    if uncertain:
        out.write(
            f"Attention : {len(uncertain)} relance(s) à l'envoi incertain (interrompu pendant l'envoi) : "
            "relancez Relance par un double-clic, il vous demandera quoi en faire.\n"
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


def _proposal_line(folder: Folder, proposal: Waiting, newer: Waiting | None, lots: list[LotRow]) -> str:
    """One proposal's state; `newer` is the newest proposal when this one is not it."""
    where = folder.show(proposal.path)
    state = proposal.status
    if state is None:
        return f"Proposition {where} : ouverte dans Excel (fermez-la pour qu'elle puisse être lue)."
    date = french_date(state.reference_date)
    head = f"Proposition {where} (échéances au {date})"
    if newer is not None:
        return f"{head} : remplacée par {newer.path.name}, plus récente ; elle ne sera pas envoyée."
    outdated = before_last_lot(folder, proposal, lots)
    if outdated:
        return f"{head} : préparée avant le dernier envoi, elle ne sera pas envoyée ; lancez « preparer »."
    if state.to_chase == 0 and not state.validated:
        return f"{head} : ne propose aucune relance, rien à envoyer."
    if state.validated:
        return f"{head} : validée, prête à envoyer."
    if state.validated is None:
        return (
            f"{head} : la cellule {state.validated_cell} contient « {state.validated_value} » ; "
            "mettez Oui pour valider l'envoi."
        )
    return f"{head} : en attente de validation ; pour l'envoyer, mettez Oui en {state.validated_cell}."
