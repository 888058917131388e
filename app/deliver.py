"""Act on a planned lot: letters to PDF, emails, the print bundle, the call list — each channel journaled.

Exactly once, channel by channel. An email is marked `sending` only once the server accepted its sender
and recipient, right before the message is handed over, and `sent` as soon as the server accepted it:
a run killed in that window leaves it `sending`, listed for a decision, never resent silently. A letter
is marked `sending` with the name of the bundle about to be written, and `sent` once it is: after a
crash the bundle file tells whether it was. Letters, PDFs and invoice copies are all checked before
the first email of a reminder leaves; a bad one fails that reminder alone, naming its file.
"""

from __future__ import annotations

import errno
import logging
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfWriter
from pypdf.errors import PyPdfError

from app.companies import company_for, logo_path, mail_for
from app.folder import Folder, inside
from app.progress import progress
from journal import Journal
from letters.bundle import merge_pdfs
from letters.pdf import ConversionError, to_pdf
from letters.templates import email_template_path, render_email, render_letter, template_path, uses_field
from mail.config import Identity, MailSettings
from mail.message import Attachment, Email, write_eml
from mail.smtp import Mailer, SendFailure
from models.errors import RelanceError, write_error
from models.quote_sending import QuoteReminder, Sendable, quote_fields
from models.reminders import template_fields
from models.settings import Settings
from workbook.calls import write_call_list

log = logging.getLogger("relance")

_ROOM_FOR_A_LETTER = 1 << 20  # bytes: below this, a letter that did not become PDF is a full disk


@dataclass(frozen=True)
class Job:
    """One reminder of the lot: its journal id (None in a simulation), its files' name, and the channels
    still to deliver (all of them on a first run; after an interruption, those that did not leave)."""

    reminder: Sendable  # an invoice reminder, or a quote follow-up (its own letter, never mixed)
    id: int | None
    stem: str
    parts: frozenset[str]

    @property
    def email(self) -> bool:
        return "email" in self.parts

    @property
    def post(self) -> bool:
        return "courrier" in self.parts

    @property
    def call(self) -> bool:
        return "telephone" in self.parts


@dataclass
class Outcome:
    """What a lot did: reminders done (by job), failures with their reason, and the files written."""

    sent: list[Job] = field(default_factory=list)
    failed: list[tuple[Job, str]] = field(default_factory=list)
    uncertain: list[tuple[Job, str]] = field(default_factory=list)  # may have left: never resent silently
    emails: int = 0
    eml_files: list[Path] = field(default_factory=list)
    bundles: list[Path] = field(default_factory=list)  # one per company ([[societes]]), else one at most
    call_lists: list[Path] = field(default_factory=list)
    stopped: str = ""  # why sending stopped early (SMTP login refused mid-run)
    done: dict[Job, set[str]] = field(default_factory=dict)  # the channels each job delivered


@dataclass(frozen=True)
class Delivery:
    """Where and how a lot is delivered."""

    folder: Folder
    settings: Settings
    letter_date: date  # the day the letters are dated: when they are produced for sending
    reference_date: date  # « échéances échues au »
    out_dir: Path  # letters and .eml files of this lot
    converter: str
    mail: MailSettings | None  # None: emails are written as .eml files
    identity: Identity  # the sender of .eml files
    journal: Journal | None  # None: a simulation, nothing recorded
    now: Callable[[], datetime]
    identities: Mapping[str, Identity] = field(default_factory=dict)  # [[societes]]: each company's sender

    def sender(self, job: Job) -> Identity:
        return self.identities.get(job.reminder.company, self.identity)


def file_stem(index: int, reminder: Sendable) -> str:
    """« 007_CL0006_niveau-3 », « 008_CL0002_devis-D-2026-014 » (« 007_LYON_CL0006_niveau-3 » with
    [[societes]]): sortable, and safe on every file system (for the lot's own folder)."""
    company = f"{_safe(reminder.company) or 'societe'}_" if reminder.company else ""
    code = _safe(reminder.customer.code) or "client"
    if isinstance(reminder, QuoteReminder):
        return f"{index:03d}_{company}{code}_devis-{_safe(reminder.quote.number) or 'sans-numero'}"
    return f"{index:03d}_{company}{code}_niveau-{reminder.level.number}"


def attachment_name(reminder: Sendable, settings: Settings, day: date) -> str:
    """The letter's name as the customer sees it: « Relance_Menuiserie_Durand_2026-12-02.pdf », or
    « Mise_en_demeure_Menuiserie_Durand_2026-12-02.pdf » for the last level, « Devis_D-2026-014_… » for
    a quote follow-up."""
    if isinstance(reminder, QuoteReminder):
        kind = f"Devis_{_safe(reminder.quote.number)}".rstrip("_")
    else:
        kind = "Mise_en_demeure" if reminder.level.number == settings.last_level else "Relance"
    company = _safe(company_for(settings, reminder).name)
    return f"{kind}_{company}_{day.isoformat()}.pdf" if company else f"{kind}_{day.isoformat()}.pdf"


def _safe(text: str) -> str:
    """Letters, digits, - and _ only, accents dropped: a name every mail program and file system keeps."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9-]+", "_", plain).strip("_")


def deliver(jobs: Sequence[Job], how: Delivery) -> Outcome:
    outcome = Outcome()
    with tempfile.TemporaryDirectory(prefix="relance-libreoffice-") as profiles:
        letters = _letters(jobs, how, Path(profiles), outcome)
    ready = {job: files for job, files in letters.items() if _checked(job, files, how, outcome)}
    if not _emails([j for j in jobs if j.email and j in ready], ready, how, outcome):
        # One print bundle and one call list per company: each goes to its own letterbox and phone.
        for company, chosen in _by_company(jobs):
            post = sorted((j for j in chosen if j.post and j in ready), key=lambda j: j.stem)
            if post:
                _bundle(post, ready, how, outcome, company)
            calls = [j for j in chosen if j.call]
            if calls:
                _calls(calls, how, outcome, company)
    outcome.sent = [job for job in jobs if outcome.done.get(job, set()) >= job.parts]
    return outcome


@dataclass
class _Files:
    """The PDFs of one reminder: the copy attached to its email, the copy printed, the invoice copies."""

    email: Path | None = None
    post: Path | None = None
    copies: list[Path] = field(default_factory=list)


def _letters(jobs: Sequence[Job], how: Delivery, profiles: Path, outcome: Outcome) -> dict[Job, _Files]:
    """Render every letter (the emailed and the printed copy when the template tells them apart), then
    convert them all at once (LibreOffice: one process per chunk, private profiles in `profiles`)."""
    how.out_dir.mkdir(parents=True, exist_ok=True)
    docx: dict[Path, tuple[Job, tuple[str, ...]]] = {}
    for job in progress([j for j in jobs if j.email or j.post], "Lettres Word"):
        template = template_path(how.folder.templates, job.reminder.level)
        for suffix, postal_copy, roles in _copies(job, uses_field(template, "copie_postale")):
            target = how.out_dir / f"{job.stem}{suffix}.docx"
            company = company_for(how.settings, job.reminder)
            fields = _fields(job, how, postal_copy=postal_copy)
            try:
                render_letter(template, fields, target, logo=logo_path(how.folder, company))
            except OSError as error:
                raise write_error(error, how.folder.show(how.out_dir)) from None
            docx[target] = (job, roles)
    if not docx:
        return {}
    log.info("Conversion de %d lettre(s) en PDF (%s)", len(docx), how.converter)
    try:
        converted = to_pdf(list(docx), how.out_dir, how.converter, profile_dir=profiles)
    except ConversionError as error:
        converted = error.converted
        if shutil.disk_usage(how.out_dir).free < _ROOM_FOR_A_LETTER:  # LibreOffice could not write them
            raise write_error(OSError(errno.ENOSPC, "disk full"), how.folder.show(how.out_dir)) from None
    files: dict[Job, _Files] = {}
    for path, (job, roles) in docx.items():
        found = files.setdefault(job, _Files())
        pdf = converted.get(path)
        if "email" in roles:
            found.email = pdf
        if "post" in roles:
            found.post = pdf
    return files


def _fields(job: Job, how: Delivery, *, postal_copy: bool = False) -> dict[str, Any]:
    """The fields of the reminder's templates: an invoice reminder's, or a quote follow-up's own."""
    reminder, company = job.reminder, company_for(how.settings, job.reminder)
    if isinstance(reminder, QuoteReminder):
        return quote_fields(reminder, company, how.letter_date, how.reference_date, postal_copy=postal_copy)
    return template_fields(reminder, company, how.letter_date, how.reference_date, postal_copy=postal_copy)


def _copies(job: Job, distinct: bool) -> list[tuple[str, bool, tuple[str, ...]]]:
    """(file name suffix, printed copy?, what it serves) for each letter of a reminder to render."""
    if job.email and job.post:
        if distinct:  # only the printed copy says « recommandée avec accusé de réception »
            return [("", False, ("email",)), ("_courrier", True, ("post",))]
        return [("", False, ("email", "post"))]
    if job.email:
        return [("", False, ("email",))]
    return [("", True, ("post",))]


def _checked(job: Job, files: _Files, how: Delivery, outcome: Outcome) -> bool:
    """Before anything of this reminder leaves: its PDFs exist, its invoice copies open."""
    if (job.email and files.email is None) or (job.post and files.post is None):
        _fail(job, "la lettre n'a pas pu être convertie en PDF", how, outcome)
        return False
    try:
        files.copies = _invoice_copies(job.reminder, how.folder)
    except RelanceError as error:
        _fail(job, error.message, how, outcome)
        return False
    return True


def _invoice_copies(reminder: Sendable, folder: Folder) -> list[Path]:
    """A copy of each invoice found in input/factures_pdf/ (by its number), or of the quote found in
    input/devis_pdf/, checked to open as a PDF and to stay inside that folder whatever the number says
    (« ../../secret »). With [[societes]], in the company's own subfolder (input/factures_pdf/<code>/),
    for two companies may number alike."""
    if isinstance(reminder, QuoteReminder):
        numbers, directory = [reminder.quote.number], folder.quote_pdfs
    else:
        numbers, directory = [invoice.number for invoice in reminder.invoices], folder.invoice_pdfs
    if reminder.company:
        directory = directory / _safe(reminder.company)
    found = []
    for number in numbers:
        for name in dict.fromkeys((number, _safe(number))):
            copy = directory / f"{name}.pdf"
            if not inside(copy, directory) or not copy.is_file():
                continue
            try:
                PdfWriter().append(copy, import_outline=False)  # what the print bundle will do with it
            except (OSError, PyPdfError, ValueError, IndexError, KeyError, TypeError):
                what = "du devis" if isinstance(reminder, QuoteReminder) else "de facture"
                raise RelanceError(
                    f"la copie {what} {folder.show(copy)} ne s'ouvre pas : remplacez-la par un PDF "
                    "valide, ou retirez-la"
                ) from None
            found.append(copy)
            break
    return found


def _attachments(job: Job, letter: Path, files: _Files, how: Delivery) -> tuple[Attachment, ...]:
    name = attachment_name(job.reminder, how.settings, how.letter_date)
    copy_name = "Devis" if isinstance(job.reminder, QuoteReminder) else "Facture"
    return (
        Attachment(letter, name),
        *(Attachment(copy, f"{copy_name}_{_safe(copy.stem)}.pdf") for copy in files.copies),
    )


def _emails(jobs: Sequence[Job], ready: dict[Job, _Files], how: Delivery, outcome: Outcome) -> bool:
    """Send (or write as .eml) every email, journaled one by one; True when sending had to stop."""
    if not jobs:
        return False
    messages = []
    for job in jobs:
        fields = _fields(job, how)
        subject, body = render_email(email_template_path(how.folder.templates, job.reminder.level), fields)
        letter = ready[job].email
        assert letter is not None
        attachments = _attachments(job, letter, ready[job], how)
        messages.append((job, Email(job.reminder.customer.email, subject, body, attachments)))
    if how.mail is None or how.journal is None:
        for job, email in messages:
            target = how.out_dir / f"{job.stem}.eml"
            # Its file settles it after a crash: written whole (temporary name, then renamed) or not at all.
            _part_start(job, "email", [how.folder.show(target)], how)
            sender = how.sender(job)
            try:
                write_eml(email, target, sender.address, sender.name, sender.reply_to)
            except OSError as error:
                problem = write_error(error, how.folder.show(how.out_dir))
                _fail_part(job, "email", problem.message, how, outcome)
                raise problem from None
            outcome.eml_files.append(target)
            _part_done(job, "email", [how.folder.show(target)], how, outcome, email.to)
            outcome.emails += 1
        return False
    log.info("Envoi de %d email(s) par %s", len(messages), how.mail.host)
    for company, chosen in _by_company([job for job, _ in messages]):
        mail = mail_for(how.mail, how.sender(chosen[0])) if company else how.mail
        jobs_of = set(chosen)
        if _send([(job, email) for job, email in messages if job in jobs_of], mail, how, outcome):
            return True
    return False


def _send(messages: list[tuple[Job, Email]], mail: MailSettings, how: Delivery, outcome: Outcome) -> bool:
    """Send the emails of one sender through one connection; True when sending had to stop."""
    with Mailer(mail) as mailer:
        for job, email in progress(messages, "Envoi des emails"):
            handed: list[bool] = []

            def before_data(job: Job = job, email: Email = email, handed: list[bool] = handed) -> None:
                if how.journal is not None and job.id is not None:
                    how.journal.part_sending(job.id, "email", how.now(), recipient=email.to)
                handed.append(True)

            try:
                mailer.send(email, before_data=before_data)
            except SendFailure as failure:
                if failure.maybe_sent:  # the server may have it: stays `sending`, for a decision
                    outcome.uncertain.append((job, failure.message))
                else:
                    _fail_part(job, "email", failure.message, how, outcome)
                continue
            except RelanceError as error:  # the login is refused mid-run: stop at once
                _fail_part(job, "email", error.message, how, outcome)
                outcome.stopped = str(error)
                return True
            files = [how.folder.show(a.path) for a in email.files]
            _part_done(job, "email", files, how, outcome, email.to)
            outcome.emails += 1
    return False


def _by_company(jobs: Sequence[Job]) -> list[tuple[str, list[Job]]]:
    """The jobs of each company, companies in the order they first come ("" with one company)."""
    found: dict[str, list[Job]] = {}
    for job in jobs:
        found.setdefault(job.reminder.company, []).append(job)
    return list(found.items())


def _name(kind: str, company: str, day: date) -> str:
    """« courriers_2026-12-02 », « courriers_LYON_2026-12-02 » with [[societes]]."""
    middle = f"{_safe(company) or 'societe'}_" if company else ""
    return f"{kind}_{middle}{day.isoformat()}"


def _bundle(
    jobs: Sequence[Job], ready: dict[Job, _Files], how: Delivery, outcome: Outcome, company: str = ""
) -> None:
    """All postal letters of the lot (of one company), each followed by its invoice copies, in one PDF."""
    directory = how.out_dir if how.journal is None else how.folder.output
    target = how.folder.free_path(directory, _name("courriers", company, how.letter_date), ".pdf")
    shown = how.folder.show(target)
    for job in jobs:
        _part_start(job, "courrier", [shown], how)
    parts = []
    for job in jobs:
        letter = ready[job].post
        assert letter is not None
        parts += [letter, *ready[job].copies]
    try:
        merge_pdfs(parts, target)
    except OSError as error:
        problem = write_error(error, how.folder.show(directory))
        for job in jobs:
            _fail_part(job, "courrier", problem.message, how, outcome)
        raise problem from None
    except (RelanceError, ValueError) as error:
        for job in jobs:
            _fail_part(
                job, "courrier", f"la liasse des courriers n'a pas pu être écrite ({error})", how, outcome
            )
        return
    outcome.bundles.append(target)
    for job in jobs:
        letter = ready[job].post
        assert letter is not None
        _part_done(job, "courrier", [how.folder.show(letter), shown], how, outcome)


def _calls(jobs: Sequence[Job], how: Delivery, outcome: Outcome, company: str = "") -> None:
    directory = how.out_dir if how.journal is None else how.folder.output
    target = how.folder.free_path(directory, _name("appels", company, how.letter_date), ".xlsx")
    shown = how.folder.show(target)
    for job in jobs:
        _part_start(job, "telephone", [shown], how)
    try:
        write_call_list([job.reminder for job in jobs], target)
    except OSError as error:
        problem = write_error(error, how.folder.show(directory))
        for job in jobs:
            _fail_part(job, "telephone", problem.message, how, outcome)
        raise problem from None
    outcome.call_lists.append(target)
    for job in jobs:
        _part_done(job, "telephone", [shown], how, outcome)


# --- the journal, channel by channel ---------------------------------------------------------------


def _part_start(job: Job, part: str, files: list[str], how: Delivery) -> None:
    if how.journal is not None and job.id is not None:
        how.journal.part_sending(job.id, part, how.now(), files=files)


def _part_done(
    job: Job, part: str, files: list[str], how: Delivery, outcome: Outcome, recipient: str | None = None
) -> None:
    if how.journal is not None and job.id is not None:
        how.journal.part_sent(job.id, part, how.now(), files, recipient)
    outcome.done.setdefault(job, set()).add(part)
    log.debug("Relance faite (%s) : %s, %s", part, _who(job), ", ".join(files))


def _fail_part(job: Job, part: str, reason: str, how: Delivery, outcome: Outcome) -> None:
    if how.journal is not None and job.id is not None:
        how.journal.part_failed(job.id, part, how.now(), reason)
    outcome.failed.append((job, reason))
    log.warning("Relance en échec (%s) : %s : %s", part, _who(job), reason)


def _fail(job: Job, reason: str, how: Delivery, outcome: Outcome) -> None:
    """Nothing of this reminder left: every channel still to do fails, for the next run to retry."""
    if how.journal is not None and job.id is not None:
        for part in sorted(job.parts):
            how.journal.part_failed(job.id, part, how.now(), reason)
    outcome.failed.append((job, reason))
    log.warning("Relance en échec : %s : %s", _who(job), reason)


def _who(job: Job) -> str:
    reminder = job.reminder
    what = f"niveau {reminder.level.number}"
    if isinstance(reminder, QuoteReminder):
        what = f"devis {reminder.quote.number}, relance n° {reminder.number}"
    company = f"{reminder.company} " if reminder.company else ""
    return f"{reminder.customer.name} ({company}{reminder.customer.code}), {what}, {reminder.channel}"
