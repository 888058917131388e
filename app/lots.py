"""The lots of the journal as `envoyer` works with them: what is left of an interrupted one, the
reminders it plans, what it tells the user, and the proposal archived with its report once done."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app.deliver import Outcome
from app.folder import Folder
from app.options import SendOptions
from journal import CANCELLED, FAILED, PLANNED, SENDING, SENT, Journal, LotRow, ReminderRow
from journal.rows import parts_of
from models.quote_sending import QuoteReminder, Sendable
from models.quotes import QuoteKey
from models.settings import CHANNELS


@dataclass(frozen=True)
class Todo:
    """A reminder to deliver now: its journal row when it was planned by an earlier run, and which of
    its channels are left to do."""

    reminder: Sendable
    id: int | None
    parts: frozenset[str]


def _key(reminder: Sendable) -> tuple[str, str, str]:
    """What a reminder is in its lot: one per customer for invoices, one per quote for quote follow-ups;
    a customer or a quote is its company's ([[societes]]; "" with one company)."""
    if isinstance(reminder, QuoteReminder):
        return ("devis", reminder.company, reminder.quote.number)
    return ("facture", reminder.company, reminder.customer.code)


def _row_key(row: ReminderRow) -> tuple[str, str, str]:
    if row.kind == "devis":
        return ("devis", row.company, row.invoices[0].number if row.invoices else "")
    return ("facture", row.company, row.customer_code)


def lot_of(journal: Journal | None, key: str) -> LotRow | None:
    """The lot already made from this proposal, if any (not a cancelled one)."""
    if journal is None:
        return None
    lots = [lot for lot in journal.lots_for_proposal(key) if lot.status != "cancelled"]
    return lots[0] if lots else None


def resume(
    folder: Folder,
    journal: Journal | None,
    lot: LotRow | None,
    reminders: tuple[Sendable, ...],
    options: SendOptions,
    now: Callable[[], datetime],
) -> tuple[list[Todo], list[ReminderRow], list[ReminderRow]]:
    """What is left to deliver: everything on a first run; after an interrupted one, the channels that did
    not leave. An email left `sending` may or may not have reached the server: it is never sent again
    silently, only with --renvoyer-incertains; with --incertains-envoyes (the user found it in the sent
    messages) it counts as sent. A letter left `sending` is settled by its bundle file.
    Returns what to deliver, the uncertain reminders left as they are, and those counted as sent."""
    if journal is None or lot is None:
        return [Todo(r, None, frozenset(parts_of(r.channel))) for r in reminders], [], []
    known = {_row_key(row): row for row in journal.reminders(lot.id)}
    todo: list[Todo] = []
    uncertain: list[ReminderRow] = []
    arrived: list[ReminderRow] = []
    for reminder in reminders:
        row = known.pop(_key(reminder), None)
        if row is None:
            todo.append(Todo(reminder, None, frozenset(parts_of(reminder.channel))))
            continue
        wanted = set(parts_of(reminder.channel))
        left: set[str] = set()
        for part in row.parts:
            if part.status in (SENT, CANCELLED):
                continue
            if part.part not in wanted:  # the accountant changed the channel since: not this one any more
                journal.part_dropped(row.id, part.part, now(), "canal changé dans la proposition")
            elif part.status in (PLANNED, FAILED):
                left.add(part.part)
            elif part.part == "email" and not any(name.endswith(".eml") for name in part.files):
                # SENDING: handed over to the server when the run stopped
                if options.retry_uncertain:
                    journal.part_failed(row.id, "email", now(), "renvoi demandé (--renvoyer-incertains)")
                    left.add("email")
                elif options.uncertain_arrived:
                    journal.part_sent(row.id, "email", now(), list(part.files))
                    arrived.append(row)
                else:
                    uncertain.append(row)
            elif any((folder.root / name).is_file() for name in part.files):
                journal.part_sent(row.id, part.part, now(), list(part.files))  # its file was written
            else:
                journal.part_failed(row.id, part.part, now(), "interrompu avant l'écriture du fichier")
                left.add(part.part)
        if left:
            todo.append(Todo(reminder, row.id, frozenset(left)))
    for row in known.values():  # nothing to chase any more for this customer: what did not leave goes
        if any(part.status in (PLANNED, FAILED) for part in row.parts) and row.status != SENDING:
            journal.drop(row.id, now(), "plus rien à relancer au moment de l'envoi")
    return todo, uncertain, arrived


def quotes_in_lot(journal: Journal | None, lot: LotRow | None) -> frozenset[QuoteKey]:
    """The quotes an earlier run of this lot planned a follow-up for (their company and number)."""
    if journal is None or lot is None:
        return frozenset()
    keys = map(_row_key, journal.reminders(lot.id))
    return frozenset((company, number) for kind, company, number in keys if kind == "devis")


_UNCERTAIN = "Envoi incertain (coupé pendant la remise au serveur : le destinataire l'a peut-être reçu)"
_HEADINGS = {
    "left": f"{_UNCERTAIN} — vérifiez vos messages envoyés, puis relancez Relance (le double-clic vous "
    "demande quoi en faire), ou « envoyer --incertains-envoyes » s'ils y sont bien, "
    "« envoyer --renvoyer-incertains » pour les renvoyer :",
    "asked": f"{_UNCERTAIN} — vérifiez vos messages envoyés :",
    "arrived": "Comptés comme envoyés (retrouvés dans vos messages envoyés) :",
}


def tell_uncertain(rows: list[ReminderRow], out: TextIO, heading: str = "left") -> None:
    """List the uncertain emails under a heading: left as they are ("left"), about to be asked about
    ("asked"), or counted as sent at the user's word ("arrived")."""
    out.write(_HEADINGS[heading] + "\n")
    for row in rows:
        email = row.part("email")
        address = email.recipient if email else ""
        out.write(f"  - {who(row.customer_name, row.company, row.customer_code)}, email {address}\n")


def plan_reminder(journal: Journal, lot_id: str, reminder: Sendable, now: datetime) -> int:
    """Record a reminder of the lot, with the address of each of its channels."""
    customer = reminder.customer
    postal = ", ".join([*customer.address, f"{customer.postal_code} {customer.city}".strip()])
    recipients = {"email": customer.email, "courrier": postal, "telephone": customer.phone}
    if isinstance(reminder, QuoteReminder):  # its own kind: the quote, its amount, which follow-up
        quote = reminder.quote
        return journal.plan(
            lot_id, customer.code, customer.name, reminder.number, reminder.channel,
            recipients[reminder.channel], [(quote.number, quote.amount, reminder.number)], now,
            recipients=recipients, kind="devis", company=reminder.company,
        )  # fmt: skip
    return journal.plan(
        lot_id,
        customer.code,
        customer.name,
        reminder.level.number,
        reminder.channel,
        recipients["email" if reminder.by_email else "telephone" if reminder.by_phone else "courrier"],
        [(i.number, i.remaining, i.level) for i in reminder.invoices],
        now,
        proposed_level=reminder.proposed_level or None,
        recipients=recipients,
        company=reminder.company,
    )


def report(folder: Folder, title: str, outcome: Outcome, out: TextIO) -> None:
    out.write(f"{title} : {len(outcome.sent)} relance(s) faite(s), {len(outcome.failed)} en échec.\n")
    if outcome.eml_files:
        out.write(
            f"  {len(outcome.eml_files)} email(s) écrit(s) en fichiers .eml dans "
            f"{folder.show(outcome.eml_files[0].parent)} : "
            "ouvrez-les dans votre messagerie pour les envoyer.\n"
        )
    elif outcome.emails:
        out.write(f"  {outcome.emails} email(s) envoyé(s).\n")
    for bundle in outcome.bundles:  # one per company with [[societes]]
        out.write(f"  Courriers à imprimer et poster : {folder.show(bundle)}\n")
    for calls in outcome.call_lists:
        out.write(f"  Appels à passer : {folder.show(calls)}\n")
    for job, reason in outcome.failed:
        out.write(f"  Échec : {_who(job.reminder)} : {reason}\n")
    for job, reason in outcome.uncertain:
        out.write(
            f"  Incertain : {_who(job.reminder)} : {reason} ; il n'est pas renvoyé sans "
            "« envoyer --renvoyer-incertains » (ou « --incertains-envoyes » s'il est bien parti).\n"
        )
    if outcome.stopped:
        out.write(f"Envoi arrêté : {outcome.stopped}\n")


def _who(reminder: Sendable) -> str:
    """The customer of a reminder, and the quote of a quote follow-up."""
    customer = reminder.customer
    quote = f", devis {reminder.quote.number}" if isinstance(reminder, QuoteReminder) else ""
    return who(customer.name, reminder.company, customer.code) + quote


def archive(folder: Folder, path: Path, journal: Journal | None, lot: LotRow | None, out: TextIO) -> None:
    """Move a fully sent proposal to output/archives/, with the lot report beside it (`lot` None: the
    proposal was validated with nothing left to send)."""
    if not path.exists():
        return
    folder.archives.mkdir(parents=True, exist_ok=True)
    target = folder.free_path(folder.archives, path.stem, path.suffix)
    name = f"{path.stem}_lot-{lot.id}" if lot else f"{path.stem}_rien-a-envoyer"
    report = folder.free_path(folder.archives, name, ".txt")
    lines = [
        f"Lot {lot.id} — proposition {path.name}" if lot else f"Proposition {path.name} : rien à envoyer",
        "",
    ]
    for row in journal.reminders(lot.id) if journal and lot else []:
        if row.kind == "devis":
            quote = row.invoices[0].number if row.invoices else ""
            what = f"relance n° {row.level} du devis {quote}"
            lines.append((f"{row.company} " if row.company else "")
                         + f"{row.customer_code} {row.customer_name} : {what}, {CHANNELS[row.channel]}")
            lines.extend(_parts(row))
            continue
        lowered = row.proposed_level and row.proposed_level != row.level
        lines.append(
            (f"{row.company} " if row.company else "")
            + f"{row.customer_code} {row.customer_name} : niveau {row.level}"
            + (f" (proposé : {row.proposed_level})" if lowered else "")
            + f", {CHANNELS[row.channel]}"
        )
        lines.extend(_parts(row))
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.move(path, target)
    out.write(f"Proposition archivée : {folder.show(target)} (compte rendu : {folder.show(report)}).\n")


def _parts(row: ReminderRow) -> list[str]:
    """One line per channel of a reminder, for the lot's report."""
    lines = []
    for part in row.parts:
        files = ", ".join(part.files)
        lines.append(
            f"    {part.part} : {part.recipient or '—'} — {STATUS_LABELS.get(part.status, part.status)}"
            + (f" le {part.sent_at:%d/%m/%Y %H:%M}" if part.sent_at else "")
            + (f" ({part.error})" if part.error else "")
            + (f" — {files}" if files else "")
        )
    return lines


def who(name: str, company: str, code: str) -> str:
    """« Garage Lemoine (C12) », « Garage Lemoine (LYON C12) » with [[societes]]: a code may be two
    companies' customers."""
    return f"{name} ({company} {code})" if company else f"{name} ({code})"


STATUS_LABELS = {
    SENT: "envoyée",
    FAILED: "en échec",
    SENDING: "incertaine",
    PLANNED: "prévue",
    CANCELLED: "annulée",
}
