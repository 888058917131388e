"""A reminder to send (one letter to one customer) and the fields its Word and email templates see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from models.payment import amount_due, letter_qr, payment_link
from models.records import ZERO, Customer
from models.settings import CHANNELS, Company, Level
from models.text import NBSP, NNBSP, french_amount, french_date, french_list, french_long_date


@dataclass(frozen=True, slots=True)
class ReminderInvoice:
    """One invoice a letter lists, with the amounts the current exports give."""

    number: str
    date: date | None
    due_date: date
    amount: Decimal
    remaining: Decimal
    days_overdue: int
    level: int  # the invoice's own level once this reminder is sent (0: listed, never reminded)
    interest: Decimal = ZERO  # late-payment interest claimed (0 when the letter claims none)
    indemnity: Decimal = ZERO  # the 40 € recovery indemnity claimed
    rates: tuple[Decimal, ...] = ()  # annual rates (%) of the interest's periods
    reminded: tuple[date, ...] = ()  # days of the letters that already listed it


@dataclass(frozen=True, slots=True)
class PreviousLetter:
    """A letter already sent to the customer about some invoices of this reminder."""

    date: date
    level: int
    label: str


@dataclass(frozen=True, slots=True)
class Reminder:
    """One reminder of a lot: a customer, a level, a channel, its invoices and the accountant's message."""

    customer: Customer  # with the email the accountant may have edited
    level: Level
    channel: str  # a code of models.settings.CHANNELS
    invoices: tuple[ReminderInvoice, ...]
    message: str = ""
    reminder_count: int = 0  # letters already sent about these invoices
    last_reminder: date | None = None
    claims_penalties: bool = False
    proposed_level: int = 0  # what the sequence proposed; above `level` when the accountant lowered it
    previous: tuple[PreviousLetter, ...] = ()  # letters already sent about these invoices, oldest first
    company: str = ""  # [[societes]]: the code of the company it is sent for; "" with one company

    @property
    def total(self) -> Decimal:
        return sum((i.remaining for i in self.invoices), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((i.interest for i in self.invoices), ZERO)

    @property
    def indemnities(self) -> Decimal:
        return sum((i.indemnity for i in self.invoices), ZERO)

    @property
    def by_email(self) -> bool:
        return "email" in self.channel

    @property
    def by_post(self) -> bool:
        return "courrier" in self.channel

    @property
    def by_phone(self) -> bool:
        return self.channel == "telephone"


# The fields a template may use, documented in the README; anything else is an error.
FIELDS = (
    "societe",
    "client",
    "factures",
    "nb_factures",
    "total_du",
    "niveau",
    "libelle_niveau",
    "canal",
    "objet",
    "nb_relances",
    "date_derniere_relance",
    "message",
    "date_lettre",
    "lieu",
    "delai_paiement",
    "date_limite",
    "date_reference",
    "reclamer_penalites",
    "total_penalites",
    "total_indemnites",
    "total_avec_penalites",
    "taux_penalites",
    "mention_penalites",
    "formule_appel",
    "historique",
    "relances_precedentes",
    "copie_postale",
    "courrier_suit",
    "qr_paiement",
    "lien_paiement",
    "logo",
)

LEGAL_MENTION = (
    "Conformément aux articles L441-10 et D441-5 du Code de commerce, toute somme non payée à son "
    "échéance porte de plein droit, dès le lendemain de l'échéance, des pénalités de retard au taux "
    "de refinancement de la Banque centrale européenne majoré de 10 points, et donne lieu à une "
    "indemnité forfaitaire pour frais de recouvrement de 40 € par facture."
)


def template_fields(
    reminder: Reminder,
    company: Company,
    letter_date: date,
    reference_date: date,
    *,
    postal_copy: bool = False,
) -> dict[str, Any]:
    """Every field of FIELDS, already formatted the French way (templates get text, not numbers).

    `letter_date` is the day the letter is produced for sending (its date and the start of its
    payment deadline); `reference_date` is the « échéances échues au » date of the proposal.
    `postal_copy`: the copy that is printed and posted (it alone says « recommandée »)."""
    customer = reminder.customer
    level = reminder.level
    deadline = letter_date + timedelta(days=level.payment_days)
    return {
        "societe": company_fields(company),
        "client": customer_fields(customer),
        "factures": [
            {
                "numero": invoice.number,
                "date": french_date(invoice.date),
                "echeance": french_date(invoice.due_date),
                "montant": _amount(invoice.amount),
                "reste_du": _amount(invoice.remaining),
                "jours_retard": str(invoice.days_overdue),
                "penalites": _amount(invoice.interest),
                "indemnite": _amount(invoice.indemnity),
                "nb_relances": len(invoice.reminded),
                "relances": ", ".join(french_date(day) for day in invoice.reminded) or "aucune",
            }
            for invoice in reminder.invoices
        ],
        "nb_factures": len(reminder.invoices),
        "total_du": _amount(reminder.total),
        "niveau": level.number,
        "libelle_niveau": level.label,
        "canal": CHANNELS[reminder.channel],
        "objet": f"{level.label} — {_unpaid(len(reminder.invoices))}",
        "nb_relances": reminder.reminder_count,
        "date_derniere_relance": french_date(reminder.last_reminder),
        "relances_precedentes": [
            {"date": french_date(letter.date), "libelle": letter.label} for letter in reminder.previous
        ],
        "historique": history_sentence(reminder),
        "message": reminder.message,
        "formule_appel": salutation(customer),
        "date_lettre": french_long_date(letter_date),
        "lieu": company.city,
        "delai_paiement": level.payment_days,
        "date_limite": french_long_date(deadline),
        "date_reference": french_date(reference_date),
        "copie_postale": postal_copy,
        "courrier_suit": reminder.by_email and reminder.by_post,
        "reclamer_penalites": reminder.claims_penalties,
        "total_penalites": _amount(reminder.interest),
        "total_indemnites": _amount(reminder.indemnities),
        "total_avec_penalites": _amount(reminder.total + reminder.interest + reminder.indemnities),
        "taux_penalites": _rates(reminder),
        "mention_penalites": LEGAL_MENTION if reminder.claims_penalties else "",
        # Paying in one scan (models/payment.py): a PaymentQr that a Word letter shows as a picture, or "".
        "qr_paiement": letter_qr(reminder, company) or "",
        "lien_paiement": payment_link(
            company.payment_link, [i.number for i in reminder.invoices], amount_due(reminder), customer.code
        ),
        "logo": "",  # the letter's edge (letters/pictures.py) puts the templates folder's logo here
    }


def company_fields(company: Company) -> dict[str, Any]:
    """The `societe` field of every template: the sender, section [societe] of relance.toml."""
    return {
        "nom": company.name,
        "adresse": list(company.address),
        "code_postal": company.postal_code,
        "ville": company.city,
        "telephone": company.phone,
        "email": company.email,
        "siret": company.siret,
        "iban": company.iban,
        "bic": company.bic,
        "signataire": company.signatory,
        "fonction": company.title,
        "forme_juridique": company.legal_form,
        "capital": company.capital,
        "rcs": company.registry,
        "tva": company.vat,
        "mentions_legales": legal_mentions(company),
    }


def customer_fields(customer: Customer) -> dict[str, Any]:
    """The `client` field of every template: the recipient."""
    return {
        "code": customer.code,
        "nom": customer.name,
        "civilite": customer.title,
        "adresse": list(customer.address),
        "code_postal": customer.postal_code,
        "ville": customer.city,
        "pays": customer.country,
        "email": customer.email,
        "telephone": customer.phone,
        "particulier": customer.private,
    }


def salutation(customer: Customer) -> str:
    """« Monsieur, » or « Madame, » when the civilité (or the name) says who; else « Madame, Monsieur, »."""
    for text in (customer.title, customer.name):
        words = [word.rstrip(".,").casefold() for word in text.split()[:3]]
        if not words:
            continue
        if len(words) == 3 and words[1] == "et" and {words[0], words[2]} & _MADAME:
            break  # « M. et Mme Bernard »: both
        if words[0] in _MONSIEUR:
            return "Monsieur,"
        if words[0] in _MADAME:
            return "Madame,"
        if customer.title.strip():
            break  # « Société », « SARL »…: a company
    return "Madame, Monsieur,"


_MONSIEUR = frozenset({"m", "monsieur", "mr"})
_MADAME = frozenset({"mme", "madame", "mlle", "mademoiselle"})


def history_sentence(reminder: Reminder) -> str:
    """What the customer was already sent about these invoices, true for each of them; empty if nothing."""
    if not reminder.previous:
        return ""
    letters = french_list(
        [f"le {french_long_date(letter.date)} ({letter.label.lower()})" for letter in reminder.previous]
    )
    sentence = f"Nous vous avons déjà écrit à ce sujet {letters}."
    new = [invoice.number for invoice in reminder.invoices if not invoice.reminded]
    if new:
        if len(new) == 1:
            sentence += f" La facture {new[0]} n'avait pas encore fait l'objet d'une relance."
        else:
            sentence += f" Les factures {french_list(new)} n'avaient pas encore fait l'objet d'une relance."
    elif len({invoice.reminded for invoice in reminder.invoices}) > 1:
        sentence += " Le tableau indique pour chaque facture les relances déjà envoyées."
    return sentence


def legal_mentions(company: Company) -> str:
    """« SARL au capital de 10 000 € – RCS Lyon 812 345 678 – SIRET … – TVA FR… », the parts that are set."""
    parts = []
    form = company.legal_form
    if company.capital:
        capital = company.capital
        if capital.replace(" ", "").replace(NBSP, "").isdigit():
            capital = (
                french_amount(Decimal(capital.replace(" ", "").replace(NBSP, "")))
                .removesuffix(f",00{NBSP}€")
                .replace(NNBSP, NBSP)
                + f"{NBSP}€"
            )
        form = f"{form} au capital de {capital}".strip()
    if form:
        parts.append(form)
    if company.registry:
        parts.append(f"RCS {company.registry}")
    if company.siret:
        parts.append(f"SIRET {company.siret}")
    if company.vat:
        parts.append(f"TVA {company.vat}")
    if company.legal_notice:
        parts.append(company.legal_notice)
    return " – ".join(parts)


def _rates(reminder: Reminder) -> str:
    """« 12,15 % », or « 12,40 % puis 12,15 % » when the delay spans a change of rate."""
    oldest_first = sorted(reminder.invoices, key=lambda i: i.due_date)
    rates = dict.fromkeys(rate for invoice in oldest_first for rate in invoice.rates)
    return " puis ".join(f"{rate:.2f} %".replace(".", ",") for rate in rates)


def _amount(value: Decimal) -> str:
    # A letter's font may lack the narrow no-break space: a plain no-break space is safe everywhere.
    return french_amount(value).replace(NNBSP, NBSP)


def _unpaid(n: int) -> str:
    return "1 facture impayée" if n == 1 else f"{n} factures impayées"
