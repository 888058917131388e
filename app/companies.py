"""Sending for several companies ([[societes]]): each company's rows of the validated proposal planned as
those of one company, and what each company's letters need (its sender, its logo, its IBAN) checked before
anything leaves. With one company, `plan_sending` is the simple case and nothing else here is used.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.config import RunConfig
from app.demo import is_demo_company
from app.folder import Folder, inside
from letters.pictures import logo_problem
from mail.config import Identity, MailSettings, sender_identity
from models.companies import company_of, described
from models.errors import RelanceError
from models.group import part_of
from models.payment import iban_problem
from models.problems import Problem
from models.proposal import Proposal
from models.reminders import Reminder
from models.sending import SendPlan, plan_lot
from models.settings import Company, Settings
from workbook.edits import read_choices
from workbook.reader import EditedProposal


def plan_sending(
    edited: EditedProposal, current: Proposal, settings: Settings
) -> tuple[tuple[str, ...], SendPlan, tuple[Problem, ...]]:
    """The rows added by hand (notes), the plan of the lot, and the cells that mean nothing (problems).
    With [[societes]], each company's rows are read and planned against its own lines of `current`, and
    its reminders carry its code; a note names the company it is about."""
    if not edited.parts:
        emails = {line.customer.code: line.customer.email for line in current.customers}
        choices = read_choices(edited, settings, emails)
        plan = plan_lot(current, choices.customers, choices.included, choices.shown_remaining, settings)
        return choices.ignored, plan, choices.problems
    ignored = read_choices(replace(edited, parts={}), settings, {}).ignored
    reminders: list[Reminder] = []
    notes: list[str] = []
    problems: list[Problem] = []
    known = {company.code for company in settings.companies}
    for code, part in edited.parts.items():
        if code not in known:
            if part.customers:
                problems.append(Problem(
                    "0", f"La proposition a des clients de la société {code}, qui n'est plus dans "
                    "relance.toml ([[societes]]) : remettez-la, ou préparez une nouvelle proposition."))
            continue
        lines = part_of(current, code)
        emails = {line.customer.code: line.customer.email for line in lines.customers}
        choices = read_choices(part, settings, emails)
        plan = plan_lot(lines, choices.customers, choices.included, choices.shown_remaining, settings)
        reminders += [replace(reminder, company=code) for reminder in plan.reminders]
        notes += [f"{code} : {note}" for note in (*choices.ignored, *plan.notes)]
        problems += [*choices.problems, *plan.problems]
    return ignored, SendPlan(tuple(reminders), tuple(notes), ()), tuple(problems)


def check_prepared_for(edited: EditedProposal, settings: Settings) -> None:
    """A proposal prepared for one company is not sent for several, nor the other way round."""
    if bool(edited.status.companies) != bool(settings.companies):
        prepared = "pour plusieurs sociétés" if edited.status.companies else "pour une seule société"
        now = "n'en a plus qu'une" if edited.status.companies else "en a maintenant plusieurs ([[societes]])"
        raise RelanceError(
            f"La proposition {edited.status.path.name} a été préparée {prepared} et relance.toml {now} : "
            "lancez « preparer » pour en écrire une nouvelle."
        )


# --- what each company's letters need ----------------------------------------------------------------


def check_senders(folder: Folder, settings: Settings) -> None:
    """Before anything leaves: no company signs as the demo's outside the demo dossier (each has a name:
    relance.toml says so when it is read)."""
    for company in settings.companies:
        if is_demo_company(company) and not folder.is_demo:
            raise RelanceError(
                f"La société {company.code} ([[societes]]) de {folder.show(folder.config)} est celle de la "
                "société fictive de démonstration : indiquez la vôtre avant d'envoyer."
            )


def sender_problems(folder: Folder, settings: Settings, codes: set[str]) -> list[Problem]:
    """The IBAN and the logo of each company that has letters to send (`codes`), told with the other
    problems of the lot: a wrong IBAN key, a logo that is missing or no picture."""
    problems = []
    for company in settings.companies:
        if company.code not in codes:
            continue
        wrong = iban_problem(company.iban)
        if wrong:
            problems.append(Problem(
                folder.show(folder.config),
                f"La clé iban de {described(company)} de {folder.show(folder.config)} ne va pas "
                f"(« {company.iban} ») : {wrong} ; corrigez-la avant d'envoyer.",
            ))
        if company.logo:
            path = logo_path(folder, company)
            shown = folder.show(path) if path else company.logo
            if path is None or not path.is_file():
                problems.append(Problem(
                    shown, f"Le logo {shown} de {described(company)} est introuvable : corrigez la clé logo "
                    "(un chemin depuis le dossier de relance.toml) ou déposez-y l'image."))
            elif logo_problem(path, shown):
                problems.append(Problem(shown, logo_problem(path, shown)))
    return problems


def logo_path(folder: Folder, company: Company) -> Path | None:
    """The company's own logo (`logo`, from the folder of relance.toml); None without one, or for a path
    that leaves the folder."""
    if not company.logo:
        return None
    path = folder.root / company.logo
    return path if inside(path, folder.root) else None


def identities(config: RunConfig) -> dict[str, Identity]:
    """Who each company's emails come from: its `email_expediteur` and `nom_expediteur`, else what
    `.env` says (MAIL_FROM, MAIL_FROM_NAME), else its own name and email."""
    found = {}
    mail = _mail(config)
    for company in config.settings.companies:
        base = sender_identity(config.env, company.name, company.email)
        if mail is not None:
            base = Identity(mail.sender, mail.sender_name or base.name, mail.reply_to)
        found[company.code] = Identity(
            company.sender_address or base.address, company.sender_name or base.name, base.reply_to
        )
    return found


def _mail(config: RunConfig) -> MailSettings | None:
    try:
        return config.smtp()
    except RelanceError:
        return None


def mail_for(mail: MailSettings, identity: Identity) -> MailSettings:
    """The SMTP settings sending as one company: the same server, its sender."""
    return replace(mail, sender=identity.address, sender_name=identity.name)


def company_for(settings: Settings, reminder: Reminder) -> Company:
    """The sender of a reminder: its company of [[societes]], or [societe]."""
    return company_of(settings, reminder.company)
