"""Reading every accounting export dropped in input/: invoices, payments, customers, past reminders."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from models.errors import RelanceError
from models.problems import Problems
from models.records import Anomaly, Customer, FileReport, Invoice, Payment
from models.settings import Settings
from models.terms import PaymentTerms, parse_terms
from sources import to_records
from sources.checks import Sheet
from sources.columns import all_known_titles, find_layout, known_titles, recognise
from sources.companies import CompanyColumn
from sources.fec import is_fec, read_fec
from sources.frames import (
    CUSTOMER_COLUMNS,
    INVOICE_COLUMNS,
    PAYMENT_COLUMNS,
    REMINDER_COLUMNS,
    Frames,
    merge_invoices,
    public,
)
from sources.invoices import read_invoices
from sources.journals import read_ledger
from sources.others import PastReminder, read_customers, read_past_reminders, read_payments
from sources.tables import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES, Table, read_head, read_table
from sources.vectors import NO_DAY

__all__ = ["Exports", "FileReport", "Frames", "PastReminder", "read_exports"]

# File name prefix (lower case, accents stripped) -> kind of export.
PREFIXES = (
    ("factures", "factures"),
    ("reglements", "reglements"),
    ("paiements", "reglements"),
    ("clients", "clients"),
    ("relances", "relances"),
    ("devis", "devis"),  # quotes: read apart, by sources.quotes, and only when such a file is there
)
KINDS = ("factures", "reglements", "clients", "relances", "fec", "ecritures")
_HEAD = 20


@dataclass(frozen=True, eq=False)
class Exports:
    """What the exports say, as read; cross-checks between files are the core's job.

    `frames` holds the data as DataFrames (schemas in sources.frames); `invoices`, `payments`,
    `customers` and `past_reminders` are the same data as records, built on first use.
    """

    frames: Frames
    anomalies: tuple[Anomaly, ...]
    files: dict[str, tuple[str, ...]]  # kind -> names of the files read, every kind present
    files_report: dict[str, FileReport] = field(default_factory=dict)  # file name -> its lines

    @cached_property
    def invoices(self) -> tuple[Invoice, ...]:  # credit notes have a negative amount
        return to_records.invoices(self.frames.invoices)

    @cached_property
    def payments(self) -> tuple[Payment, ...]:
        return to_records.payments(self.frames.payments)

    @cached_property
    def customers(self) -> dict[str, Customer]:  # by code: the clients file's, then those a FEC names
        return to_records.customers(self.frames.customers)

    @cached_property
    def past_reminders(self) -> tuple[PastReminder, ...]:
        return to_records.past_reminders(self.frames.past_reminders)


def kind_of(name: str) -> str | None:
    """The kind of export a file name announces, or None for a file to leave alone."""
    if name.startswith(("~$", ".")):  # Excel's owner file, hidden and lock files
        return None
    suffix = Path(name).suffix.lower()
    if suffix not in SPREADSHEET_SUFFIXES and suffix not in TEXT_SUFFIXES:
        return None
    # NFKD also undoes macOS's decomposed file names (e + combining grave accent).
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name.lower()) if not unicodedata.combining(c)
    )
    for prefix, kind in PREFIXES:
        if plain.startswith(prefix):
            return kind
    return None


@dataclass
class _Opened:
    path: Path
    kind: str
    table: Table | None = None


def find_files(input_dir: Path, settings: Settings) -> dict[str, tuple[_Opened, ...]]:
    """The export files of the folder by kind, each kind sorted by name (subfolders ignored).

    A FEC is known by its header, a ledger or journal export by its columns (Débit, Crédit and an
    account), whatever their names; an aged balance is refused with what to export instead.
    """
    try:
        entries = sorted(input_dir.iterdir(), key=lambda p: (p.name.casefold(), p.name))
    except OSError as error:
        raise RelanceError(f"Le dossier {input_dir} ne peut pas être lu ({error}).") from None
    found: dict[str, list[_Opened]] = {kind: [] for kind in KINDS}
    for path in entries:
        if not path.is_file() or path.name.startswith(("~$", ".")) or kind_of(path.name) == "devis":
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES and is_fec(path):
            found["fec"].append(_Opened(path, "fec"))
            continue
        kind = kind_of(path.name)
        if kind in ("clients", "relances"):
            found[kind].append(_Opened(path, kind))
            continue
        if suffix not in TEXT_SUFFIXES and suffix not in SPREADSHEET_SUFFIXES:
            continue
        titles = known_titles(kind, settings) if kind else all_known_titles(settings)
        try:
            head, table = read_head(path, titles | known_titles("ecritures", settings), _HEAD)
        except RelanceError:
            if kind is None:  # a file of another name that is no export after all: left alone
                continue
            raise
        layout = recognise(head, settings, strict=kind == "reglements")
        if layout == "balance":
            raise _aged_balance(path.name)
        if layout == "ecritures":
            found["ecritures"].append(_Opened(path, "ecritures", table))
        elif kind is not None:
            found[kind].append(_Opened(path, kind, table))
    if not found["factures"] and not found["fec"] and not found["ecritures"]:
        raise RelanceError(
            f"Aucun fichier de factures dans {input_dir} : déposez-y l'export des factures "
            f"(nom commençant par « factures ») ou le fichier des écritures comptables (FEC)."
        )
    return {kind: tuple(files) for kind, files in found.items()}


def _aged_balance(name: str) -> RelanceError:
    return RelanceError(
        f"Le fichier {name} est une balance âgée (un total par client et par tranche de retard) : "
        f"Relance a besoin des factures une à une. Exportez plutôt la liste des factures non "
        f"réglées (l'échéancier clients, ou le grand livre clients non lettré, ou le FEC) et "
        f"déposez-la dans input/ ; le menu de chaque logiciel est dans docs/exports.md."
    )


def read_exports(input_dir: Path, settings: Settings, companies: CompanyColumn | None = None) -> Exports:
    """Reads every export of `input_dir`; RelanceError when a file or a required column is missing.
    With [[societes]], Problems when rows name no company: those of these exports and those `companies`
    already holds (the quote files read before, with it), all told together."""
    return _Reading(find_files(input_dir, settings), settings, companies).read()


class _Reading:
    """One reading of the folder: the frames, the anomalies in file order and each file's count."""

    def __init__(
        self, files: dict[str, tuple[_Opened, ...]], settings: Settings, companies: CompanyColumn | None
    ) -> None:
        self.files, self.settings = files, settings
        self.anomalies: list[Anomaly] = []
        self.reports: dict[str, FileReport] = {}
        # [[societes]]: the company of every row, read from the « Société » columns
        if companies is None and settings.companies:
            companies = CompanyColumn(settings)
        self.companies = companies

    def sheet(self, opened: _Opened, kind: str) -> Sheet:
        table = opened.table or read_table(opened.path, known_titles(kind, self.settings))
        opened.table = None  # its rows now live in the sheet only
        layout = find_layout(kind, table.head(_HEAD), opened.path.name, self.settings)
        return Sheet(table, opened.path.name, layout, kind)

    def close(self, sheet: Sheet, used=None) -> None:
        self.anomalies.extend(a for _, _, a in sheet.anomalies())
        self.reports[sheet.file] = sheet.report(used)

    def read(self) -> Exports:
        settings = self.settings
        customer_frames, known = [], {}
        companies = self.companies
        for opened in self.files["clients"]:
            sheet = self.sheet(opened, "clients")
            read = companies.read(sheet) if companies else None
            # A customer row may name no company: it is then a customer of each one.
            codes = None if read is None else read[0]
            frame = read_customers(sheet, known, codes)
            if companies:
                companies.check(sheet, read, required=False)
            customer_frames.append(frame)
            self.close(sheet)
        customers = _concat(customer_frames, CUSTOMER_COLUMNS)
        terms = self._terms(customers)
        default = settings.default_payment_days
        sheets, parts = [], []
        for opened in self.files["factures"]:
            sheet = self.sheet(opened, "factures")
            read = companies.read(sheet) if companies else None
            frame = read_invoices(sheet, terms, default)
            if companies:
                frame = frame.assign(company=companies.check(sheet, read))
            sheet.release()
            sheets.append(sheet)
            parts.append(frame.assign(file=sheet.file))
        if companies:  # an invoice number is one company's: another company may have the same
            invoices = pd.concat(
                [merge_invoices([p[p["company"] == c.code] for p in parts], sheets)
                 for c in settings.companies], ignore_index=True)
        else:
            invoices = merge_invoices(parts, sheets)
        for sheet in sheets:
            self.close(sheet)
        del sheets, parts
        payments = []
        for opened in self.files["reglements"]:
            sheet = self.sheet(opened, "reglements")
            read = companies.read(sheet) if companies else None
            frame = read_payments(sheet).assign(file=sheet.file)
            if companies:
                frame = frame.assign(company=companies.check(sheet, read))
            payments.append(frame)
            self.close(sheet)
        seen = [invoices]
        ledger_invoices, named = [], {}
        # With [[societes]], a FEC or a ledger export (no « Société » column) is not read: told below.
        for opened in self.files["fec"] if not companies else ():
            fec = read_fec(opened.path, lambda code: terms.get(code), default, settings.customer_accounts)
            self.anomalies.extend(fec.anomalies)
            ledger_invoices.append(self._first_seen(fec.invoice_frame, seen, "PieceRef"))
            payments.append(fec.payment_frame)
            if fec.report is not None:
                self.reports[opened.path.name] = fec.report
            named.update({c: n for c, n in fec.customers.items() if c not in named})
        for opened in self.files["ecritures"] if not companies else ():
            sheet = self.sheet(opened, "ecritures")
            items = read_ledger(sheet, settings.customer_accounts, terms, default)
            self.close(sheet)
            self.anomalies.extend(items.anomalies)
            column = sheet.layout.header("piece") if sheet.layout.get("piece") >= 0 else "Pièce"
            ledger_invoices.append(self._first_seen(items.invoices.assign(file=sheet.file), seen, column))
            payments.append(items.payments.assign(file=sheet.file))
            named.update({c: n for c, n in items.customers.items() if c not in named})
        reminders = []
        for opened in self.files["relances"]:
            sheet = self.sheet(opened, "relances")
            reminders.append(read_past_reminders(sheet).assign(file=sheet.file))
            self.close(sheet)
        if companies:
            for opened in (*self.files["fec"], *self.files["ecritures"]):
                companies.not_readable(opened.path.name, "un FEC" if opened.kind == "fec" else
                                       "un export d'écritures comptables")
            if companies.problems:
                raise Problems(
                    f"Les exports de input/ ne disent pas de quelle société est chaque ligne ([[societes]] "
                    f"dans relance.toml) ; rien n'est préparé ({_points(len(companies.problems))} à "
                    "corriger) :", companies.problems)
        extra_columns = ("company",) if companies else ()
        invoices = _concat([invoices, *ledger_invoices], INVOICE_COLUMNS + extra_columns)
        extra = [c for c in named if c not in set(customers["code"])]
        if extra:
            customers = _concat([customers, _named(extra, named)], CUSTOMER_COLUMNS)
        invoices = public(invoices, "invoices")
        payments = public(_concat(payments, PAYMENT_COLUMNS + extra_columns), "payments")
        frames = Frames(
            invoices=invoices,
            payments=payments,
            customers=public(customers, "customers"),
            past_reminders=public(_concat(reminders, REMINDER_COLUMNS), "past_reminders"),
        )
        return Exports(
            frames=frames,
            anomalies=tuple(self.anomalies),
            files={kind: tuple(o.path.name for o in files) for kind, files in self.files.items()},
            files_report=self.reports,
        )

    def _terms(self, customers: pd.DataFrame) -> dict[str, PaymentTerms]:
        """Each customer's payment terms, parsed once; an expression not understood is an anomaly
        naming the customer, and the default delay applies."""
        known: dict[str, PaymentTerms] = {}
        days = self.settings.default_payment_days
        with_terms = customers[customers["terms"] != ""]
        for code, name, text, file, row in zip(with_terms["code"], with_terms["name"], with_terms["terms"],
                                               with_terms["file"], with_terms["row"], strict=True):
            try:
                known[code] = parse_terms(text)
            except ValueError as reason:
                self.anomalies.append(Anomaly(
                    file, int(row), "Conditions de paiement", text,
                    f"Conditions de paiement incomprises pour {name or code} ({reason}) : "
                    f"délai par défaut de {days} jours appliqué."))
        return known

    def _first_seen(self, frame: pd.DataFrame, seen: list[pd.DataFrame], column: str) -> pd.DataFrame:
        """Invoices of a FEC or ledger whose number an earlier file already gave are left out."""
        if not len(frame):
            return frame
        earlier = pd.concat([f[["number", "file", "row"]] for f in seen if len(f)], ignore_index=True) \
            if any(len(f) for f in seen) else None
        if earlier is not None:
            firsts = earlier.drop_duplicates("number").set_index("number")
            again = frame["number"].isin(firsts.index).to_numpy()
            for number, file, row in zip(frame["number"][again], frame["file"][again], frame["row"][again],
                                         strict=True):
                origin = firsts.loc[number]
                self.anomalies.append(Anomaly(
                    file, int(row), column, number,
                    f"Facture déjà lue dans {origin['file']} ligne {int(origin['row'])} : "
                    f"écriture du FEC ignorée."))
            frame = frame[~again]
        seen.append(frame)
        return frame


def _points(n: int) -> str:
    return f"{n} point{'s' if n > 1 else ''}"


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    if len(frames) == 1:  # the usual case: no copy
        return frames[0]
    return pd.concat([f[list(columns)] for f in frames], ignore_index=True)


def _named(codes: list[str], names: dict[str, str]) -> pd.DataFrame:
    """Customers only a FEC or a ledger names: a code and a name, nothing else known."""
    n = len(codes)
    empty = [""] * n
    return pd.DataFrame({
        "code": codes, "name": [names[c] for c in codes], "email": empty, "address1": empty,
        "address2": empty, "address3": empty, "postal_code": empty, "city": empty, "country": empty,
        "phone": empty, "private": [False] * n, "do_not_chase": [False] * n, "terms": empty,
        "chase_from": [NO_DAY] * n, "blocked": empty, "family": empty, "representative": empty,
        "company": empty, "title": empty, "file": empty, "row": [0] * n,
    })
