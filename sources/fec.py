"""Reading a FEC (Fichier des Écritures Comptables): the open customer items as invoices and payments.

The format is set by article A47 A-1 of the Livre des procédures fiscales: 18 columns (22 for
cash-basis accounting), tab or `|` separated, dates YYYYMMDD, comma decimals, ISO-8859-15 or UTF-8.
A FEC has no due dates: they come from the customer's payment terms.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from models.errors import RelanceError
from models.records import ZERO, Anomaly, Invoice, Payment, Source
from models.terms import PaymentTerms, due_date
from models.text import fold, french_amount
from sources.cells import parse_amount, parse_date

log = logging.getLogger("relance")

FEC_COLUMNS = (
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
)
_FEC_NAMES = frozenset(name.lower() for name in FEC_COLUMNS)
MIN_FEC_NAMES = 10  # of the 18: a header with that many is a FEC, however the rest is spelt
SEPARATORS = ("\t", "|", ";")
CUSTOMER_ACCOUNTS = "411"
TREASURY_ACCOUNTS = ("51", "53")  # banks (512, cheques to cash 5112...) and cash (53): plan comptable

# Columns without which the items cannot be told apart; the others read as empty when missing.
_REQUIRED = ("JournalCode", "EcritureDate", "CompteNum", "PieceRef", "EcritureLet")
_OPENING_JOURNALS = frozenset({"AN", "RAN"})
_BANK_JOURNALS = ("BQ", "BAN", "CA")  # CA also covers CAI, CAISSE
_SALES_JOURNALS = ("VT", "VE")
_OPENING_LABEL = re.compile(r"\ba[\s-]*nouveaux?\b")
_BANK_LABEL = re.compile(r"\b(?:banques?|caisses?)\b")
_SALES_LABEL = re.compile(r"\bventes?\b")
_PAYMENT_LABEL = re.compile(
    # Not "remise": a "remise commerciale" is a credit note (in a bank journal, a payment anyway).
    r"\b(?:reglements?|regl|rglt|paiements?|virements?|vir|cheques?|chq|prelevements?|prlv|"
    r"encaissements?|lcr|effets?|traites?|cb)\b"
)
_SENS = {"d": 1, "debit": 1, "+1": 1, "1": 1, "c": -1, "credit": -1, "-1": -1}
_BOM = b"\xef\xbb\xbf"
_WINDOWS_BYTES = re.compile(rb"[\x80-\x9f]")


@dataclass(frozen=True)
class FecItems:
    """The open customer items of one FEC, as the rest of Relance reads any export."""

    invoices: tuple[Invoice, ...]  # credit notes have a negative amount
    payments: tuple[Payment, ...]
    customers: dict[str, str]  # customer code -> name
    anomalies: tuple[Anomaly, ...]


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else ISO-8859-15 as the LPF prescribes (0xA4 is €, 0xBC is Œ)."""
    if raw.startswith(_BOM):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # 0x80-0x9F are control codes in ISO-8859-15, never in a label: such bytes betray Windows'
    # cp1252 (0x80 is € there), which some packages write while calling it ISO.
    if _WINDOWS_BYTES.search(raw):
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return raw.decode("iso-8859-15")


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
            head = handle.read(4096)
    except OSError:
        return False
    line = decode(head).partition("\n")[0]
    return _separator(line)[1] >= MIN_FEC_NAMES


class _Format:
    """Where each column of this FEC is, and how its lines are broken."""

    def __init__(self, header: list[str], name: str) -> None:
        # Some exporters close every line with a separator: lines then have as many fields as the
        # header, including its empty last one. Extra fields anywhere else mean a shifted line
        # (an unquoted separator in a label), even when the field that falls off is empty.
        self.widths = {len(header)}
        while header and not header[-1].strip():
            header.pop()
            self.widths.add(len(header))
        self.headers = [h.strip() for h in header]
        self.width = len(header)
        index = {h.lower(): i for i, h in reversed(list(enumerate(self.headers)))}
        self.index = index
        required = list(_REQUIRED)
        if "debit" in index or "credit" in index or "montant" not in index:
            required += ["Debit", "Credit"]
        else:
            required += ["Montant", "Sens"]
        for column in required:
            if column.lower() not in index:
                found = ", ".join(h for h in self.headers if h) or "aucune"
                raise RelanceError(
                    f"Le fichier FEC {name} n'a pas de colonne « {column} » (colonnes trouvées : {found})."
                )
        (self.journal, self.journal_name, self.entry_number, self.entry_date, self.account,
         self.account_name, self.aux, self.aux_name, self.piece, self.piece_date, self.label,
         self.letter, self.debit, self.credit, self.amount, self.sens, self.mode) = (
            self.col(column) for column in (
                "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
                "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "EcritureLet",
                "Debit", "Credit", "Montant", "Sens", "ModeRglt"))

    def col(self, name: str) -> int:
        """The column's position, or -1 when the file lacks it (-1 then reads the blank cell
        `_Reader.read` appends to each customer line)."""
        return self.index.get(name.lower(), -1)


def read_fec(path: Path, terms_for: Callable[[str], PaymentTerms | None], default_days: int) -> FecItems:
    """The open items of the customer accounts (411…): unlettered debits are invoices, unlettered
    credits payments (bank or cash journal, a payment mode, or a payment-like label) or credit
    notes (anything else, such as the sales journal). RelanceError, naming the line, when the file
    breaks the format.

    An invoice's due date is its date under `terms_for(customer code)`, else `default_days` later.
    Lines of one customer sharing a piece number are one invoice (a piece split over several due
    dates, or corrected by a credit on the same piece). A piece number used for several customers
    (opening entries often all say "AN") gets "/customer code" appended, so numbers stay unique.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        log.debug("%s : %r", path, error)
        why = ("il est sans doute ouvert dans un autre programme" if isinstance(error, PermissionError)
               else "il est introuvable ou illisible")
        raise RelanceError(f"Le fichier FEC {path.name} ne peut pas être lu : {why}.") from None
    text = decode(raw)
    separator, _ = _separator(text.partition("\n")[0])
    reader = _Reader(path.name, separator, terms_for, default_days)
    reader.read(text)
    return reader.items()


@dataclass(slots=True)
class _Piece:
    """The open lines of one customer sharing one piece number, summed."""

    amount: Decimal
    day: date
    source: Source
    mode: str


@dataclass(frozen=True, slots=True)
class _Credit:
    """An open credit on a customer account, a payment or a credit note once the file is read."""

    amount: Decimal  # positive
    code: str
    number: str
    entry_day: date
    piece_day: date
    source: Source
    reference: str  # PieceRef
    label: str  # EcritureLib
    entry: tuple[str, str]  # (JournalCode, EcritureNum): its entry's lines
    paid_like: bool  # bank or cash journal, a payment mode, or a payment-like label
    opening: bool  # an opening entry, whose bank lines carry the bank's balance, not this payment


class _Reader:
    def __init__(
        self, name: str, separator: str, terms_for: Callable[[str], PaymentTerms | None], default_days: int
    ) -> None:
        self.name, self.separator = name, separator
        self.terms_for, self.default_days = terms_for, default_days
        self.pieces: dict[tuple[str, str], _Piece] = {}
        self.payments: list[Payment] = []
        self.customers: dict[str, str] = {}
        self.anomalies: list[Anomaly] = []
        self.letters: dict[tuple[str, str, str], tuple[Decimal, Source, str]] = {}
        self.journals: dict[tuple[str, str], str] = {}
        self.collective: set[str] = set()
        self.credits: list[_Credit] = []
        self.treasury: set[tuple[str, str]] = set()  # entries with a bank or cash line

    def broken(self, line: int, reason: str, hint: str = "") -> RelanceError:
        return RelanceError(f"Le fichier FEC {self.name} est mal formé à la ligne {line} : {reason}.", hint)

    def read(self, text: str) -> None:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=self.separator)
        last = 0
        try:
            header = next(reader, [])
            last = reader.line_num
            fmt = _Format(header, self.name)
            width, widths = fmt.width, fmt.widths
            c_account, c_letter = fmt.col("CompteNum"), fmt.col("EcritureLet")
            c_journal, c_number = fmt.journal, fmt.entry_number
            entries = c_number >= 0
            for cells in reader:
                # A record starts on the line after the previous one ended (a quoted label may
                # span lines); a blank line comes back as [] and is skipped, its number counted.
                line, last = last + 1, reader.line_num
                if len(cells) != width and len(cells) not in widths:
                    if not cells or (len(cells) == 1 and not cells[0].strip()):
                        continue
                    raise self.broken(line, self.count_reason(cells, width),
                                      "Exportez de nouveau le FEC depuis le logiciel comptable.")
                account = cells[c_account]
                if account.lstrip().startswith(CUSTOMER_ACCOUNTS):
                    cells.append("")  # what a missing optional column reads (position -1)
                    self.customer_line(line, cells, fmt, bool(cells[c_letter].strip()))
                elif entries and account.startswith(TREASURY_ACCOUNTS) and cells[c_number].strip():
                    # A customer credit balanced by a bank line is a payment, whatever the journal
                    # is called (many are named after the bank: "BNP", "CIC").
                    self.treasury.add((cells[c_journal].strip(), cells[c_number].strip()))
        except csv.Error as error:
            # Only a quote left open, swallowing the lines after it, makes the lenient csv fail.
            log.debug("%s : %s", self.name, error)
            raise self.broken(last + 1, "vérifiez les guillemets de cette ligne") from None

    @staticmethod
    def count_reason(cells: list[str], width: int) -> str:
        if any("\n" in c for c in cells):  # a quote never closed swallowed the following lines
            return "un guillemet y est ouvert sans être refermé"
        return f"{len(cells)} champs au lieu de {width}"

    def amount(self, line: int, cells: list[str], fmt: _Format, column: int) -> Decimal:
        value = cells[column]
        try:
            amount = parse_amount(value)
        except ValueError:
            raise self.broken(
                line, f"montant « {value.strip()} » illisible dans la colonne {fmt.headers[column]}"
            ) from None
        return ZERO if amount is None else amount

    def day(self, line: int, cells: list[str], fmt: _Format, column: int) -> date | None:
        value = cells[column]
        try:
            return parse_date(value)
        except ValueError:
            raise self.broken(
                line, f"date « {value.strip()} » illisible dans la colonne {fmt.headers[column]}"
            ) from None

    def signed_amount(self, line: int, cells: list[str], fmt: _Format) -> Decimal:
        """Debit − credit of the line (Montant with its Sens in that variant of the format)."""
        if fmt.debit >= 0:
            return self.amount(line, cells, fmt, fmt.debit) - self.amount(line, cells, fmt, fmt.credit)
        sens = _SENS.get(fold(cells[fmt.sens]))
        if sens is None:
            raise self.broken(line, f"sens « {cells[fmt.sens].strip()} » illisible dans la colonne "
                                    f"{fmt.headers[fmt.sens]} (D ou C attendu)")
        return self.amount(line, cells, fmt, fmt.amount) * sens

    def customer_line(self, line: int, cells: list[str], fmt: _Format, lettered: bool) -> None:
        source = Source(self.name, line)
        account, aux = cells[fmt.account].strip(), cells[fmt.aux].strip()
        code, name = (aux, cells[fmt.aux_name]) if aux else (account, cells[fmt.account_name])
        name = name.strip()
        if not self.customers.get(code):
            self.customers[code] = name or code
        if not aux and not account[len(CUSTOMER_ACCOUNTS):].strip("0") and account not in self.collective:
            self.collective.add(account)
            self.anomalies.append(Anomaly.at(
                source, "CompAuxNum", "",
                f"Écritures du compte collectif {account} sans compte auxiliaire : elles sont "
                f"comptées comme un seul client « {account} ».",
            ))
        signed = self.signed_amount(line, cells, fmt)
        entry_day = self.day(line, cells, fmt, fmt.entry_date)
        if entry_day is None:
            raise self.broken(line, f"date absente dans la colonne {fmt.headers[fmt.entry_date]}")
        piece_day = self.day(line, cells, fmt, fmt.piece_date) or entry_day
        if lettered:
            # Lettering codes repeat across customers: a group is (account, auxiliary, letter).
            key = (account, aux, cells[fmt.letter].strip())
            total, first, _ = self.letters.get(key, (ZERO, source, code))
            self.letters[key] = (total + signed, first, code)
            return
        if signed == 0:
            return
        journal, entry_number = cells[fmt.journal].strip(), cells[fmt.entry_number].strip()
        mode, reference = cells[fmt.mode].strip(), cells[fmt.piece].strip()
        number = reference or entry_number or f"ligne {line}"
        if signed > 0:
            self.add_piece(code, number, signed, piece_day, source, mode)
            return
        kind = self.journal_kind(journal, cells[fmt.journal_name].strip())
        label = cells[fmt.label].strip()
        paid_like = kind == "bank" or bool(mode) or (
            kind != "sales" and _PAYMENT_LABEL.search(fold(label)) is not None)
        # Decided once every line is read: the entry's bank line may come after this one.
        self.credits.append(_Credit(-signed, code, number, entry_day, piece_day, source, reference, label,
                                    (journal, entry_number), paid_like, kind == "opening"))

    def add_piece(
        self, code: str, number: str, amount: Decimal, day: date, source: Source, mode: str
    ) -> None:
        piece = self.pieces.get((code, number))
        if piece is None:
            self.pieces[(code, number)] = _Piece(amount, day, source, mode)
        else:
            piece.amount += amount
            piece.day = min(piece.day, day)

    def journal_kind(self, code: str, label: str) -> str:
        """bank, sales, opening or other; a FEC has a handful of journals, so this is cached."""
        kind = self.journals.get((code, label))
        if kind is None:
            upper, plain = code.upper(), fold(label)
            if upper in _OPENING_JOURNALS or _OPENING_LABEL.search(plain):
                kind = "opening"
            elif upper.startswith(_BANK_JOURNALS) or _BANK_LABEL.search(plain):
                kind = "bank"
            elif upper.startswith(_SALES_JOURNALS) or _SALES_LABEL.search(plain):
                kind = "sales"
            else:
                kind = "other"
            self.journals[(code, label)] = kind
        return kind

    def items(self) -> FecItems:
        for credit in self.credits:
            if credit.paid_like or (not credit.opening and credit.entry in self.treasury):
                self.payments.append(Payment(credit.entry_day, credit.code, credit.amount,
                                             credit.reference, credit.label, credit.source))
            else:
                self.add_piece(
                    credit.code, credit.number, -credit.amount, credit.piece_day, credit.source, "")
        owners: dict[str, set[str]] = {}
        for code, number in self.pieces:
            owners.setdefault(number, set()).add(code)
        terms: dict[str, PaymentTerms | None] = {}
        invoices = []
        for (code, number), piece in self.pieces.items():
            if piece.amount == 0:
                continue
            if piece.amount > 0:
                if code not in terms:
                    terms[code] = self.terms_for(code)
                rule = terms[code]
                due = due_date(piece.day, rule) if rule else piece.day + timedelta(days=self.default_days)
            else:
                due = piece.day  # a credit note is usable at once
            shown = f"{number}/{code}" if len(owners[number]) > 1 else number
            invoices.append(Invoice(
                shown, code, self.customers.get(code, code), piece.day, due, piece.amount,
                payment_mode=piece.mode, source=piece.source,
            ))
        for (_, _, letter), (total, first, code) in self.letters.items():
            if total != 0:
                self.anomalies.append(Anomaly.at(
                    first, "EcritureLet", letter,
                    f"Le lettrage « {letter} » du client {code} n'est pas soldé (écart de "
                    f"{french_amount(total)}) : ces écritures sont tenues pour réglées ; "
                    f"vérifiez le lettrage dans le logiciel comptable.",
                ))
        invoices.sort(key=lambda i: i.source.row)  # type: ignore[union-attr]  # in the file's order
        return FecItems(tuple(invoices), tuple(self.payments), dict(self.customers), tuple(self.anomalies))
