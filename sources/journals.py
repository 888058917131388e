"""Ledger and journal exports (grand livre clients, journal des ventes, Odoo journal items, « export
comptable » with Compte / Débit / Crédit / Lettrage) read into open invoices and payments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from models.errors import RelanceError
from models.terms import PaymentTerms
from models.text import fold
from sources import vectors
from sources.checks import Sheet
from sources.ledger import LINE_COLUMNS, LedgerItems, open_items
from sources.vectors import BAD, EMPTY, NO_DAY

TREASURY_ACCOUNTS = ("51", "53")
_PLACEHOLDERS = frozenset({"", "-", "--", "x", "/", ".", "0", "?", "n/a", "na"})


def _texts(sheet: Sheet, key: str) -> np.ndarray:
    column = sheet.column(key)
    return vectors.texts(column) if column is not None else np.full(len(sheet), "", dtype=object)


def _title(sheet: Sheet, key: str, default: str) -> str:
    return sheet.layout.header(key) if sheet.layout.get(key) >= 0 else default


def read_ledger(
    sheet: Sheet, accounts: Sequence[str], terms: Mapping[str, PaymentTerms], default_days: int
) -> LedgerItems:
    """The open items of the customer accounts of a ledger export (lines of other accounts are
    counted in the file's report, not reported one by one). With no account column, every line
    with a customer is a customer line (a grand livre clients)."""
    n = len(sheet)
    accounts = tuple(accounts)
    account = _texts(sheet, "compte")
    aux = _texts(sheet, "tiers")
    has_account = sheet.layout.get("compte") >= 0
    if has_account:
        customer = np.fromiter((a.startswith(accounts) for a in account), dtype=bool, count=n)
    else:
        customer = aux != ""
    alive = sheet.alive.copy()
    journal, entry = _texts(sheet, "journal"), _texts(sheet, "ecriture")
    treasury: set[tuple[str, str]] = set()
    if has_account and sheet.layout.get("ecriture") >= 0:
        bank = alive & np.fromiter((a.startswith(TREASURY_ACCOUNTS) for a in account), dtype=bool, count=n)
        treasury = {(j, e) for j, e in zip(journal[bank], entry[bank], strict=True) if e}
    others = alive & ~customer
    if others.any() and not (alive & customer).any():
        raise _no_customer_line(sheet, account[others], accounts, has_account)
    sheet.skip(others)
    if others.any():
        what = f"d'autres comptes que {', '.join(accounts)}" if has_account else "sans client"
        sheet.notes.append(f"{int(sheet.spans[others].sum())} ligne(s) {what} : sans objet pour les relances")
    day, state = vectors.days(sheet.column("date"))
    sheet.drop(state == EMPTY, "date", "Date vide : ligne ignorée.")
    sheet.drop(state == BAD, "date", "Date illisible : ligne ignorée.")
    debit, d_state = vectors.amounts(sheet.column("debit"))
    sheet.drop(d_state == BAD, "debit", "Montant illisible : ligne ignorée.")
    credit, c_state = vectors.amounts(sheet.column("credit"))
    sheet.drop(c_state == BAD, "credit", "Montant illisible : ligne ignorée.")
    signed = np.where(d_state == 0, debit, 0) - np.where(c_state == 0, credit, 0)
    due = np.full(n, NO_DAY, dtype=np.int64)
    column = sheet.column("echeance")
    if column is not None:
        due, state = vectors.days(column)
        sheet.warn(state == BAD, "echeance", "Date illisible : échéance tirée des conditions de paiement.")
        due[state != 0] = NO_DAY
    code = np.where(aux != "", aux, account)
    names = _texts(sheet, "nom")
    prefix = np.fromiter((next((len(p) for p in accounts if a.startswith(p)), len(a)) for a in account),
                         dtype=np.int64, count=n)
    collective = np.fromiter((not a[k:].strip("0") for a, k in zip(account, prefix, strict=True)),
                             dtype=bool, count=n) & (aux == "") & (account != "")
    piece, label = _texts(sheet, "piece"), _texts(sheet, "libelle")
    useless = vectors.mapped(pd.Series(piece), lambda p: fold(p) in _PLACEHOLDERS).astype(bool)
    fallback = np.where(entry != "", entry, np.where(label != "", label, None))
    fallback = np.array([f if f is not None else f"ligne {int(line)}"
                         for f, line in zip(fallback, sheet.first, strict=True)], dtype=object)
    lines = pd.DataFrame({
        "row": sheet.first, "account": account, "aux": aux, "code": code, "name": names,
        "signed": signed, "entry_day": day, "piece_day": day, "letter": _texts(sheet, "lettrage"),
        "journal": journal, "journal_label": journal, "entry": entry,
        "number": np.where(useless, fallback, piece).astype(object),
        "reference": np.where(useless, "", piece).astype(object), "label": label,
        "mode": _texts(sheet, "mode"), "due": due, "collective": collective,
    })
    lines = lines.loc[sheet.alive, list(LINE_COLUMNS)]
    columns = {"aux": _title(sheet, "tiers", _title(sheet, "compte", "Compte")),
               "letter": _title(sheet, "lettrage", "Lettrage")}
    return open_items(lines, treasury, terms, default_days, sheet.file, columns)


def _no_customer_line(
    sheet: Sheet, accounts_seen: np.ndarray, accounts: tuple[str, ...], has_account: bool
) -> RelanceError:
    if not has_account:
        return RelanceError(
            f"Le fichier {sheet.file} (écritures comptables) n'a aucune ligne avec un client dans la "
            f"colonne « {_title(sheet, 'tiers', 'Tiers')} »."
        )
    seen = Counter(a.split(" ")[0][:3] for a in accounts_seen if a)
    listed = ", ".join(f"{prefix}…" for prefix in sorted(seen)[:15])
    return RelanceError(
        f"Le fichier {sheet.file} (écritures comptables) n'a aucune ligne sur les comptes clients "
        f"({', '.join(accounts)}…) : comptes vus : {listed or 'aucun'}. Si vos comptes clients "
        f"commencent autrement, indiquez-les dans relance.toml, section [fec] : "
        f"comptes_clients = [\"…\"]."
    )
