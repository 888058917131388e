"""Reading a FEC (Fichier des Écritures Comptables): the open customer items as invoices and payments.

The format is set by article A47 A-1 of the Livre des procédures fiscales: 18 columns (22 for
cash-basis accounting), tab or `|` separated, dates YYYYMMDD, comma decimals, ISO-8859-15 or UTF-8.
Real files stray from it (REFERENCE.md): Odoo writes a placeholder PieceRef (`-`, `x`) and puts the
invoice number in EcritureNum; some lines carry an empty extra field; non-French charts keep
receivables outside 411. A FEC has no due dates: they come from the customer's payment terms.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from models.errors import RelanceError
from models.records import Anomaly, FileReport, Invoice, Payment
from models.terms import PaymentTerms
from models.text import fold
from sources import to_records, vectors
from sources.checks import Sheet
from sources.columns import Layout
from sources.csv_text import as_utf8, read_records
from sources.frames import public
from sources.ledger import LINE_COLUMNS, journal_kind, open_items
from sources.tables import text_table
from sources.vectors import BAD, EMPTY, NO_DAY

log = logging.getLogger("relance")

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)
_FEC_NAMES = frozenset(name.lower() for name in FEC_COLUMNS)
MIN_FEC_NAMES = 10  # of the 18: a header with that many is a FEC, however the rest is spelt
SEPARATORS = ("\t", "|", ";")
CUSTOMER_ACCOUNTS = ("411",)
TREASURY_ACCOUNTS = ("51", "53")  # banks (512, cheques to cash 5112...) and cash (53): plan comptable

# Columns without which the items cannot be told apart; the others read as empty when missing.
_REQUIRED = ("JournalCode", "EcritureDate", "CompteNum", "PieceRef", "EcritureLet")
# PieceRef values that number nothing (Odoo writes « - », its demo files « x »).
_PLACEHOLDERS = frozenset({"", "-", "--", "x", "xx", "/", ".", "0", "?", "_", "n/a", "na", "neant", "sans"})
_SENS = {"d": 1, "debit": 1, "+1": 1, "1": 1, "c": -1, "credit": -1, "-1": -1}
_BOM = b"\xef\xbb\xbf"
_WINDOWS_BYTES = re.compile(rb"[\x80-\x9f]")


@dataclass(frozen=True)
class FecItems:
    """The open customer items of one FEC, as frames (and as records for record-based callers)."""

    invoice_frame: pd.DataFrame  # the invoices frame's columns, with "file"
    payment_frame: pd.DataFrame  # the payments frame's columns, with "file"
    customers: dict[str, str]  # customer code -> name
    anomalies: tuple[Anomaly, ...]
    report: FileReport | None = field(default=None, compare=False)

    @cached_property
    def invoices(self) -> tuple[Invoice, ...]:  # credit notes have a negative amount
        return to_records.invoices(public(self.invoice_frame, "invoices"))

    @cached_property
    def payments(self) -> tuple[Payment, ...]:
        return to_records.payments(public(self.payment_frame, "payments"))


def encoding(raw: bytes) -> tuple[str, int]:
    """UTF-8 (with or without BOM), else ISO-8859-15 as the LPF prescribes (0xA4 is €, 0xBC is Œ)."""
    bom = 3 if raw.startswith(_BOM) else 0
    try:
        raw[bom:].decode("utf-8")
        return "utf-8", bom
    except UnicodeDecodeError:
        pass
    # 0x80-0x9F are control codes in ISO-8859-15, never in a label: such bytes betray Windows'
    # cp1252 (0x80 is € there), which some packages write while calling it ISO.
    if _WINDOWS_BYTES.search(raw):
        try:
            raw[bom:].decode("cp1252")
            return "cp1252", bom
        except UnicodeDecodeError:
            pass
    return "iso-8859-15", bom


def decode(raw: bytes) -> str:
    name, bom = encoding(raw)
    return raw[bom:].decode(name)


def _separator(header: str) -> tuple[str, int]:
    """The separator that splits the header line into the most FEC column names, and that count."""
    best, best_count = SEPARATORS[0], -1
    for separator in SEPARATORS:
        count = sum(1 for name in header.split(separator) if name.strip().strip('"').lower() in _FEC_NAMES)
        if count > best_count:
            best, best_count = separator, count
    return best, best_count


def is_fec(path: Path) -> bool:
    """Whether the file's first line is a FEC header (an unreadable file is not: its reader says why)."""
    try:
        with path.open("rb") as handle:
            head = as_utf8(handle.read(4096), final=False)
    except OSError:
        return False
    line = decode(head).partition("\n")[0]
    return _separator(line)[1] >= MIN_FEC_NAMES


class _Format:
    """Where each column of this FEC is, and which line widths it accepts."""

    def __init__(self, header: list[str], name: str) -> None:
        # Some exporters close every line with a separator: lines then have as many fields as the
        # header, including its empty last one.
        self.widths = {len(header)}
        while header and not header[-1].strip():
            header.pop()
            self.widths.add(len(header))
        self.headers = tuple(h.strip() for h in header)
        self.width = len(header)
        self.index = {h.lower(): i for i, h in reversed(list(enumerate(self.headers)))}
        required = list(_REQUIRED)
        if "debit" in self.index or "credit" in self.index or "montant" not in self.index:
            required += ["Debit", "Credit"]
        else:
            required += ["Montant", "Sens"]
        for column in required:
            if column.lower() not in self.index:
                found = ", ".join(h for h in self.headers if h) or "aucune"
                raise RelanceError(
                    f"Le fichier FEC {name} n'a pas de colonne « {column} » (colonnes trouvées : {found})."
                )

    def col(self, name: str) -> int:
        return self.index.get(name.lower(), -1)


def read_fec(
    path: Path,
    terms_for: Callable[[str], PaymentTerms | None],
    default_days: int,
    accounts: Sequence[str] = CUSTOMER_ACCOUNTS,
) -> FecItems:
    """The open items of the customer accounts (`accounts`, 411 by default): unlettered debits are
    invoices, unlettered credits payments (bank or cash journal, a payment mode, or a payment-like
    label) or credit notes (anything else, such as the sales journal). RelanceError, naming the
    line, when a customer line breaks the format; a FEC without any customer line says which
    accounts it holds.

    An invoice's due date is its date under `terms_for(customer code)` (asked once per customer),
    else `default_days` later. Lines of one customer sharing a number are one invoice. A number
    used for several customers (opening entries often all say "AN") gets "/customer code" appended.
    """
    try:
        raw = as_utf8(path.read_bytes())
    except OSError as error:
        log.debug("%s : %r", path, error)
        why = ("il est sans doute ouvert dans un autre programme" if isinstance(error, PermissionError)
               else "il est introuvable ou illisible")
        raise RelanceError(f"Le fichier FEC {path.name} ne peut pas être lu : {why}.") from None
    code, bom = encoding(raw)
    first_line = raw[bom:bom + 8192].decode(code, errors="ignore").partition("\n")[0].rstrip("\r")
    separator, _ = _separator(first_line)
    table = text_table(read_records(raw, separator, len(first_line.split(separator)),
                                    need_fields=True, encoding=(code, bom)))
    return _Reader(path.name, table, tuple(accounts)).items(terms_for, default_days)


class _Reader:
    def __init__(self, name: str, table, accounts: tuple[str, ...]) -> None:
        self.name, self.accounts = name, accounts
        header = ([str(c) for c in table.cells.iloc[0].tolist()][: int(table.fields[0])]
                  if len(table.cells) else [])
        self.fmt = _Format(header, name)
        layout = Layout(0, self.fmt.headers, {})
        self.sheet = Sheet(table, name, layout, "fec")
        self.fields = table.fields[1:]
        self.anomalies: list[Anomaly] = []

    def broken(self, line: int, reason: str, hint: str = "") -> RelanceError:
        return RelanceError(f"Le fichier FEC {self.name} est mal formé à la ligne {line} : {reason}.", hint)

    def text(self, name: str) -> np.ndarray:
        position = self.fmt.col(name)
        if position < 0 or position >= self.sheet.cells.shape[1]:
            return np.full(len(self.sheet), "", dtype=object)
        return vectors.texts(self.sheet.cells[position])

    def items(self, terms_for: Callable[[str], PaymentTerms | None], default_days: int) -> FecItems:
        sheet, fmt, fields = self.sheet, self.fmt, self.fields
        alive = sheet.alive.copy()
        account = self.text("CompteNum")
        customer = np.fromiter((a.startswith(self.accounts) for a in account), dtype=bool,
                               count=len(account)) & alive
        width = fmt.width
        widths = np.isin(fields, list(fmt.widths))
        extra = (fields > width) & ~widths
        extras_blank = np.ones(len(sheet), dtype=bool)
        for position in range(width, sheet.cells.shape[1]):
            extras_blank &= vectors.texts(sheet.cells[position]) == ""
        short = (fields < width) & ~widths
        refused = alive & ((short & ((fields <= fmt.col("CompteNum")) | customer))
                           | (extra & ~extras_blank & customer))
        counts = {int(line): f"{int(n)} champs au lieu de {width}"
                  for line, n in zip(sheet.first[refused], fields[refused], strict=True)}
        stray = alive & extra & extras_blank
        if stray.any():
            lines = sheet.first[stray]
            self.anomalies.append(Anomaly(
                self.name, int(lines[0]), "", "",
                f"{len(lines)} ligne(s) finissent par des champs vides en trop (première : ligne "
                f"{int(lines[0])}), comme l'écrit le logiciel : ces champs sont ignorés."))
        rows = customer & ~refused
        if (~customer & alive).any() and not customer.any() and not refused.any():
            raise self._no_customer_account(account[alive])
        treasury = self._treasury(account, alive & ~customer)
        sheet.skip(alive & ~customer & ~refused)
        lines = self._lines(rows, account, counts, stray)
        known: dict[str, PaymentTerms] = {}
        for code in dict.fromkeys(lines["code"].tolist()):
            rule = terms_for(code)
            if rule is not None:
                known[code] = rule
        names = {"aux": fmt.headers[fmt.col("CompAuxNum")] if fmt.col("CompAuxNum") >= 0 else "CompAuxNum",
                 "letter": fmt.headers[fmt.col("EcritureLet")]}
        found = open_items(lines, treasury, known, default_days, self.name, names)
        anomalies = [a for _, _, a in sheet.anomalies()] + self.anomalies + found.anomalies
        invoice_frame = found.invoices.assign(file=self.name)
        payment_frame = found.payments.assign(file=self.name)
        if len(sheet.notes) == 0 and sheet.skipped.any():
            sheet.notes.append(f"{int(sheet.spans[sheet.skipped].sum())} ligne(s) d'autres comptes que "
                               f"{', '.join(self.accounts)} (ventes, TVA, banque…) : sans objet ici")
        return FecItems(invoice_frame, payment_frame, found.customers, tuple(anomalies), sheet.report())

    def _treasury(self, account: np.ndarray, rows: np.ndarray) -> set[tuple[str, str]]:
        """(journal, entry) of the entries with a bank or cash line: a customer credit balanced by
        one is a payment, whatever the journal is called (many are named after the bank)."""
        if self.fmt.col("EcritureNum") < 0:
            return set()
        bank = rows & np.fromiter((a.startswith(TREASURY_ACCOUNTS) for a in account), dtype=bool,
                                  count=len(account))
        journal, entry = self.text("JournalCode")[bank], self.text("EcritureNum")[bank]
        return {(j, e) for j, e in zip(journal, entry, strict=True) if e}

    def _no_customer_account(self, accounts: np.ndarray) -> RelanceError:
        seen = Counter(a[:3] for a in accounts if a)
        listed = ", ".join(f"{prefix}…" for prefix, _ in sorted(seen.items())[:15])
        suggestion = self._sales_debits()
        wanted = ", ".join(self.accounts)
        hint = (f" (les comptes débités dans le journal des ventes commencent par {suggestion})"
                if suggestion else "")
        example = suggestion or "411"
        return RelanceError(
            f"Le fichier FEC {self.name} n'a aucune écriture sur les comptes clients ({wanted}…) : "
            f"comptes vus : {listed or 'aucun'}{hint}. Si vos comptes clients commencent autrement, "
            f"indiquez-les dans relance.toml, section [fec] : comptes_clients = [\"{example}\"]."
        )

    def _sales_debits(self) -> str:
        journal, label = self.text("JournalCode"), self.text("JournalLib")
        account = self.text("CompteNum")
        debit = self.text("Debit") if self.fmt.col("Debit") >= 0 else np.full(len(account), "", dtype=object)
        found: Counter[str] = Counter()
        for j, lib, a, d in zip(journal, label, account, debit, strict=True):
            if a and d.strip("0,. ") and journal_kind(j, lib) == "sales":
                found[a[:3]] += 1
        return found.most_common(1)[0][0] if found else ""

    def _lines(self, rows: np.ndarray, account: np.ndarray, counts: dict[int, str],
               stray: np.ndarray) -> pd.DataFrame:
        """The customer lines as ledger.LINE_COLUMNS; the first unreadable one stops the reading."""
        fmt, sheet = self.fmt, self.sheet
        signed, problems = self._signed(rows)
        entry_day, state = vectors.days(sheet.cells[fmt.col("EcritureDate")])
        problems.append((rows & (state == BAD), "EcritureDate", "illisible"))
        problems.append((rows & (state == EMPTY), "EcritureDate", "absente"))
        piece_position = fmt.col("PieceDate")
        if piece_position >= 0 and piece_position < sheet.cells.shape[1]:
            piece_day, state = vectors.days(sheet.cells[piece_position])
            problems.append((rows & (state == BAD), "PieceDate", "illisible"))
            piece_day = np.where(state == 0, piece_day, entry_day)
        else:
            piece_day = entry_day
        self._first_problem(problems, counts, stray)
        aux, account_name, aux_name = self.text("CompAuxNum"), self.text("CompteLib"), self.text("CompAuxLib")
        code = np.where(aux != "", aux, account)
        name = np.where(aux != "", aux_name, account_name)
        prefix = np.fromiter((next((len(p) for p in self.accounts if a.startswith(p)), 0) for a in account),
                             dtype=np.int64, count=len(account))
        collective = np.fromiter((not a[k:].strip("0") for a, k in zip(account, prefix, strict=True)),
                                 dtype=bool, count=len(account)) & (aux == "")
        piece, entry, label = self.text("PieceRef"), self.text("EcritureNum"), self.text("EcritureLib")
        number, reference = self._numbers(rows, piece, entry, label)
        frame = pd.DataFrame({
            "row": sheet.first, "account": account, "aux": aux, "code": code, "name": name,
            "signed": signed, "entry_day": entry_day, "piece_day": piece_day,
            "letter": self.text("EcritureLet"), "journal": self.text("JournalCode"),
            "journal_label": self.text("JournalLib"), "entry": entry, "number": number,
            "reference": reference, "label": label, "mode": self.text("ModeRglt"),
            "due": np.full(len(sheet), NO_DAY, dtype=np.int64), "collective": collective,
        })
        return frame.loc[rows, list(LINE_COLUMNS)]

    def _signed(self, rows: np.ndarray) -> tuple[np.ndarray, list]:
        """Debit − credit of each line (Montant with its Sens in that variant of the format)."""
        fmt, cells = self.fmt, self.sheet.cells
        problems: list = []
        if fmt.col("Debit") >= 0:
            debit, d_state = vectors.amounts(cells[fmt.col("Debit")])
            credit, c_state = vectors.amounts(cells[fmt.col("Credit")])
            problems.append((rows & (d_state == BAD), "Debit", "montant"))
            problems.append((rows & (c_state == BAD), "Credit", "montant"))
            return np.where(d_state == 0, debit, 0) - np.where(c_state == 0, credit, 0), problems
        sens = vectors.mapped(cells[fmt.col("Sens")], lambda v: _SENS.get(fold(str(v or "")), 0))
        sens = sens.astype(np.int64)
        problems.append((rows & (sens == 0), "Sens", "sens"))
        amount, state = vectors.amounts(cells[fmt.col("Montant")])
        problems.append((rows & (state == BAD), "Montant", "montant"))
        return np.where(state == 0, amount, 0) * sens, problems

    def _first_problem(self, problems: list, counts: dict[int, str], stray: np.ndarray) -> None:
        """RelanceError for the first line that cannot be read, in the order the checks run."""
        lines = self.sheet.first
        first: tuple[int, int] | None = None  # (line, check)
        for check, (mask, _, _) in enumerate(problems):
            if mask.any():
                candidate = (int(lines[np.flatnonzero(mask)[0]]), check)
                first = candidate if first is None or candidate < first else first
        if counts and (first is None or min(counts) < first[0]):
            line = min(counts)
            raise self.broken(line, counts[line], "Exportez de nouveau le FEC depuis le logiciel comptable.")
        if first is None:
            return
        line, check = first
        mask, column, what = problems[check]
        row = int(np.flatnonzero(mask)[0])
        if stray[row]:  # a line that also has too many fields was shifted by a separator in a label
            raise self.broken(line, f"{int(self.fields[row])} champs au lieu de {self.fmt.width}",
                              "Exportez de nouveau le FEC depuis le logiciel comptable.")
        header = self.fmt.headers[self.fmt.col(column)]
        value = str(self.sheet.cells[self.fmt.col(column)].iloc[row]).strip()
        if what == "montant":
            raise self.broken(line, f"montant « {value} » illisible dans la colonne {header}")
        if what == "sens":
            raise self.broken(line, f"sens « {value} » illisible dans la colonne {header} (D ou C attendu)")
        if what == "absente":
            raise self.broken(line, f"date absente dans la colonne {header}")
        raise self.broken(line, f"date « {value} » illisible dans la colonne {header}")

    def _numbers(self, rows: np.ndarray, piece: np.ndarray, entry: np.ndarray,
                 label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The invoice number of each line: PieceRef, unless it numbers nothing (a placeholder, or
        one value on every customer line of several entries): then EcritureNum, else EcritureLib."""
        folded = vectors.mapped(pd.Series(piece), lambda p: fold(p) in _PLACEHOLDERS).astype(bool)
        informative = rows & ~folded
        values = set(piece[informative].tolist())
        constant = len(values) == 1 and len(set(entry[rows].tolist()) - {""}) > 1
        useless = folded | constant
        shown = piece[rows & useless & (piece != "")]
        if len(shown):
            example = Counter(shown.tolist()).most_common(1)[0][0]
            self.anomalies.append(Anomaly(
                self.name, None, self.fmt.headers[self.fmt.col("PieceRef")], example,
                f"PieceRef ne donne pas le numéro des factures (« {example} » sur {len(shown)} "
                f"ligne(s) clients) : le numéro est pris dans EcritureNum (à défaut EcritureLib)."))
        fallback = np.where(np.isin(entry, list(_PLACEHOLDERS)) | (entry == ""),
                            np.where(label != "", label, None), entry)
        lines = self.sheet.first
        fallback = np.array([f if f is not None else f"ligne {int(line)}"
                             for f, line in zip(fallback, lines, strict=True)], dtype=object)
        number = np.where(useless, fallback, piece).astype(object)
        reference = np.where(useless, "", piece).astype(object)
        return number, reference
