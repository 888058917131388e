"""The invoices export read column by column: numbers, customers, dates, amounts, marks and statuses."""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from models.errors import RelanceError
from models.terms import PaymentTerms, due_date
from models.text import fold
from sources import vectors
from sources.cells import header_key, text_of
from sources.checks import Sheet
from sources.vectors import BAD, EMPTY, NO_DAY

# Invoice statuses of the invoicing tools (docs/exports.md), folded; the first pattern that matches wins.
_STATUSES = (
    # Dolibarr's « Payée (partiellement) » is closed: the rest was abandoned or credited.
    ("paid", re.compile(r"payee? \(partiellement\)|payee? partiellement \(fermee?\)")),
    ("partial", re.compile(r".*partiel.*|reglement commence|commencee?|partially.*|partial.*")),
    ("open", re.compile(r"(?:non |im)(?:payee?|reglee?)s?|a (?:payer|regler|encaisser)|.*retard.*|"
                        r"en attente.*|envoyee?|validee?.*|emise?|ouverte?|en cours|due|overdue|open|"
                        r"unpaid|sent|finalisee?|a relancer|relancee?")),
    ("paid", re.compile(r"(?:payee?|reglee?|soldee?|encaissee?|acquittee?|lettree?|paid|rembourse.*|"
                        r"traitee?)s?")),
    ("cancelled", re.compile(r"annulee?s?|abandonnee?s?|cancell?ed|void(?:ed)?|supprimee?s?|fermee?.*")),
    ("draft", re.compile(r"brouillons?.*|draft|a valider|pro ?forma|en preparation")),
)


def status_of(value: object) -> str:
    """paid, partial, open, cancelled, draft, "" for an empty cell, or "unknown"."""
    text = fold(text_of(value))
    if not text:
        return ""
    for status, pattern in _STATUSES:
        if pattern.fullmatch(text):
            return status
    return "unknown"


def french(cents: int) -> str:
    """1 234,56 for the messages comparing amounts (no currency, as the export writes them)."""
    return f"{cents / 100:,.2f}".replace(",", " ").replace(".", ",")


def _amount_key(sheet: Sheet) -> str:
    """The column of the amount chased: « Montant TTC »; in a list of open items that gives only what
    is left to pay, that column. Neither (a file with only amounts before tax): RelanceError."""
    for key in ("montant", "reste_du"):
        if sheet.column(key) is not None:
            return key
    found = ", ".join(title for title in sheet.layout.headers if title) or "aucune"
    before_tax = any("ht" in header_key(title).split() for title in sheet.layout.headers)
    raise RelanceError(
        f"Le fichier {sheet.file} n'a pas de colonne « Montant TTC » (colonnes trouvées : {found})"
        + (" : le montant hors taxes ne suffit pas, une relance réclame le TTC" if before_tax else "")
        + ". Exportez le montant TTC, ou indiquez son titre dans relance.toml, section [colonnes.factures]."
    )


def _all_negative(sheet: Sheet, amount: np.ndarray, key: str) -> None:
    """A file of several invoices, every one negative: credit notes only, or invoices written with the
    sign of the seller's books. Nothing in it can be chased, so it is said once, on its first line."""
    kept = amount[sheet.alive]
    if len(kept) < 2 or (kept >= 0).any():
        return
    first = np.zeros(len(amount), dtype=bool)
    first[np.flatnonzero(sheet.alive)[0]] = True
    sheet.warn(
        first, key,
        f"Tous les montants de ce fichier sont négatifs ({len(kept)} lignes) : ils sont lus comme des "
        "avoirs, et rien n'y est relancé. Si ce sont des factures, exportez-les avec leur montant "
        "positif (ou vérifiez la colonne lue comme « Montant TTC »).",
    )  # fmt: skip


def read_invoices(
    sheet: Sheet, terms: Mapping[str, PaymentTerms], default_days: int
) -> pd.DataFrame:
    """The invoices and credit notes of one file, before numbers are compared across files.

    Columns: pos (row in the sheet), number, customer, name, date, due (day numbers, NO_DAY when
    none), amount (cents), paid, remaining (cents, NaN-free with their *_known flags), mode, dispute,
    blocked, row (physical line).
    """
    n = len(sheet)
    number = _texts(sheet, "numero", n)
    sheet.drop(number == "", "numero", "Numéro de facture vide : ligne ignorée.")
    customer = vectors.texts(sheet.column("client"), shared=True)
    sheet.drop(customer == "", "client", "Code client vide : ligne ignorée.")
    issued, state = vectors.days(sheet.column("date"))
    sheet.warn(state == BAD, "date", "Date illisible : date de facture laissée vide.")
    issued[state != 0] = NO_DAY
    due = _due(sheet, issued, customer, terms, default_days)
    key = _amount_key(sheet)
    amount, state = vectors.amounts(sheet.column(key))
    sheet.drop(state == EMPTY, key, "Montant vide : ligne ignorée.")
    sheet.drop(state == BAD, key, "Montant illisible : ligne ignorée.")
    _all_negative(sheet, amount, key)
    paid, paid_known = _optional_amount(sheet, "regle", n)
    left, left_known = _optional_amount(sheet, "reste_du", n)
    both = paid_known & left_known & (amount - paid != left)
    if both.any():
        messages = np.full(n, "", dtype=object)
        for row in np.flatnonzero(both & sheet.alive):
            messages[row] = (f"Montant TTC − réglé ({french(amount[row] - paid[row])}) ≠ reste dû "
                             f"({french(left[row])}).")
        sheet.warn(both, "reste_du", messages)
    if sheet.layout.get("regle") < 0 and sheet.layout.get("reste_du") < 0:
        left, left_known = _statuses(sheet, amount, left, left_known)
    frame = pd.DataFrame({
        "pos": np.arange(n, dtype=np.int64),
        "number": number,
        "customer": customer,
        "name": _texts(sheet, "nom", n),
        "date": issued,
        "due": due,
        "amount": amount,
        "paid": paid,
        "paid_known": paid_known,
        "remaining": left,
        "remaining_known": left_known,
        "mode": _texts(sheet, "mode_reglement", n),
        "dispute": _marks(sheet, "litige", n),
        "blocked": _marks(sheet, "bloque", n),
        "row": sheet.first,
    })
    return frame[sheet.alive].reset_index(drop=True)


def _texts(sheet: Sheet, key: str, n: int) -> np.ndarray:
    column = sheet.column(key)
    return vectors.texts(column) if column is not None else np.full(n, "", dtype=object)


def _marks(sheet: Sheet, key: str, n: int) -> np.ndarray:
    column = sheet.column(key)
    return vectors.marks(column) if column is not None else np.full(n, "", dtype=object)


def _optional_amount(sheet: Sheet, key: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    column = sheet.column(key)
    if column is None:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    cents, state = vectors.amounts(column)
    sheet.warn(state == BAD, key, "Montant illisible : valeur ignorée.")
    cents[state != 0] = 0
    return cents, state == 0


def _due(
    sheet: Sheet, issued: np.ndarray, customer: np.ndarray, terms: Mapping[str, PaymentTerms],
    default_days: int,
) -> np.ndarray:
    """The export's due date, else the invoice date plus the customer's payment terms."""
    n = len(sheet)
    due = np.full(n, NO_DAY, dtype=np.int64)
    column = sheet.column("echeance")
    if column is not None:
        due, state = vectors.days(column)
        sheet.drop(state == BAD, "echeance", "Date illisible : ligne ignorée.")
        due[state != 0] = NO_DAY
    missing = due == NO_DAY
    where = "echeance" if column is not None else "date"
    sheet.drop(missing & (issued == NO_DAY), where, "Ni échéance ni date de facture : ligne ignorée.")
    todo = missing & (issued != NO_DAY) & sheet.alive
    if todo.any():
        due[todo] = due_dates(customer[todo], issued[todo], terms, default_days)
    return due


def due_dates(
    customers: np.ndarray, issued: np.ndarray, terms: Mapping[str, PaymentTerms], default_days: int
) -> np.ndarray:
    """Day numbers of the due dates under each customer's terms, else `default_days` later."""
    due = issued + default_days
    if terms:
        ruled = np.fromiter((c in terms for c in customers), dtype=bool, count=len(customers))
        if ruled.any():
            pairs = pd.DataFrame({"c": customers[ruled], "d": issued[ruled]})
            codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
            table = np.array([vectors.day_number(due_date(vectors.from_day_number(int(d)), terms[c]))
                              for c, d in uniques], dtype=np.int64)
            due[ruled] = table[codes]
    return due


_NOTES = {
    "cancelled": "facture(s) annulée(s) ou abandonnée(s)",
    "draft": "facture(s) en brouillon",
}


def _statuses(
    sheet: Sheet, amount: np.ndarray, left: np.ndarray, known: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A Statut column, read when the export has neither Réglé nor Reste dû: paid invoices owe
    nothing, cancelled ones and drafts are left out (said in the file's report)."""
    column = sheet.column("statut")
    if column is None:
        return left, known
    status = vectors.mapped(column, status_of)
    alive = sheet.alive
    paid = (status == "paid") & alive
    left, known = left.copy(), known.copy()
    left[paid], known[paid] = 0, True
    for kind, words in _NOTES.items():
        rows = (status == kind) & alive
        if rows.any():
            sheet.skip(rows)
            sheet.notes.append(f"{int(rows.sum())} {words} non lue(s) ({_lines(sheet.first[rows])})")
    partial = (status == "partial") & sheet.alive
    if partial.any():
        sheet.notes.append(
            f"{int(partial.sum())} facture(s) « partiellement payée(s) » sans montant réglé dans "
            f"l'export : le fichier des règlements dit ce qui reste dû ({_lines(sheet.first[partial])})")
    unknown = (status == "unknown") & sheet.alive
    if unknown.any():
        values = sorted({str(v) for v in vectors.texts(column[unknown])})
        sheet.notes.append(
            f"statut(s) inconnu(s) {', '.join(f'« {v} »' for v in values[:5])} : factures comptées "
            f"comme dues ({_lines(sheet.first[unknown])})")
    return left, known


def _lines(lines: np.ndarray) -> str:
    shown = ", ".join(str(int(line)) for line in lines[:5])
    more = f"… ({len(lines)} lignes)" if len(lines) > 5 else ""
    return f"ligne{'s' if len(lines) > 1 else ''} {shown}{more}"
