"""Reading every accounting export dropped in input/: invoices, payments, customers, past reminders."""

from __future__ import annotations

import gc
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path

from models.errors import RelanceError
from models.records import Anomaly, Customer, Invoice, Payment, Source
from models.settings import Settings
from models.terms import PaymentTerms, due_date, parse_terms
from sources.columns import HEADER_SEARCH_ROWS, Layout, find_layout, known_titles
from sources.fec import is_fec, read_fec
from sources.rows import (
    PastReminder,
    read_customers,
    read_invoices,
    read_past_reminders,
    read_payments,
)
from sources.tables import SPREADSHEET_SUFFIXES, TEXT_SUFFIXES, Row, Table, read_rows

__all__ = ["Exports", "PastReminder", "read_exports"]

# File name prefix (lower case, accents stripped) -> kind of export.
PREFIXES = (
    ("factures", "factures"),
    ("reglements", "reglements"),
    ("paiements", "reglements"),
    ("clients", "clients"),
    ("relances", "relances"),
)
KINDS = ("factures", "reglements", "clients", "relances", "fec")


@dataclass(frozen=True)
class Exports:
    """What the exports say, as read; cross-checks between files are the core's job."""

    invoices: tuple[Invoice, ...]  # credit notes have a negative amount
    payments: tuple[Payment, ...]
    customers: dict[str, Customer]  # by code, only those of the clients file(s)
    past_reminders: tuple[PastReminder, ...]
    anomalies: tuple[Anomaly, ...]
    files: dict[str, tuple[str, ...]]  # kind -> names of the files read, every kind present


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


def find_files(input_dir: Path) -> dict[str, tuple[Path, ...]]:
    """The export files of the folder by kind, each kind sorted by name (subfolders ignored)."""
    try:
        entries = sorted(input_dir.iterdir(), key=lambda p: (p.name.casefold(), p.name))
    except OSError as error:
        raise RelanceError(f"Le dossier {input_dir} ne peut pas être lu ({error}).") from None
    found: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    for path in entries:
        if not path.is_file() or path.name.startswith(("~$", ".")):
            continue
        # A FEC is known by its header, whatever its name (« 812345678FEC20261231.txt »).
        if path.suffix.lower() in TEXT_SUFFIXES and is_fec(path):
            found["fec"].append(path)
            continue
        kind = kind_of(path.name)
        if kind is not None:
            found[kind].append(path)
    if not found["factures"] and not found["fec"]:
        raise RelanceError(
            f"Aucun fichier de factures dans {input_dir} : déposez-y l'export des factures "
            f"(nom commençant par « factures ») ou le fichier des écritures comptables (FEC)."
        )
    return {kind: tuple(paths) for kind, paths in found.items()}


def _open(path: Path, kind: str, settings: Settings) -> tuple[Table, Layout]:
    """The data rows of a file (after its header) and its column layout."""
    rows, text = read_rows(path, known_titles(kind, settings))
    head: list[Row] = []
    for row in rows:  # the header is within the first non-blank rows
        head.append(row)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    layout, position = find_layout(kind, head, path.name, settings)
    return Table(chain(head[position + 1:], rows), text), layout


def read_exports(input_dir: Path, settings: Settings) -> Exports:
    """Reads every export of `input_dir`; RelanceError when a file or a required column is missing."""
    files = find_files(input_dir)
    # Reading builds a few hundred thousand small objects and no reference cycles; the cyclic
    # garbage collector would rescan them all again and again (about 20 % of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read(files, settings)
    finally:
        if collecting:
            gc.enable()


def _read(files: dict[str, tuple[Path, ...]], settings: Settings) -> Exports:
    anomalies: list[Anomaly] = []
    # Customers first: their payment terms give the due date of invoices that have none.
    customers: dict[str, Customer] = {}
    for path in files["clients"]:
        table, layout = _open(path, "clients", settings)
        read_customers(table, path.name, layout, customers, anomalies)
    terms_for = _terms(customers, settings, anomalies)
    default = PaymentTerms(settings.default_payment_days, False, None, "")

    def due_for(code: str, issued: date) -> date:
        return due_date(issued, terms_for(code) or default)

    invoices: list[Invoice] = []
    seen: dict[str, Source] = {}
    for path in files["factures"]:
        table, layout = _open(path, "factures", settings)
        invoices.extend(read_invoices(table, path.name, layout, seen, anomalies, due_for))
    payments: list[Payment] = []
    for path in files["reglements"]:
        table, layout = _open(path, "reglements", settings)
        payments.extend(read_payments(table, path.name, layout, anomalies))
    for path in files["fec"]:
        fec = read_fec(path, terms_for, settings.default_payment_days)
        invoices.extend(_first_seen(fec.invoices, seen, anomalies))
        payments.extend(fec.payments)
        anomalies.extend(fec.anomalies)
        for code, name in fec.customers.items():
            if code not in customers:  # the clients file knows more (email, address): it wins
                customers[code] = Customer(code=code, name=name)
    reminders: list[PastReminder] = []
    for path in files["relances"]:
        table, layout = _open(path, "relances", settings)
        reminders.extend(read_past_reminders(table, path.name, layout, anomalies))
    return Exports(
        invoices=tuple(invoices),
        payments=tuple(payments),
        customers=customers,
        past_reminders=tuple(reminders),
        anomalies=tuple(anomalies),
        files={kind: tuple(p.name for p in paths) for kind, paths in files.items()},
    )


def _terms(
    customers: dict[str, Customer], settings: Settings, anomalies: list[Anomaly]
) -> Callable[[str], PaymentTerms | None]:
    """Each customer's payment terms, parsed once; an expression not understood is an anomaly
    naming the customer, and the default delay applies."""
    known: dict[str, PaymentTerms] = {}
    for code, customer in customers.items():
        if not customer.terms:
            continue
        try:
            known[code] = parse_terms(customer.terms)
        except ValueError as reason:
            anomalies.append(
                Anomaly.at(
                    customer.source,
                    "Conditions de paiement",
                    customer.terms,
                    f"Conditions de paiement incomprises pour {customer.name or code} ({reason}) : "
                    f"délai par défaut de {settings.default_payment_days} jours appliqué.",
                )
            )
    return known.get


def _first_seen(
    invoices: tuple[Invoice, ...], seen: dict[str, Source], anomalies: list[Anomaly]
) -> list[Invoice]:
    """Invoices of a FEC whose number a factures file already gave are left out (the same invoice)."""
    kept = []
    for invoice in invoices:
        first = seen.get(invoice.number)
        if first is not None:
            anomalies.append(
                Anomaly.at(
                    invoice.source,
                    "PieceRef",
                    invoice.number,
                    f"Facture déjà lue dans {first.file} ligne {first.row} : écriture du FEC ignorée.",
                )
            )
            continue
        if invoice.source is not None:
            seen[invoice.number] = invoice.source
        kept.append(invoice)
    return kept
