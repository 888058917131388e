"""The `envoyer` command: check the validated proposal against today's exports, confirm, deliver, record."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.utils import parseaddr
from pathlib import Path
from typing import TextIO

from app.deliver import Delivery, Job, Outcome, deliver, file_stem
from app.demo import check_sender
from app.folder import Folder
from app.prepare import current_proposal
from journal import FAILED, PLANNED, SENDING, SENT, Journal, LotRow, ReminderRow, read_history
from letters.pdf import choose_converter, find_soffice, word_installed
from letters.templates import check_templates
from mail.config import MailSettings, load_mail_settings, read_env
from mail.smtp import Mailer
from models.errors import RelanceError
from models.records import ZERO
from models.reminders import Reminder
from models.sending import plan_lot
from models.settings import CHANNELS, Settings
from models.text import plain_amount
from workbook.edits import read_choices
from workbook.reader import EditedProposal, is_open_in_excel, read_proposal

log = logging.getLogger("relance")

OK, USER_ERROR, SOME_FAILED = 0, 1, 3


@dataclass(frozen=True)
class SendOptions:
    yes: bool = False  # --oui: no question
    simulation: bool = False  # --simulation: render everything into output/simulation/, send nothing
    retry_uncertain: bool = False  # --renvoyer-incertains


def latest_proposal(folder: Folder) -> Path:
    """The newest proposal of output/, readable (not held by Excel)."""
    proposals = folder.proposals()
    if not proposals:
        raise RelanceError("Aucune proposition dans output/ : lancez d'abord « python relance.py preparer ».")
    path = proposals[0]
    if is_open_in_excel(path):
        raise RelanceError(
            f"La proposition {folder.show(path)} est ouverte dans Excel : fermez le fichier dans Excel "
            "puis recommencez."
        )
    return path


def not_validated(folder: Folder, path: Path, cell: str, value: str) -> RelanceError:
    shown = f" (elle contient « {value} »)" if value and value.lower() != "non" else ""
    return RelanceError(
        f"La proposition {folder.show(path)} n'est pas validée : mettez Oui dans la cellule {cell} "
        f"(« Envoi validé ») de l'onglet Synthèse{shown}, enregistrez, fermez le fichier et relancez."
    )


def send(
    folder: Folder,
    settings: Settings,
    today: date,
    now: Callable[[], datetime],
    out: TextIO,
    options: SendOptions,
    ask: Callable[[str], str] | None,
) -> int:
    """Send the latest validated proposal; the exit code (0 all sent, 3 some failed)."""
    if not folder.proposals():
        out.write(
            "Rien à envoyer : aucune proposition en attente dans output/ (celles déjà envoyées sont "
            "dans output/archives/) ; lancez « preparer » pour en faire une.\n"
        )
        return OK
    path = latest_proposal(folder)
    edited = read_proposal(path)
    status = edited.status
    if not status.validated:
        raise not_validated(folder, path, status.validated_cell, status.validated_value)
    if not options.simulation:
        check_sender(folder, settings.company)
    if not options.simulation and not options.yes and ask is None:
        raise RelanceError(
            "Envoi non confirmé : sans terminal, Relance ne pose pas de question ; "
            "ajoutez --oui pour envoyer."
        )
    choices = read_choices(edited, settings)
    key = f"{path.name} [{status.proposal_id[:12]}]"
    journal = None if options.simulation else Journal.open(folder.journal)
    try:
        lot = _lot(journal, key)
        if lot is not None and lot.status == "complete":
            out.write(f"Cette proposition a déjà été envoyée (lot {lot.id}) : rien de nouveau à envoyer.\n")
            _archive(folder, path, journal, lot, out)
            return OK
        history = journal.history() if journal else read_history(folder.journal)
        current, _ = current_proposal(folder, settings, today, history)
        plan = plan_lot(current, choices.customers, choices.included, choices.shown_remaining, settings)
        for note in (*choices.ignored, *plan.notes):
            out.write(f"  {note}\n")
        todo, uncertain = _resume(journal, lot, plan.reminders, options, now)
        if uncertain:
            _tell_uncertain(uncertain, out)
        if not todo:
            out.write("Rien de nouveau à envoyer.\n")
            if journal and lot and not uncertain:
                journal.complete_lot(lot.id, now())
                _archive(folder, path, journal, lot, out)
            return SOME_FAILED if uncertain else OK
        how = _prepare_delivery(
            folder, settings, today, now, [r for r, _ in todo], journal, options, interactive=ask is not None
        )
        _summary(todo, how, out, simulation=options.simulation)
        if not options.simulation and not _confirmed(options, ask, out):
            return OK
        return _act(folder, path, key, edited, todo, how, lot, out, bool(uncertain))
    finally:
        if journal is not None:
            journal.close()


def _lot(journal: Journal | None, key: str) -> LotRow | None:
    """The lot already made from this proposal, if any (not a cancelled one)."""
    if journal is None:
        return None
    lots = [lot for lot in journal.lots_for_proposal(key) if lot.status != "cancelled"]
    return lots[0] if lots else None


def _resume(
    journal: Journal | None,
    lot: LotRow | None,
    reminders: tuple[Reminder, ...],
    options: SendOptions,
    now: Callable[[], datetime],
) -> tuple[list[tuple[Reminder, int | None]], list[ReminderRow]]:
    """What is left to send: everything on a first run; after an interrupted one, what did not leave.

    A reminder left `sending` may or may not have reached the server: it is never sent again
    silently, only with --renvoyer-incertains.
    """
    if journal is None or lot is None:
        return [(r, None) for r in reminders], []
    known = {row.customer_code: row for row in journal.reminders(lot.id)}
    todo: list[tuple[Reminder, int | None]] = []
    uncertain: list[ReminderRow] = []
    wanted = set()
    for reminder in reminders:
        row = known.get(reminder.customer.code)
        wanted.add(reminder.customer.code)
        if row is None:
            todo.append((reminder, None))
        elif row.status in (PLANNED, FAILED):
            todo.append((reminder, row.id))
        elif row.status == SENDING:
            if options.retry_uncertain:
                journal.mark_failed(row.id, now(), "renvoi demandé (--renvoyer-incertains)")
                todo.append((reminder, row.id))
            else:
                uncertain.append(row)
    for code, row in known.items():
        if code not in wanted and row.status in (PLANNED, FAILED):
            journal.drop(row.id, now(), "plus rien à relancer au moment de l'envoi")
    return todo, uncertain


def _tell_uncertain(rows: list[ReminderRow], out: TextIO) -> None:
    out.write(
        "Envoi incertain (interrompu pendant l'envoi : le destinataire l'a peut-être reçu) — "
        "vérifiez vos messages envoyés, puis relancez avec « envoyer --renvoyer-incertains » "
        "pour les renvoyer, ou annulez le lot :\n"
    )
    for row in rows:
        out.write(
            f"  - {row.customer_name} ({row.customer_code}), "
            f"{CHANNELS[row.channel].lower()} {row.recipient}\n"
        )


def _prepare_delivery(
    folder: Folder,
    settings: Settings,
    today: date,
    now: Callable[[], datetime],
    reminders: list[Reminder],
    journal: Journal | None,
    options: SendOptions,
    *,
    interactive: bool,
) -> Delivery:
    """Plan, then act: templates, PDF tool, SMTP login and output folder checked before anything leaves."""
    letters = [r for r in reminders if not r.by_phone]
    check_templates(folder.templates, {r.level.number: r.level for r in letters}.values())
    converter = ""
    if letters:
        converter = choose_converter(
            settings.converter, interactive=interactive, word=word_installed(), soffice=find_soffice()
        )
    env = read_env(folder.env)
    mail: MailSettings | None = None
    if any(r.by_email for r in reminders) and not options.simulation:
        mail = load_mail_settings(env)
        if mail is not None:
            log.info("Vérification de la connexion à %s", mail.host)
            with Mailer(mail):
                pass
    folder.ensure_output()
    # Without SMTP (.eml files, simulation), the sender still comes from .env, else from [societe].
    name, address = parseaddr(env.get("MAIL_FROM", ""))
    return Delivery(
        folder=folder,
        settings=settings,
        today=today,
        out_dir=folder.simulation,
        converter=converter,
        mail=mail,
        sender=mail.sender if mail else address or settings.company.email or "relances@example.invalid",
        sender_name=mail.sender_name
        if mail
        else env.get("MAIL_FROM_NAME", "") or name or settings.company.name,
        reply_to=mail.reply_to if mail else env.get("MAIL_REPLY_TO", ""),
        journal=journal,
        now=now,
    )


def _summary(
    todo: list[tuple[Reminder, int | None]], how: Delivery, out: TextIO, *, simulation: bool = False
) -> None:
    reminders = [r for r, _ in todo]
    emails = sum(r.by_email for r in reminders)
    letters = sum(r.by_post for r in reminders)
    calls = sum(r.by_phone for r in reminders)
    total = sum((r.total for r in reminders), ZERO)
    by_email = "par email" if how.mail else "en fichiers .eml (pas de serveur SMTP dans .env)"
    if simulation:  # what the real run would do: a simulation itself only writes .eml files
        real = load_mail_settings(read_env(how.folder.env))
        if real is not None:
            by_email = f"par le serveur SMTP {real.host} de .env (ici écrits en fichiers .eml)"
    title = "Simulation (l’envoi réel ferait)" if simulation else "À envoyer"
    out.write(
        f"{title} : {len(reminders)} relance(s) — "
        f"{emails} email(s) {by_email}, {letters} courrier(s), "
        f"{calls} appel(s) — {plain_amount(total)} au total.\n"
    )


def _confirmed(options: SendOptions, ask: Callable[[str], str] | None, out: TextIO) -> bool:
    if options.yes or ask is None:  # no terminal without --oui was refused at the start
        return True
    answer = ask("Confirmer l'envoi ? [o/N] ").strip().lower()
    if answer in ("o", "oui", "y", "yes"):
        return True
    out.write("Envoi abandonné : rien n'a été envoyé.\n")
    return False


def _act(
    folder: Folder,
    path: Path,
    key: str,
    edited: EditedProposal,
    todo: list[tuple[Reminder, int | None]],
    how: Delivery,
    lot: LotRow | None,
    out: TextIO,
    uncertain: bool,
) -> int:
    journal = how.journal
    if journal is None:
        shutil.rmtree(folder.simulation, ignore_errors=True)
        jobs = [Job(r, None, file_stem(n, r)) for n, (r, _) in enumerate(todo, start=1)]
        outcome = deliver(jobs, how)
        _report(folder, "Simulation", outcome, out)
        out.write(
            "Simulation : rien n'a été envoyé ni enregistré ; "
            f"aperçu dans {folder.show(folder.simulation)}.\n"
        )
        return OK
    lot_id = lot.id if lot else journal.create_lot(how.now(), edited.status.reference_date, key)
    jobs = []
    for number, (reminder, known) in enumerate(todo, start=1):
        reminder_id = known if known is not None else _plan(journal, lot_id, reminder, how.now())
        jobs.append(Job(reminder, reminder_id, file_stem(number, reminder)))
    outcome = deliver(jobs, replace(how, out_dir=folder.lots / lot_id))
    _report(folder, f"Lot {lot_id}", outcome, out)
    if outcome.failed or outcome.uncertain or outcome.stopped or uncertain:
        out.write("Relancez « envoyer » pour réessayer : ce qui est parti ne repartira pas.\n")
        return SOME_FAILED
    journal.complete_lot(lot_id, how.now())
    finished = journal.lot(lot_id)
    assert finished is not None
    _archive(folder, path, journal, finished, out)
    return OK


def _plan(journal: Journal, lot_id: str, reminder: Reminder, now: datetime) -> int:
    customer = reminder.customer
    postal = ", ".join([*customer.address, f"{customer.postal_code} {customer.city}".strip()])
    recipient = customer.email if reminder.by_email else customer.phone if reminder.by_phone else postal
    return journal.plan(
        lot_id,
        customer.code,
        customer.name,
        reminder.level.number,
        reminder.channel,
        recipient,
        [(i.number, i.remaining, i.level) for i in reminder.invoices],
        now,
    )


def _report(folder: Folder, title: str, outcome: Outcome, out: TextIO) -> None:
    out.write(f"{title} : {len(outcome.sent)} relance(s) faite(s), {len(outcome.failed)} en échec.\n")
    if outcome.eml_files:
        out.write(
            f"  {len(outcome.eml_files)} email(s) écrit(s) en fichiers .eml dans "
            f"{folder.show(outcome.eml_files[0].parent)} : "
            "ouvrez-les dans votre messagerie pour les envoyer.\n"
        )
    elif outcome.emails:
        out.write(f"  {outcome.emails} email(s) envoyé(s).\n")
    if outcome.bundle:
        out.write(f"  Courriers à imprimer et poster : {folder.show(outcome.bundle)}\n")
    if outcome.calls:
        out.write(f"  Appels à passer : {folder.show(outcome.calls)}\n")
    for job, reason in outcome.failed:
        customer = job.reminder.customer
        out.write(f"  Échec : {customer.name} ({customer.code}) : {reason}\n")
    for job, reason in outcome.uncertain:
        customer = job.reminder.customer
        out.write(
            f"  Incertain : {customer.name} ({customer.code}) : {reason} ; il n'est pas renvoyé sans "
            "« envoyer --renvoyer-incertains ».\n"
        )
    if outcome.stopped:
        out.write(f"Envoi arrêté : {outcome.stopped}\n")


def _archive(folder: Folder, path: Path, journal: Journal | None, lot: LotRow, out: TextIO) -> None:
    """Move a fully sent proposal to output/archives/, with the lot report beside it."""
    if not path.exists():
        return
    folder.archives.mkdir(parents=True, exist_ok=True)
    target = folder.free_path(folder.archives, path.stem, path.suffix)
    report = folder.free_path(folder.archives, f"{path.stem}_lot-{lot.id}", ".txt")
    lines = [f"Lot {lot.id} — proposition {path.name}", ""]
    for row in journal.reminders(lot.id) if journal else []:
        files = ", ".join(row.files)
        lines.append(
            f"{row.customer_code} {row.customer_name} : niveau {row.level}, {CHANNELS[row.channel]}, "
            f"{row.recipient or '—'} — {_STATUS.get(row.status, row.status)}"
            + (f" ({row.error})" if row.error else "")
            + (f" — {files}" if files else "")
        )
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.move(path, target)
    out.write(f"Proposition archivée : {folder.show(target)} (compte rendu : {folder.show(report)}).\n")


_STATUS = {
    SENT: "envoyée",
    FAILED: "en échec",
    SENDING: "incertaine",
    PLANNED: "prévue",
    "cancelled": "annulée",
}
