"""The `envoyer` command: check the newest validated proposal against today's exports, confirm, deliver."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TextIO

from app.companies import check_prepared_for, check_senders, identities, plan_sending, sender_problems
from app.config import RunConfig
from app.deliver import Delivery, Job, deliver, file_stem
from app.demo import check_sender, iban_problems
from app.folder import Folder
from app.lots import Todo, archive, lot_of, plan_reminder, quotes_in_lot, report, resume, tell_uncertain
from app.options import SendOptions
from app.prepare import current_proposal
from app.proposals import check_formats, lot_key, newest
from journal import Journal, LotRow, read_letters, read_quote_history
from letters.pdf import choose_converter, find_soffice, word_installed
from letters.quote_templates import check_quote_templates
from letters.templates import check_templates
from mail.config import MailSettings
from mail.smtp import Mailer
from models.errors import RelanceError
from models.problems import Problems
from models.quote_sending import QuoteReminder, plan_quotes
from models.records import ZERO
from models.text import plain_amount
from workbook.quote_edits import read_quote_choices
from workbook.reader import ROWS_HINT, read_proposal

log = logging.getLogger("relance")

OK, USER_ERROR, SOME_FAILED = 0, 1, 3


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
    check_formats(folder)  # the accountant's changes saved as .ods or under another name: said first
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
    if not options.simulation and settings.companies:
        check_senders(folder, settings)
    elif not options.simulation:
        check_sender(folder, settings.company)
    if not options.simulation and not options.yes and ask is None:
        raise RelanceError(
            "Envoi non confirmé : sans terminal, Relance ne pose pas de question ; "
            "ajoutez --oui pour envoyer."
        )
    edited = read_proposal(path)
    check_prepared_for(edited, settings)
    key = lot_key(path, status)
    lot = lot_of(journal, key)
    if lot is not None and lot.status == "complete":
        out.write(f"Cette proposition a déjà été envoyée (lot {lot.id}) : rien de nouveau à envoyer.\n")
        archive(folder, path, journal, lot, out)
        return OK
    letters = journal.letters() if journal else read_letters(folder.journal)
    history = journal.quote_history() if journal else read_quote_history(folder.journal)
    current, _ = current_proposal(folder, settings, today, letters, quote_history=history)
    ignored, plan, wrong_cells = plan_sending(edited, current, settings)
    quote_choices = read_quote_choices(edited, settings)
    quote_plan = plan_quotes(current.quotes, quote_choices.quotes, quotes_in_lot(journal, lot))
    for note in (*ignored, *plan.notes, *quote_plan.notes):
        out.write(f"  {note}\n")
    problems = sorted(
        [*edited.problems, *wrong_cells, *plan.problems, *quote_choices.problems, *quote_plan.problems],
        key=lambda p: p.where,
    )
    rows_moved = bool(edited.problems)
    options, told = _decide_uncertain(journal, lot, options, ask, out)
    todo, uncertain, arrived = resume(
        folder, journal, lot, (*plan.reminders, *quote_plan.reminders), options, now
    )
    letters_to_make = [t.reminder for t in todo if t.parts - {"telephone"}]
    levels = {r.level.number: r.level for r in letters_to_make if not isinstance(r, QuoteReminder)}.values()
    problems += check_templates(folder.templates, levels)
    if any(isinstance(r, QuoteReminder) for r in letters_to_make):
        problems += [p for p in check_quote_templates(folder.templates) if p not in problems]
    if settings.companies:  # each company's IBAN and logo, for the companies that send letters
        problems += sender_problems(folder, settings, {r.company for r in letters_to_make})
    else:
        problems += iban_problems(folder, settings.company)
    if problems:
        raise Problems(
            f"La proposition {folder.show(path)} ne peut pas être envoyée, rien n'est parti "
            f"({len(problems)} point{'s' if len(problems) > 1 else ''} à corriger) :",
            problems,
            ROWS_HINT if rows_moved else "",
        )
    if arrived:
        tell_uncertain(arrived, out, "arrived")
    if uncertain and not told:
        tell_uncertain(uncertain, out)
    if not todo:
        out.write("Rien de nouveau à envoyer.\n")
        if journal and lot and not uncertain:
            journal.complete_lot(lot.id, now())
            archive(folder, path, journal, lot, out)
        elif journal and lot is None and not options.simulation:
            archive(folder, path, journal, None, out)  # validated, nothing in it to send: done with
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


def _prepare_delivery(
    folder: Folder,
    config: RunConfig,
    today: date,
    now: Callable[[], datetime],
    todo: list[Todo],
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
        identities=identities(config),
    )


def _summary(
    todo: list[Todo], how: Delivery, options: SendOptions, out: TextIO, smtp: MailSettings | None
) -> None:
    """What is about to happen; for a simulation, what the real run would do (`smtp`: its server)."""
    emails = sum("email" in t.parts for t in todo)
    letters = sum("courrier" in t.parts for t in todo)
    calls = sum("telephone" in t.parts for t in todo)
    # A quote's amount is not money due: only the invoice reminders make the total.
    total = sum((t.reminder.total for t in todo if not isinstance(t.reminder, QuoteReminder)), ZERO)
    quotes = sum(isinstance(t.reminder, QuoteReminder) for t in todo)
    if smtp is None:
        by_email = "en fichiers .eml (pas de serveur SMTP dans .env)"
    elif options.simulation:
        by_email = f"par le serveur SMTP {smtp.host} de .env (ici écrits en fichiers .eml)"
    else:
        by_email = f"par email ({smtp.host})"
    title = "Simulation (l’envoi réel ferait)" if options.simulation else "À envoyer"
    of_which = f", dont {quotes} relance(s) de devis" if quotes else ""
    out.write(
        f"{title} : {len(todo)} relance(s){of_which} — {emails} email(s) {by_email}, {letters} courrier(s), "
        f"{calls} appel(s) — {plain_amount(total)} au total{' dû' if quotes else ''} ; lettres datées du "
        f"{how.letter_date.strftime('%d/%m/%Y')}.\n"
    )


def _decide_uncertain(
    journal: Journal | None,
    lot: LotRow | None,
    options: SendOptions,
    ask: Callable[[str], str] | None,
    out: TextIO,
) -> tuple[SendOptions, bool]:
    """On a terminal (the double-click), the lot's uncertain emails are listed and the user answers for
    them all: found in the sent messages (count them as sent), send them again, or decide later (the
    default: nothing changes). With --oui, an option already given, or no terminal: no question.
    The options to send with, and whether the list was shown."""
    if journal is None or lot is None or ask is None or options.yes:
        return options, False
    if options.retry_uncertain or options.uncertain_arrived:
        return options, False
    rows = [row for row in journal.uncertain() if row.lot_id == lot.id]
    if not rows:
        return options, False
    tell_uncertain(rows, out, "asked")
    answer = ask(
        "Les avez-vous retrouvés dans vos messages envoyés ? [o = oui, ils sont partis : les compter "
        "comme envoyés / r = les renvoyer / Entrée = décider plus tard] "
    )
    answer = answer.strip().lower()
    if answer in ("o", "oui"):
        return replace(options, uncertain_arrived=True), True
    if answer in ("r", "renvoyer"):
        return replace(options, retry_uncertain=True), True
    return options, True


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
    todo: list[Todo],
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
        report(folder, "Simulation", outcome, out)
        out.write(
            "Simulation : rien n'a été envoyé ni enregistré ; "
            f"aperçu dans {folder.show(folder.simulation)}.\n"
        )
        return OK
    lot_id = lot.id if lot else journal.create_lot(how.now(), reference_date, key)
    jobs = []
    for number, item in enumerate(todo, start=1):
        reminder_id = item.id
        if reminder_id is None:
            reminder_id = plan_reminder(journal, lot_id, item.reminder, how.now())
        jobs.append(Job(item.reminder, reminder_id, file_stem(number, item.reminder), item.parts))
    outcome = deliver(jobs, replace(how, out_dir=folder.lots / lot_id))
    report(folder, f"Lot {lot_id}", outcome, out)
    if outcome.failed or outcome.uncertain or outcome.stopped or uncertain:
        out.write(
            "Relancez « envoyer » pour réessayer : ce qui est parti ne repartira pas. Un échec qui se répète "
            "(une adresse refusée…) : corrigez la colonne Email de la proposition, ou mettez Non dans "
            "« À relancer » pour ce client, enregistrez, puis relancez.\n"
        )
        return SOME_FAILED
    journal.complete_lot(lot_id, how.now())
    finished = journal.lot(lot_id)
    assert finished is not None
    archive(folder, path, journal, finished, out)
    return OK
