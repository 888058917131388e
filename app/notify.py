"""Tell the accountant that a new proposal waits: an email with a French summary and the workbook."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from app.config import RunConfig
from app.folder import Folder
from mail.message import Email, write_eml
from mail.smtp import Mailer, SendFailure
from models.errors import RelanceError
from models.proposal import Proposal
from models.records import ZERO
from models.settings import CHANNELS
from models.text import french_date, plain_amount
from workbook.layout import SUMMARY, VALIDATED_CELL, VALIDATED_LABEL

log = logging.getLogger("relance")


def summary_text(
    proposal: Proposal, path: Path, folder: Folder, replaced: Sequence[str] = ()
) -> tuple[str, str]:
    """The subject and body of the notification."""
    chased = proposal.chased
    invoices = [i for c in chased for i in c.invoices if i.include]
    total = sum((i.remaining for i in invoices), ZERO)
    subject = (
        f"Relance : proposition du {french_date(proposal.reference_date)} à valider — "
        f"{len(chased)} client(s), {plain_amount(total)}"
    )
    levels = Counter((c.level, proposal.settings.level(c.level).label) for c in chased if c.level)
    channels = Counter(c.channel for c in chased)
    lines = [
        "Bonjour,",
        "",
        f"Relance a préparé la proposition de relances du {french_date(proposal.reference_date)} "
        f"(échéances échues à cette date), en pièce jointe et dans {folder.show(path)}.",
        "",
        f"Clients à relancer : {len(chased)}, pour {len(invoices)} facture(s) et {plain_amount(total)}.",
    ]
    lines += [
        f"  - niveau {number} ({label}) : {n} client(s)" for (number, label), n in sorted(levels.items())
    ]
    lines += [f"  - {CHANNELS[code].lower()} : {n}" for code, n in sorted(channels.items()) if code]
    lines.append("")
    lines += [f"  {c.customer.name} ({c.customer.code}) : {plain_amount(c.total_overdue)}, niveau {c.level}"
              for c in chased[:30]]  # fmt: skip
    if len(chased) > 30:
        lines.append(f"  … et {len(chased) - 30} autre(s), voir l'onglet Clients.")
    quotes = proposal.quotes.chased if proposal.quotes else ()
    if quotes:
        lines += ["", f"Devis échus à relancer : {len(quotes)} (onglet Devis)."]
    held = [c for c in proposal.customers if not c.chase and c.total_overdue > 0]
    if held:
        lines += ["", f"Clients en retard non relancés : {len(held)} (motif dans l'onglet Clients)."]
    if proposal.anomalies:
        lines += ["", f"Anomalies dans les exports : {len(proposal.anomalies)} (onglet Anomalies)."]
    if replaced:
        lines += ["", "Propositions remplacées, jamais envoyées (seule la plus récente peut l'être) :"]
        lines += [f"  - {line}" for line in replaced]
    lines += [
        "",
        f"Pour envoyer : ouvrez le fichier, vérifiez, mettez Oui dans « {VALIDATED_LABEL} » (onglet "
        f"{SUMMARY}, {VALIDATED_CELL}), enregistrez-le à sa place dans output/, puis lancez Relance "
        "(ou attendez le prochain passage planifié).",
        "",
        "Relance",
    ]
    return subject, "\n".join(lines) + "\n"


def notify(
    folder: Folder,
    config: RunConfig,
    proposal: Proposal,
    path: Path,
    out_note: list[str],
    replaced: Sequence[str] = (),
) -> None:
    """Email the summary and the workbook to NOTIFY_EMAIL; without SMTP, write it as an .eml file.
    `replaced`: the proposals archived unsent by this run, which the accountant must hear about."""
    recipient = config.notify
    if not recipient:
        out_note.append("Pas de NOTIFY_EMAIL dans .env : personne n'a été prévenu par email.")
        return
    subject, body = summary_text(proposal, path, folder, replaced)
    email = Email(recipient, subject, body, (path,))
    settings = config.smtp()
    if settings is None:
        target = folder.free_path(
            folder.output, f"notification_{proposal.reference_date.isoformat()}", ".eml"
        )
        identity = config.identity
        write_eml(email, target, identity.address, identity.name, identity.reply_to)
        out_note.append(f"Pas de serveur SMTP dans .env : notification écrite dans {folder.show(target)}.")
        return
    try:
        with Mailer(settings) as mailer:
            mailer.send(email)
    except (SendFailure, RelanceError) as error:
        raise RelanceError(
            f"La proposition {folder.show(path)} est prête, mais l'email à {recipient} n'est pas parti : "
            f"{error.message}"
        ) from None
    log.info("Notification envoyée à %s", recipient)
    out_note.append(f"Notification envoyée à {recipient}.")
