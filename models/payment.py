"""Paying in one scan: the SEPA credit-transfer QR code payload of a letter, and its payment link.

The payload follows the European Payments Council's EPC069-12 « Quick Response Code: Guidelines to
Enable the Data Capture for the Initiation of a SEPA Credit Transfer » (the « GiroCode »), version 002:
lines separated by a line feed, in this order —
  BCD · 002 · character set (1 = UTF-8) · SCT · BIC of the beneficiary's bank (8 or 11 characters,
  optional in version 002 inside the EEA) · beneficiary name (1–70 characters) · IBAN (≤ 34) ·
  amount « EUR » + 0.01 to 999999999.99 with a dot and at most two decimals · purpose (≤ 4, empty
  here) · structured creditor reference (≤ 35, empty here) · unstructured remittance text (≤ 140),
with nothing after the last element given; 331 bytes at most, which the QR code (error correction
level M, version 13 at most) holds — letters/pictures.py draws it.
Names and texts keep to the basic Latin set every SEPA bank accepts (EPC217-08: a-z A-Z 0-9
/ - ? : ( ) . , ' + and space); accents are dropped rather than risking a rejected transfer.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from models import identifiers

if TYPE_CHECKING:  # only for the annotations: reminders imports this module
    from models.reminders import Reminder
    from models.settings import Company

MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999.99")
NAME_MAX = 70
REMITTANCE_MAX = 140
PAYLOAD_MAX_BYTES = 331

_SEPA_CHARS = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
# Characters with a close equivalent in the basic set; anything else outside it becomes a space.
_EQUIVALENTS = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "«": "'", "»": "'", '"': "'", "&": "+", "_": "-", "–": "-", "—": "-",
     "œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "\u00a0": " ", "\u202f": " "}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaymentQr:
    """The QR code a letter carries: its EPC payload and the amount it asks for.

    A Word letter shows it as a picture (letters/pictures.py puts it in); in a text it is nothing, so
    that an email template can still ask `{% if qr_paiement %}` to mention the QR of the attached letter.
    """

    payload: str
    amount: Decimal

    def __str__(self) -> str:
        return ""


def amount_due(reminder: Reminder) -> Decimal:
    """What the letter demands, to the cent: `total_avec_penalites` when it claims penalties, else
    `total_du` (the same sums template_fields formats)."""
    if reminder.claims_penalties:
        return reminder.total + reminder.interest + reminder.indemnities
    return reminder.total


def letter_qr(reminder: Reminder, company: Company) -> PaymentQr | None:
    """The QR code of a letter; None when there is nothing to pay, or no valid IBAN or name to pay to."""
    amount = amount_due(reminder)
    text = remittance([invoice.number for invoice in reminder.invoices], reminder.customer.code)
    payload = epc_payload(company.name, company.iban, company.bic, amount, text)
    return PaymentQr(payload, amount) if payload else None


def epc_payload(name: str, iban: str, bic: str, amount: Decimal, text: str) -> str:
    """The EPC069-12 payload; "" when no QR can be made (amount out of range, IBAN empty or with a
    wrong key, no name). An invalid BIC is left out (version 002 allows it), never printed wrong."""
    if not MIN_AMOUNT <= amount <= MAX_AMOUNT or iban_problem(iban) or not iban.strip():
        return ""
    beneficiary = sepa_text(name, NAME_MAX)
    if not beneficiary:
        return ""
    try:
        bank = identifiers.bic(bic) if bic.strip() else ""
    except ValueError:
        bank = ""
    lines = [
        "BCD",
        "002",
        "1",  # UTF-8 (the text is plain ASCII after sepa_text anyway)
        "SCT",
        bank,
        beneficiary,
        compact_iban(iban),
        f"EUR{amount:.2f}",  # formatted as the letter's total is: the same cents
        "",  # purpose
        "",  # structured creditor reference: the invoices are named in the text instead
        sepa_text(text, REMITTANCE_MAX),
    ]
    payload = "\n".join(lines).rstrip("\n")
    assert len(payload.encode("utf-8")) <= PAYLOAD_MAX_BYTES  # the field limits above guarantee it
    return payload


def remittance(numbers: Sequence[str], customer_code: str) -> str:
    """« Factures FA-12, FA-13 - client C0042 »: what the customer's bank passes on, within 140 characters;
    when the invoices do not all fit, the first ones and « et 7 autres »."""
    numbers = [sepa_text(number, REMITTANCE_MAX) for number in numbers]
    numbers = [number for number in numbers if number]
    client = f" - client {sepa_text(customer_code, 35)}" if sepa_text(customer_code, 35) else ""
    label = "Facture" if len(numbers) == 1 else "Factures"
    for shown in range(len(numbers), 0, -1):
        rest = len(numbers) - shown
        more = f" et {rest} autre{'s' if rest > 1 else ''}" if rest else ""
        text = f"{label} {', '.join(numbers[:shown])}{more}{client}"
        if len(text) <= REMITTANCE_MAX:
            return text
    return f"{label}{client}"[:REMITTANCE_MAX]


def sepa_text(text: str, limit: int) -> str:
    """The text in the basic SEPA character set, spaces collapsed, cut to `limit` characters."""
    plain = unicodedata.normalize("NFKD", text.translate(_EQUIVALENTS))
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    plain = " ".join(_SEPA_CHARS.sub(" ", plain).split())
    return plain[:limit].rstrip()


def compact_iban(iban: str) -> str:
    """« FR7630006000011234567890189 »: no spaces, capitals."""
    return re.sub(r"[\s.\-]", "", iban).upper()


def iban_problem(iban: str) -> str:
    """Why this IBAN cannot be paid to (its mod-97 key, ISO 13616), in French; "" if it is valid or empty."""
    if not iban.strip():
        return ""
    try:
        identifiers.iban(iban)
    except ValueError as error:
        return str(error)
    return ""


# --- the payment link -------------------------------------------------------------------------------

LINK_FIELDS = ("numero", "montant", "client")


def link_problem(pattern: str) -> str:
    """Why a payment link pattern cannot be filled, in French; "" when it can."""
    if not re.fullmatch(r"https?://\S+", pattern):
        return 'il faut une adresse web commençant par "https://", sans espace'
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return "une accolade { ou } est seule : un repère s'écrit {numero}, {montant} ou {client}"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in LINK_FIELDS:
            return (
                f"le repère {{{name}}} est inconnu (repères possibles : "
                f"{', '.join('{' + field + '}' for field in LINK_FIELDS)})"
            )
        if spec or conversion:
            return f"le repère {{{name}}} s'écrit sans rien d'autre entre les accolades"
    return ""


def payment_link(pattern: str, numbers: Sequence[str], amount: Decimal, customer_code: str) -> str:
    """The pattern filled for one letter, each value URL-encoded; "" without a pattern or anything to pay.
    {numero}: the invoice numbers joined by commas; {montant}: « 1234.56 »; {client}: the customer code."""
    if not pattern or amount <= 0:
        return ""
    values = {"numero": ",".join(numbers), "montant": f"{amount:.2f}", "client": customer_code}
    return pattern.format(**{key: quote(value, safe="") for key, value in values.items()})
