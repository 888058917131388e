"""Tell the accountant by email what a weekly run nobody watched did: a new proposal waits (a French
summary and the workbook), or a send left reminders that failed or may have left (what to do)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from app.config import RunConfig
from app.folder import Folder
from journal import FAILED, Journal, ReminderRow
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
    stem = f"notification_{proposal.reference_date.isoformat()}"
    _send(folder, config, email, stem, f"La proposition {folder.show(path)} est prête", out_note)


def incomplete_text(
    proposal: str, lot_id: str, rows: Sequence[ReminderRow], uncertain: Sequence[ReminderRow]
) -> tuple[str, str]:
    """The subject and body of the notification of a send that left failed or uncertain reminders."""
    failed = [(row, part) for row in rows for part in row.parts if part.status == FAILED]
    count = len({row.id for row, _ in failed} | {row.id for row in uncertain})
    subject = f"Relance : envoi incomplet du lot {lot_id} — {count} relance(s) à vérifier"
    lines = [
        "Bonjour,",
        "",
        f"Le passage planifié de Relance a envoyé la proposition {proposal} (lot {lot_id}), mais "
        f"{count} relance(s) ne sont pas parties comme prévu.",
    ]
    if failed:
        lines += [
            "",
            "En échec (réessayées à chaque passage) : corrigez la cause (une adresse refusée : colonne Email "
            "de la proposition), ou mettez Non dans « À relancer » pour ce client, et enregistrez :",
        ]
        lines += [f"  - {_who(row)}, {part.part} {part.recipient} : {part.error}" for row, part in failed]
    if uncertain:
        lines += ["", "Envoi incertain (coupé pendant la remise au serveur : le client l'a peut-être reçu) :"]
        lines += [f"  - {_who(row)}, email {_address(row)}" for row in uncertain]
        lines += [
            "  Vérifiez vos messages envoyés, puis double-cliquez sur relance.bat : il vous demandera s'ils "
            "sont partis ou s'il faut les renvoyer.",
        ]
    lines += [
        "",
        "Tant que ce lot n'est pas terminé, le passage planifié le reprend au lieu de préparer une nouvelle "
        "proposition.",
        "",
        "Relance",
    ]
    return subject, "\n".join(lines) + "\n"


def _address(row: ReminderRow) -> str:
    email = row.part("email")
    return email.recipient if email else row.recipient


def _who(row: ReminderRow) -> str:
    company = f"{row.company} : " if row.company else ""
    return f"{company}{row.customer_name} ({row.customer_code})"


def notify_incomplete(folder: Folder, config: RunConfig, proposal: str, out_note: list[str]) -> None:
    """Email NOTIFY_EMAIL the reminders of the last lot that failed or may have left (none: nothing)."""
    recipient = config.notify
    if not recipient:
        out_note.append("Pas de NOTIFY_EMAIL dans .env : personne n'a été prévenu de cet envoi incomplet.")
        return
    with Journal.open(folder.journal) as journal:
        lots = journal.lots(limit=1)
        if not lots:
            return
        lot = lots[0]
        rows = journal.reminders(lot.id)
        uncertain = [row for row in journal.uncertain() if row.lot_id == lot.id]
    subject, body = incomplete_text(proposal, lot.id, rows, uncertain)
    email = Email(recipient, subject, body, ())
    _send(folder, config, email, f"notification_envoi_{lot.id}", "L'envoi incomplet est journalisé", out_note)


def _send(folder: Folder, config: RunConfig, email: Email, stem: str, done: str, out_note: list[str]) -> None:
    """Send a notification through the SMTP server of .env; without one, write it as an .eml file.
    `done`: what happened anyway, for the message when the email cannot leave."""
    settings = config.smtp()
    if settings is None:
        target = folder.free_path(folder.output, stem, ".eml")
        identity = config.identity
        write_eml(email, target, identity.address, identity.name, identity.reply_to)
        out_note.append(f"Pas de serveur SMTP dans .env : notification écrite dans {folder.show(target)}.")
        return
    try:
        with Mailer(settings) as mailer:
            mailer.send(email)
    except (SendFailure, RelanceError) as error:
        raise RelanceError(f"{done}, mais l'email à {email.to} n'est pas parti : {error.message}") from None
    log.info("Notification envoyée à %s", email.to)
    out_note.append(f"Notification envoyée à {email.to}.")
