"""The payments, customers and past-reminders exports, read column by column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from models.records import Source
from sources import vectors
from sources.cells import text_of
from sources.checks import Sheet
from sources.vectors import BAD, EMPTY, NO_DAY


@dataclass(frozen=True, slots=True)
class PastReminder:
    """A reminder sent before Relance was used, from an optional `relances*` file."""

    invoice_number: str
    date: date
    level: int
    source: Source


def _texts(sheet: Sheet, key: str, n: int) -> np.ndarray:
    column = sheet.column(key)
    return vectors.texts(column) if column is not None else np.full(n, "", dtype=object)


def _required_day(sheet: Sheet, key: str) -> np.ndarray:
    day, state = vectors.days(sheet.column(key))
    sheet.drop(state == EMPTY, key, "Date vide : ligne ignorée.")
    sheet.drop(state == BAD, key, "Date illisible : ligne ignorée.")
    return day


def read_payments(sheet: Sheet) -> pd.DataFrame:
    """Payments received; a negative amount (a bounced cheque) is kept as the export gives it.

    A file whose amounts are mostly negative writes money received as negative (a bank statement's or
    a customer account's sign): its signs are turned round, and an anomaly on its first line says so,
    rather than reading every payment as a bounced cheque and chasing paid invoices.
    Columns: date (day number), customer, amount (cents), reference, label, row.
    """
    n = len(sheet)
    day = _required_day(sheet, "date")
    customer = vectors.texts(sheet.column("client"), shared=True)
    sheet.drop(customer == "", "client", "Code client vide : ligne ignorée.")
    amount, state = vectors.amounts(sheet.column("montant"))
    sheet.drop(state == EMPTY, "montant", "Montant vide : ligne ignorée.")
    sheet.drop(state == BAD, "montant", "Montant illisible : ligne ignorée.")
    amount = _received_positive(sheet, amount)
    frame = pd.DataFrame({
        "date": day, "customer": customer, "amount": amount,
        "reference": _texts(sheet, "reference", n), "label": _texts(sheet, "libelle", n),
        "row": sheet.first,
    })
    return frame[sheet.alive].reset_index(drop=True)


def _received_positive(sheet: Sheet, amount: np.ndarray) -> np.ndarray:
    """The amounts with money received positive: turned round when most of the file's are negative."""
    kept = amount[sheet.alive]
    negative, positive = int((kept < 0).sum()), int((kept > 0).sum())
    if negative <= positive:
        return amount
    first = np.zeros(len(amount), dtype=bool)
    first[np.flatnonzero(sheet.alive & (amount < 0))[0]] = True
    cancelled = f" ; les {positive} positifs, des règlements annulés (chèques impayés…)" if positive else ""
    sheet.warn(
        first, "montant",
        f"Les montants de ce fichier de règlements sont négatifs ({negative} ligne(s) sur "
        f"{negative + positive}) : ils sont lus comme des règlements reçus, au signe près{cancelled}. "
        "Vérifiez que c'est bien le sens de cet export.",
    )  # fmt: skip
    return -amount


_EMAIL = re.compile(r"[^@\s<>\"'(),;:]+@[^@\s<>\"'(),;:]+\.[^@\s<>\"'(),;:.]{2,}")
_EMAIL_SEPARATORS = re.compile(r"[;,]")


def first_email(text: str) -> str | None:
    """The first valid address of a cell ('a@x.fr; b@x.fr', 'Nom <a@x.fr>'), '' if empty, None if bad."""
    if not text:
        return ""
    for part in _EMAIL_SEPARATORS.split(text):
        part = part.strip()
        if part.endswith(">") and "<" in part:
            part = part[part.rfind("<") + 1:-1].strip()
        if part.lower().startswith("mailto:"):
            part = part[7:]
        if _EMAIL.fullmatch(part):
            return part
    return None


CUSTOMER_COLUMNS = ("code", "name", "email", "address1", "address2", "address3", "postal_code",
                    "city", "country", "phone", "private", "do_not_chase", "terms", "chase_from",
                    "blocked", "family", "representative", "company", "title", "file", "row")


def read_customers(
    sheet: Sheet, known: dict[str, tuple[str, int]], companies: np.ndarray | None = None
) -> pd.DataFrame:
    """The customers of one clients file; `known` (code -> first file and line) spans the files.
    `companies` ([[societes]]): each row's company code, "" for a customer of every company; a code is
    then a duplicate only within its company.

    Columns: CUSTOMER_COLUMNS (chase_from a day number, private and do_not_chase booleans).
    """
    n = len(sheet)
    code = vectors.texts(sheet.column("code"), shared=True)
    sheet.drop(code == "", "code", "Code client vide : ligne ignorée.")
    keys = code if companies is None else companies + "\x1f" + code
    _duplicates(sheet, keys, known)
    email = vectors.mapped(pd.Series(_texts(sheet, "email", n)), first_email)
    bad = np.fromiter((e is None for e in email), dtype=bool, count=n)
    sheet.warn(bad, "email", "Adresse email invalide : client relancé par courrier.")
    email[bad] = ""
    postal = _texts(sheet, "code_postal", n)
    column = sheet.column("code_postal")
    if column is not None and column.dtype == object:  # a number cell lost the leading zero of 06000
        lost = np.fromiter((type(v) is not str for v in column), dtype=bool, count=n)
        short = np.fromiter((len(p) == 4 and p.isdigit() for p in postal), dtype=bool, count=n)
        postal = np.where(lost & short, np.char.add("0", postal.astype(str)), postal).astype(object)
    stop = sheet.column("ne_pas_relancer")
    # An unclear mark ("à voir") errs on not chasing.
    do_not_chase = (np.not_equal(vectors.flags(stop), False) if stop is not None
                    else np.zeros(n, dtype=bool))
    chase_from = np.full(n, NO_DAY, dtype=np.int64)
    column = sheet.column("relancer_a_partir_du")
    if column is not None:
        chase_from, state = vectors.days(column)
        sheet.warn(state == BAD, "relancer_a_partir_du",
                   "Date illisible : le client est relancé sans attendre.")
        chase_from[state != 0] = NO_DAY
    kind = _texts(sheet, "type", n)
    frame = pd.DataFrame({
        "code": code, "name": _texts(sheet, "nom", n), "email": email,
        "address1": _texts(sheet, "adresse1", n), "address2": _texts(sheet, "adresse2", n),
        "address3": _texts(sheet, "adresse3", n), "postal_code": postal,
        "city": _texts(sheet, "ville", n), "country": _texts(sheet, "pays", n),
        "phone": _texts(sheet, "telephone", n),
        "private": np.fromiter((k.lower().startswith("particulier") for k in kind), dtype=bool, count=n),
        "do_not_chase": do_not_chase.astype(bool), "terms": _texts(sheet, "conditions", n),
        "chase_from": chase_from, "blocked": _blocked(sheet, n),
        "family": _texts(sheet, "famille", n), "representative": _texts(sheet, "representant", n),
        "company": _texts(sheet, "societe", n) if companies is None else companies,
        "title": _texts(sheet, "civilite", n), "file": sheet.file, "row": sheet.first,
    })
    alive = sheet.alive.copy()
    frame = frame[alive].reset_index(drop=True)
    for c, row in zip(keys[alive], frame["row"], strict=True):
        known[c] = (sheet.file, int(row))
    return frame


def _duplicates(sheet: Sheet, code: np.ndarray, known: dict[str, tuple[str, int]]) -> None:
    """A code seen before (this file or an earlier one) is reported and its row left out."""
    alive = sheet.alive
    codes = pd.Series(code)
    again = codes.duplicated(keep="first").to_numpy() & alive
    before = codes.isin(known.keys()).to_numpy() & alive
    again = (again & ~before) | before
    if not again.any():
        return
    first_row = pd.Series(sheet.first[alive], index=code[alive]).groupby(level=0).first()
    messages = np.full(len(code), "", dtype=object)
    for row in np.flatnonzero(again):
        c = code[row]
        file, line = known[c] if c in known else (sheet.file, int(first_row[c]))
        messages[row] = f"Code client déjà présent ({file} ligne {line}) : ligne ignorée."
    sheet.drop(again, "code", messages)


def _blocked(sheet: Sheet, n: int) -> np.ndarray:
    """Bloqué, else « Litige », with the Commentaire: « attente avoir », « Litige : prix »."""
    empty = np.full(n, "", dtype=object)
    column = sheet.column("bloque")
    blocked = vectors.marks(column) if column is not None else empty
    column = sheet.column("litige")
    dispute = vectors.marks(column) if column is not None else empty
    note = _texts(sheet, "commentaire", n)
    out = np.where(blocked != "", blocked, np.where(dispute != "", "Litige", ""))
    result = out.astype(object)
    for row in np.flatnonzero((out != "") & (note != "")):
        result[row] = note[row] if out[row] == "Oui" else f"{out[row]} : {note[row]}"
    return result


_LEVEL = re.compile(r"(?:niveau|niv\.?|n)?\s*(\d{1,3})")


def _level(value: object) -> int:
    match = _LEVEL.fullmatch(text_of(value).lower())
    return int(match[1]) if match else 0


def read_past_reminders(sheet: Sheet) -> pd.DataFrame:
    """Reminders sent before Relance: columns invoice, date (day number), level, row."""
    n = len(sheet)
    number = _texts(sheet, "facture", n)
    sheet.drop(number == "", "facture", "Numéro de facture vide : ligne ignorée.")
    day = _required_day(sheet, "date")
    level = vectors.mapped(sheet.column("niveau"), _level).astype(np.int64)
    sheet.drop(level < 1, "niveau", "Niveau de relance illisible : ligne ignorée.")
    frame = pd.DataFrame({"invoice": number, "date": day, "level": level, "row": sheet.first})
    return frame[sheet.alive].reset_index(drop=True)
