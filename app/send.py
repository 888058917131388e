"""The `envoyer` command: check the newest validated proposal against today's exports, confirm, deliver."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from app.config import RunConfig
from app.deliver import Delivery, Job, Outcome, deliver, file_stem
from app.demo import check_sender
from app.folder import Folder
from app.prepare import current_proposal
from app.proposals import lot_key, newest
from journal import CANCELLED, FAILED, PLANNED, SENDING, SENT, Journal, LotRow, ReminderRow, read_letters
from journal.rows import parts_of
from letters.pdf import choose_converter, find_soffice, word_installed
from letters.templates import check_templates
from mail.config import MailSettings
from mail.smtp import Mailer
from models.errors import RelanceError
from models.problems import Problems
from models.records import ZERO
from models.reminders import Reminder
from models.sending import plan_lot
from models.settings import CHANNELS
from models.text import plain_amount
from workbook.edits import read_choices
from workbook.reader import ROWS_HINT, read_proposal

log = logging.getLogger("relance")

OK, USER_ERROR, SOME_FAILED = 0, 1, 3


@dataclass(frozen=True)
class SendOptions:
    yes: bool = False  # --oui: no question
    simulation: bool = False  # --simulation: render everything into output/simulation/, send nothing
    retry_uncertain: bool = False  # --renvoyer-incertains


@dataclass(frozen=True)
class _Todo:
    """A reminder to deliver now: its journal row when it was planned by an earlier run, and which of
    its channels are left to do."""

    reminder: Reminder
    id: int | None
    parts: frozenset[str]


def not_validated(folder: Folder, path: Path, cell: str, value: str) -> RelanceError:
    shown = f" (elle contient « {value} »)" if value and value.lower() != "non" else ""
    return RelanceError(
        f"La proposition {folder.show(path)} n'est pas validée : mettez Oui dans la cellule {cell} "
        f"(« Envoi validé ») de l'onglet Synthèse{shown}, enregistrez, fermez le fichier et relancez."
    )


def send(
    folder: Folder,
    config: RunConfig,
    today: date,
    now: Callable[[], datetime],
    out: TextIO,
    options: SendOptions,
    ask: Callable[[str], str] | None,
) -> int:
    """Send the newest validated proposal; the exit code (0 all sent, 3 some failed or uncertain)."""
    if not folder.proposals():
        out.write(
            "Rien à envoyer : aucune proposition en attente dans output/ (celles déjà envoyées sont "
            "dans output/archives/) ; lancez « preparer » pour en faire une.\n"
        )
        return OK
    journal = None if options.simulation else Journal.open(folder.journal)
    try:
        return _send(folder, config, today, now, out, options, ask, journal)
    finally:
        if journal is not None:
            journal.close()


def _send(
    folder: Folder,
    config: RunConfig,
    today: date,
    now: Callable[[], datetime],
    out: TextIO,
    options: SendOptions,
    ask: Callable[[str], str] | None,
    journal: Journal | None,
) -> int:
    settings = config.settings
    lots = journal.lots(limit=None) if journal else _lots(folder)
    chosen = newest(folder, lots)
    path, status = chosen.path, chosen.status
    assert status is not None
    if not status.validated:
        raise not_validated(folder, path, status.validated_cell, status.validated_value)
    if not options.simulation:
        check_sender(folder, settings.company)
    if not options.simulation and not options.yes and ask is None:
        raise RelanceError(
            "Envoi non confirmé : sans terminal, Relance ne pose pas de question ; "
            "ajoutez --oui pour envoyer."
        )
    edited = read_proposal(path)
    key = lot_key(path, status)
    lot = _lot(journal, key)
    if lot is not None and lot.status == "complete":
        out.write(f"Cette proposition a déjà été envoyée (lot {lot.id}) : rien de nouveau à envoyer.\n")
        _archive(folder, path, journal, lot, out)
        return OK
    letters = journal.letters() if journal else read_letters(folder.journal)
    current, _ = current_proposal(folder, settings, today, letters)
    emails = {line.customer.code: line.customer.email for line in current.customers}
    choices = read_choices(edited, settings, emails)
    plan = plan_lot(current, choices.customers, choices.included, choices.shown_remaining, settings)
    for note in (*choices.ignored, *plan.notes):
        out.write(f"  {note}\n")
    problems = sorted([*edited.problems, *choices.problems, *plan.problems], key=lambda p: p.where)
    rows_moved = bool(edited.problems)
    todo, uncertain = _resume(folder, journal, lot, plan.reminders, options, now)
    letters_to_make = [t.reminder for t in todo if t.parts - {"telephone"}]
    levels = {r.level.number: r.level for r in letters_to_make}.values()
    problems += check_templates(folder.templates, levels)
    if problems:
        raise Problems(
            f"La proposition {folder.show(path)} ne peut pas être envoyée, rien n'est parti "
            f"({len(problems)} point{'s' if len(problems) > 1 else ''} à corriger) :",
            problems,
            ROWS_HINT if rows_moved else "",
        )
    if uncertain:
        _tell_uncertain(uncertain, out)
    if not todo:
        out.write("Rien de nouveau à envoyer.\n")
        if journal and lot and not uncertain:
            journal.complete_lot(lot.id, now())
            _archive(folder, path, journal, lot, out)
        elif journal and lot is None and not options.simulation:
            _archive(folder, path, journal, None, out)  # validated, nothing in it to send: done with
        return SOME_FAILED if uncertain else OK
    how = _prepare_delivery(folder, config, today, now, todo, journal, options, interactive=ask is not None)
    _summary(todo, how, options, out, _real_smtp(config) if options.simulation else how.mail)
    if not options.simulation and not _confirmed(options, ask, out):
        return OK
    return _act(folder, path, key, status.reference_date, todo, how, lot, out, bool(uncertain))


def _real_smtp(config: RunConfig) -> MailSettings | None:
    """What a real run would send through, for a simulation to say (a wrong .env: as if none)."""
    try:
        return config.smtp()
    except RelanceError:
        return None


def _lots(folder: Folder) -> list[LotRow]:
    """The journal's lots without creating a journal (a simulation writes nothing)."""
    if not Journal.exists(folder.journal):
        return []
    with Journal.open(folder.journal) as journal:
        return journal.lots(limit=None)


def _lot(journal: Journal | None, key: str) -> LotRow | None:
    """The lot already made from this proposal, if any (not a cancelled one)."""
    if journal is None:
        return None
    lots = [lot for lot in journal.lots_for_proposal(key) if lot.status != "cancelled"]
    return lots[0] if lots else None


def _resume(
    folder: Folder,
    journal: Journal | None,
    lot: LotRow | None,
    reminders: tuple[Reminder, ...],
    options: SendOptions,
    now: Callable[[], datetime],
) -> tuple[list[_Todo], list[ReminderRow]]:
    """What is left to deliver: everything on a first run; after an interrupted one, the channels that did
    not leave. An email left `sending` may or may not have reached the server: it is never sent again
    silently, only with --renvoyer-incertains. A letter left `sending` is settled by its bundle file."""
    if journal is None or lot is None:
        return [_Todo(r, None, frozenset(parts_of(r.channel))) for r in reminders], []
    known = {row.customer_code: row for row in journal.reminders(lot.id)}
    todo: list[_Todo] = []
    uncertain: list[ReminderRow] = []
    for reminder in reminders:
        row = known.pop(reminder.customer.code, None)
        if row is None:
            todo.append(_Todo(reminder, None, frozenset(parts_of(reminder.channel))))
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
                else:
                    uncertain.append(row)
            elif any((folder.root / name).is_file() for name in part.files):
                journal.part_sent(row.id, part.part, now(), list(part.files))  # its file was written
            else:
                journal.part_failed(row.id, part.part, now(), "interrompu avant l'écriture du fichier")
                left.add(part.part)
        if left:
            todo.append(_Todo(reminder, row.id, frozenset(left)))
    for row in known.values():  # nothing to chase any more for this customer: what did not leave goes
        if any(part.status in (PLANNED, FAILED) for part in row.parts) and row.status != SENDING:
            journal.drop(row.id, now(), "plus rien à relancer au moment de l'envoi")
    return todo, uncertain


def _tell_uncertain(rows: list[ReminderRow], out: TextIO) -> None:
    out.write(
        "Envoi incertain (coupé pendant la remise au serveur : le destinataire l'a peut-être reçu) — "
        "vérifiez vos messages envoyés, puis relancez avec « envoyer --renvoyer-incertains » "
        "pour les renvoyer, ou annulez le lot :\n"
    )
    for row in rows:
        email = row.part("email")
        address = email.recipient if email else ""
        out.write(f"  - {row.customer_name} ({row.customer_code}), email {address}\n")


def _prepare_delivery(
    folder: Folder,
    config: RunConfig,
    today: date,
    now: Callable[[], datetime],
    todo: list[_Todo],
    journal: Journal | None,
    options: SendOptions,
    *,
    interactive: bool,
) -> Delivery:
    """Plan, then act: PDF tool, SMTP login and output folder checked before anything leaves."""
    converter = ""
    if any(t.parts - {"telephone"} for t in todo):
        converter = choose_converter(
            config.settings.converter, interactive=interactive, word=word_installed(), soffice=find_soffice()
        )
    mail = None
    if any("email" in t.parts for t in todo) and not options.simulation:
        mail = config.smtp()
        if mail is not None:
            log.info("Vérification de la connexion à %s", mail.host)
            with Mailer(mail):
                pass
    folder.ensure_output()
    return Delivery(
        folder=folder,
        settings=config.settings,
        letter_date=now().date(),
        reference_date=today,
        out_dir=folder.simulation,
        converter=converter,
        mail=mail,
        identity=config.identity,
        journal=journal,
        now=now,
    )


def _summary(
    todo: list[_Todo], how: Delivery, options: SendOptions, out: TextIO, smtp: MailSettings | None
) -> None:
    """What is about to happen; for a simulation, what the real run would do (`smtp`: its server)."""
    emails = sum("email" in t.parts for t in todo)
    letters = sum("courrier" in t.parts for t in todo)
    calls = sum("telephone" in t.parts for t in todo)
    total = sum((t.reminder.total for t in todo), ZERO)
    if smtp is None:
        by_email = "en fichiers .eml (pas de serveur SMTP dans .env)"
    elif options.simulation:
        by_email = f"par le serveur SMTP {smtp.host} de .env (ici écrits en fichiers .eml)"
    else:
        by_email = f"par email ({smtp.host})"
    title = "Simulation (l’envoi réel ferait)" if options.simulation else "À envoyer"
    out.write(
        f"{title} : {len(todo)} relance(s) — {emails} email(s) {by_email}, {letters} courrier(s), "
        f"{calls} appel(s) — {plain_amount(total)} au total ; lettres datées du "
        f"{how.letter_date.strftime('%d/%m/%Y')}.\n"
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
    reference_date: date,
    todo: list[_Todo],
    how: Delivery,
    lot: LotRow | None,
    out: TextIO,
    uncertain: bool,
) -> int:
    journal = how.journal
    if journal is None:
        shutil.rmtree(folder.simulation, ignore_errors=True)
        jobs = [Job(t.reminder, None, file_stem(n, t.reminder), t.parts) for n, t in enumerate(todo, start=1)]
        outcome = deliver(jobs, how)
        _report(folder, "Simulation", outcome, out)
        out.write(
            "Simulation : rien n'a été envoyé ni enregistré ; "
            f"aperçu dans {folder.show(folder.simulation)}.\n"
        )
        return OK
    lot_id = lot.id if lot else journal.create_lot(how.now(), reference_date, key)
    jobs = []
    for number, item in enumerate(todo, start=1):
        reminder_id = item.id if item.id is not None else _plan(journal, lot_id, item.reminder, how.now())
        jobs.append(Job(item.reminder, reminder_id, file_stem(number, item.reminder), item.parts))
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
    recipients = {"email": customer.email, "courrier": postal, "telephone": customer.phone}
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


def _archive(folder: Folder, path: Path, journal: Journal | None, lot: LotRow | None, out: TextIO) -> None:
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
        lowered = row.proposed_level and row.proposed_level != row.level
        lines.append(
            f"{row.customer_code} {row.customer_name} : niveau {row.level}"
            + (f" (proposé : {row.proposed_level})" if lowered else "")
            + f", {CHANNELS[row.channel]}"
        )
        for part in row.parts:
            files = ", ".join(part.files)
            lines.append(
                f"    {part.part} : {part.recipient or '—'} — {STATUS_LABELS.get(part.status, part.status)}"
                + (f" le {part.sent_at:%d/%m/%Y %H:%M}" if part.sent_at else "")
                + (f" ({part.error})" if part.error else "")
                + (f" — {files}" if files else "")
            )
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.move(path, target)
    out.write(f"Proposition archivée : {folder.show(target)} (compte rendu : {folder.show(report)}).\n")


STATUS_LABELS = {
    SENT: "envoyée",
    FAILED: "en échec",
    SENDING: "incertaine",
    PLANNED: "prévue",
    CANCELLED: "annulée",
}
