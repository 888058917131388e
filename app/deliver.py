"""Act on a planned lot: letters to PDF, emails, the print bundle, the call list — each step journaled.

Exactly once: a reminder is marked `sending` before it can leave (email handed to the server, letter
put into the bundle) and `sent` right after; a run killed in between leaves it `sending`, which the
next run lists for a decision instead of sending it again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from app.folder import Folder
from app.progress import progress
from journal import Journal
from letters.bundle import merge_pdfs
from letters.pdf import ConversionError, to_pdf
from letters.templates import email_template_path, render_email, render_letter, template_path
from mail.config import MailSettings
from mail.message import Email, write_eml
from mail.smtp import Mailer, SendFailure
from models.errors import RelanceError
from models.reminders import Reminder, template_fields
from models.settings import Settings
from workbook.calls import write_call_list

log = logging.getLogger("relance")


@dataclass(frozen=True)
class Job:
    """One reminder of the lot, with its journal id (None in a simulation) and its files' name."""

    reminder: Reminder
    id: int | None
    stem: str


@dataclass
class Outcome:
    """What a lot did: sent reminders (by job), failures with their reason, and the files written."""

    sent: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)
    uncertain: list[tuple[Job, str]] = field(default_factory=list)  # may have left: never resent silently
    emails: int = 0
    eml_files: list[Path] = field(default_factory=list)
    bundle: Path | None = None
    calls: Path | None = None
    stopped: str = ""  # why sending stopped early (SMTP login refused mid-run)


@dataclass(frozen=True)
class Delivery:
    """Where and how a lot is delivered."""

    folder: Folder
    settings: Settings
    today: date
    out_dir: Path  # letters and .eml files of this lot
    converter: str
    mail: MailSettings | None  # None: emails are written as .eml files
    sender: str  # for .eml files
    sender_name: str
    reply_to: str
    journal: Journal | None  # None: a simulation, nothing recorded
    now: Callable[[], datetime]


def file_stem(index: int, reminder: Reminder) -> str:
    """« 007_CL0006_niveau-3 »: sortable, and safe on every file system."""
    code = re.sub(r"[^\w-]+", "_", reminder.customer.code).strip("_") or "client"
    return f"{index:03d}_{code}_niveau-{reminder.level.number}"


def deliver(jobs: Sequence[Job], how: Delivery) -> Outcome:
    outcome = Outcome()
    pdfs = _letters(jobs, how, outcome)
    pending_post = _emails([j for j in jobs if j.reminder.by_email and j in pdfs], pdfs, how, outcome)
    post = [
        j
        for j in jobs
        if j in pdfs and (j in pending_post or (j.reminder.by_post and not j.reminder.by_email))
    ]
    post.sort(key=lambda j: j.stem)
    if post:
        _bundle(post, pdfs, how, outcome)
    calls = [j for j in jobs if j.reminder.by_phone]
    if calls:
        _calls(calls, how, outcome)
    return outcome


def _letters(jobs: Sequence[Job], how: Delivery, outcome: Outcome) -> dict[Job, Path]:
    """Render every letter, then convert them all in one go (LibreOffice: one process per chunk)."""
    letters_dir = how.out_dir
    letters_dir.mkdir(parents=True, exist_ok=True)
    docx: dict[Job, Path] = {}
    for job in progress([j for j in jobs if not j.reminder.by_phone], "Lettres Word"):
        target = letters_dir / f"{job.stem}.docx"
        fields = template_fields(job.reminder, how.settings.company, how.today)
        render_letter(template_path(how.folder.templates, job.reminder.level), fields, target)
        docx[job] = target
    if not docx:
        return {}
    log.info("Conversion de %d lettre(s) en PDF (%s)", len(docx), how.converter)
    try:
        converted = to_pdf(
            list(docx.values()), letters_dir, how.converter, profile_dir=how.folder.libreoffice_profile
        )
    except ConversionError as error:
        converted = error.converted
    pdfs = {}
    for job, path in docx.items():
        if path in converted:
            pdfs[job] = converted[path]
        else:
            _fail(job, "la lettre n'a pas pu être convertie en PDF", how, outcome)
    return pdfs


def _attachments(job: Job, pdfs: dict[Job, Path], how: Delivery) -> list[Path]:
    """The letter, then a copy of each invoice found in input/factures_pdf/."""
    files = [pdfs[job]]
    for invoice in job.reminder.invoices:
        for name in (invoice.number, re.sub(r"[^\w.-]+", "_", invoice.number)):
            copy = how.folder.invoice_pdfs / f"{name}.pdf"
            if copy.is_file():
                files.append(copy)
                break
    return files


def _emails(jobs: Sequence[Job], pdfs: dict[Job, Path], how: Delivery, outcome: Outcome) -> list[Job]:
    """Send (or write as .eml) every email; return the email + courrier jobs whose email left."""
    if not jobs:
        return []
    messages = []
    for job in jobs:
        fields = template_fields(job.reminder, how.settings.company, how.today)
        subject, body = render_email(email_template_path(how.folder.templates, job.reminder.level), fields)
        messages.append(
            (job, Email(job.reminder.customer.email, subject, body, tuple(_attachments(job, pdfs, how))))
        )
    post: list[Job] = []
    if how.mail is None or how.journal is None:
        for job, email in messages:
            _start(job, how)
            target = how.out_dir / f"{job.stem}.eml"
            write_eml(email, target, how.sender, how.sender_name, how.reply_to)
            outcome.eml_files.append(target)
            _left(job, email, [target], how, outcome, post)
        return post
    log.info("Envoi de %d email(s) par %s", len(messages), how.mail.host)
    with Mailer(how.mail) as mailer:
        for job, email in progress(messages, "Envoi des emails"):
            _start(job, how)
            try:
                mailer.send(email)
            except SendFailure as failure:
                if failure.maybe_sent:  # the server may have it: stays `sending`, for a decision
                    outcome.uncertain.append((job, failure.message))
                else:
                    _fail(job, failure.message, how, outcome)
                continue
            except RelanceError as error:  # the login is refused mid-run: stop at once
                _fail(job, error.message, how, outcome)
                outcome.stopped = str(error)
                break
            _left(job, email, list(email.attachments), how, outcome, post)
    return post


def _left(
    job: Job, email: Email, files: list[Path], how: Delivery, outcome: Outcome, post: list[Job]
) -> None:
    outcome.emails += 1
    if job.reminder.by_post:
        post.append(job)  # sent once its letter is in the bundle too
    else:
        _done(job, files, how, outcome)


def _bundle(jobs: Sequence[Job], pdfs: dict[Job, Path], how: Delivery, outcome: Outcome) -> None:
    """All postal letters of the lot, each followed by its invoice copies, in one PDF to print."""
    for job in jobs:
        if not job.reminder.by_email:  # email + courrier ones are already `sending`
            _start(job, how)
    directory = how.out_dir if how.journal is None else how.folder.output
    target = how.folder.free_path(directory, f"courriers_{how.today.isoformat()}", ".pdf")
    parts = [path for job in jobs for path in _attachments(job, pdfs, how)]
    try:
        merge_pdfs(parts, target)
    except (OSError, ValueError) as error:
        for job in jobs:
            _fail(job, f"la liasse des courriers n'a pas pu être écrite ({error})", how, outcome)
        return
    outcome.bundle = target
    for job in jobs:
        _done(job, [pdfs[job], target], how, outcome)


def _calls(jobs: Sequence[Job], how: Delivery, outcome: Outcome) -> None:
    for job in jobs:
        _start(job, how)
    directory = how.out_dir if how.journal is None else how.folder.output
    target = how.folder.free_path(directory, f"appels_{how.today.isoformat()}", ".xlsx")
    write_call_list([job.reminder for job in jobs], target)
    outcome.calls = target
    for job in jobs:
        _done(job, [target], how, outcome)


def _start(job: Job, how: Delivery) -> None:
    if how.journal is not None and job.id is not None:
        how.journal.mark_sending(job.id, how.now())


def _done(job: Job, files: list[Path], how: Delivery, outcome: Outcome) -> None:
    if how.journal is not None and job.id is not None:
        how.journal.mark_sent(job.id, how.now(), [how.folder.show(f) for f in files])
    outcome.sent.append(job)
    log.debug("Relance faite : %s, %s", _who(job), ", ".join(how.folder.show(f) for f in files))


def _fail(job: Job, reason: str, how: Delivery, outcome: Outcome) -> None:
    if how.journal is not None and job.id is not None:
        how.journal.mark_failed(job.id, how.now(), reason)
    outcome.failed.append((job, reason))
    log.warning("Relance en échec : %s : %s", _who(job), reason)


def _who(job: Job) -> str:
    reminder = job.reminder
    return (
        f"{reminder.customer.name} ({reminder.customer.code}), niveau {reminder.level.number}, "
        f"{reminder.channel}"
    )
