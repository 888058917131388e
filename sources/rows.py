"""Turning the rows of one export file into records; a bad cell becomes an anomaly, never a crash."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from models.records import Anomaly, Customer, Invoice, Payment, Source
from sources.cells import parse_amount, parse_date, parse_flag, text_of
from sources.columns import Layout
from sources.tables import Table


@dataclass(frozen=True, slots=True)
class PastReminder:
    """A reminder sent before Relance was used, from an optional `relances*` file."""

    invoice_number: str
    date: date
    level: int
    source: Source


class _Sheet:
    """One file being read: its layout and the anomalies its rows raise."""

    __slots__ = ("anomalies", "file", "layout", "width")

    def __init__(self, file: str, layout: Layout, anomalies: list[Anomaly]) -> None:
        self.file = file
        self.layout = layout
        self.anomalies = anomalies
        self.width = max(layout.index.values()) + 1

    def padded(self, cells: Sequence[object]) -> Sequence[object]:
        # CSV lines may stop before the last columns; missing cells read as empty.
        return [*cells, *[""] * (self.width - len(cells))]

    def report(self, row: int, cells: Sequence[object], column: int, message: str) -> None:
        """Records an anomaly, unless the row is blank (only spaces): that one is skipped silently."""
        if not any(text_of(c) for c in cells):
            return
        self.anomalies.append(
            Anomaly(self.file, row, self.layout.headers[column], _shown(cells[column]), message)
        )

    def required(
        self, row: int, cells: Sequence[object], column: int, parse: Callable[[object], Any], noun: str
    ) -> Any:
        """The parsed cell, or None after an anomaly that says the row is left out."""
        try:
            value = parse(cells[column])
        except ValueError:
            self.report(row, cells, column, f"{noun} illisible : ligne ignorée.")
            return None
        if value is None:
            self.report(row, cells, column, f"{noun} vide : ligne ignorée.")
        return value

    def required_date(self, row: int, cells: Sequence[object], column: int) -> date | None:
        return self.required(row, cells, column, parse_date, "Date")

    def required_amount(self, row: int, cells: Sequence[object], column: int) -> Decimal | None:
        return self.required(row, cells, column, parse_amount, "Montant")

    def optional_amount(self, row: int, cells: Sequence[object], column: int) -> Decimal | None:
        if column < 0:
            return None
        try:
            return parse_amount(cells[column])
        except ValueError:
            self.report(row, cells, column, "Montant illisible : valeur ignorée.")
            return None


def _shown(value: object) -> str:
    """A cell as the user saw it in Excel, for the Anomalies sheet."""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return text_of(value)


def _french(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def read_invoices(
    table: Table,
    file: str,
    layout: Layout,
    seen: dict[str, Source],
    anomalies: list[Anomaly],
    due_for: Callable[[str, date], date],
) -> list[Invoice]:
    """Invoices and credit notes; `seen` (number -> first source) spans all factures files.
    `due_for(customer code, invoice date)` gives the due date of an invoice that has none."""
    sheet = _Sheet(file, layout, anomalies)
    text, width, col = table.text, sheet.width, layout.get
    c_number, c_customer, c_date, c_due, c_amount = (
        col("numero"), col("client"), col("date"), col("echeance"), col("montant"))
    c_name, c_paid, c_left, c_mode, c_dispute, c_blocked = (
        col("nom"), col("regle"), col("reste_du"), col("mode_reglement"), col("litige"), col("bloque"))
    invoices = []
    for row, cells in table.rows:
        if len(cells) < width:
            cells = sheet.padded(cells)
        number = text(cells[c_number])
        if not number:
            sheet.report(row, cells, c_number, "Numéro de facture vide : ligne ignorée.")
            continue
        customer = text(cells[c_customer])
        if not customer:
            sheet.report(row, cells, c_customer, "Code client vide : ligne ignorée.")
            continue
        try:
            # The invoice date only shows in letters: a bad one is reported, the invoice kept.
            issued = parse_date(cells[c_date])
        except ValueError:
            sheet.report(row, cells, c_date, "Date illisible : date de facture laissée vide.")
            issued = None
        due = _due_date(sheet, row, cells, c_due, c_date, issued, customer, due_for)
        if due is None:
            continue
        amount = sheet.required_amount(row, cells, c_amount)
        if amount is None:
            continue
        paid = sheet.optional_amount(row, cells, c_paid) if c_paid >= 0 else None
        left = sheet.optional_amount(row, cells, c_left) if c_left >= 0 else None
        if paid is not None and left is not None and amount - paid != left:
            sheet.report(row, cells, c_left,
                         f"Montant TTC − réglé ({_french(amount - paid)}) ≠ reste dû ({_french(left)}).")
        dispute, blocked = _mark(cells, c_dispute), _mark(cells, c_blocked)
        first = seen.get(number)
        if first is not None:
            sheet.report(row, cells, c_number,
                         f"Numéro de facture déjà présent ({first.file} ligne {first.row}) : ligne ignorée.")
            continue
        seen[number] = source = Source(file, row)
        invoices.append(Invoice(
            number, customer, text(cells[c_name]) if c_name >= 0 else "", issued, due, amount,
            paid, left, text(cells[c_mode]) if c_mode >= 0 else "", dispute, source, blocked,
        ))
    return invoices


def _due_date(
    sheet: _Sheet,
    row: int,
    cells: Sequence[object],
    c_due: int,
    c_date: int,
    issued: date | None,
    customer: str,
    due_for: Callable[[str, date], date],
) -> date | None:
    """The due date of the export, else the invoice date plus the customer's payment terms."""
    if c_due >= 0:
        try:
            due = parse_date(cells[c_due])
        except ValueError:
            sheet.report(row, cells, c_due, "Date illisible : ligne ignorée.")
            return None
        if due is not None:
            return due
    if issued is None:
        column = c_due if c_due >= 0 else c_date
        sheet.report(row, cells, column, "Ni échéance ni date de facture : ligne ignorée.")
        return None
    return due_for(customer, issued)


def _mark(cells: Sequence[object], column: int) -> str:
    """A Litige / Bloqué cell: "" for no, "Oui" for yes, else its text (a comment means yes)."""
    if column < 0:
        return ""
    flag = parse_flag(cells[column])
    return "Oui" if flag else "" if flag is False else text_of(cells[column])


def read_payments(
    table: Table, file: str, layout: Layout, anomalies: list[Anomaly]
) -> list[Payment]:
    """Payments received; a negative amount (a bounced cheque) is kept as the export gives it."""
    sheet = _Sheet(file, layout, anomalies)
    text, width, col = table.text, sheet.width, layout.get
    c_date, c_customer, c_amount, c_reference, c_label = (
        col("date"), col("client"), col("montant"), col("reference"), col("libelle"))
    payments = []
    for row, cells in table.rows:
        if len(cells) < width:
            cells = sheet.padded(cells)
        day = sheet.required_date(row, cells, c_date)
        if day is None:
            continue
        customer = text(cells[c_customer])
        if not customer:
            sheet.report(row, cells, c_customer, "Code client vide : ligne ignorée.")
            continue
        amount = sheet.required_amount(row, cells, c_amount)
        if amount is None:
            continue
        payments.append(Payment(
            day, customer, amount, text(cells[c_reference]) if c_reference >= 0 else "",
            text(cells[c_label]) if c_label >= 0 else "", Source(file, row),
        ))
    return payments


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


def read_customers(
    table: Table, file: str, layout: Layout, customers: dict[str, Customer],
    anomalies: list[Anomaly],
) -> None:
    """Adds the file's customers to `customers` (by code); a code seen before is reported."""
    sheet = _Sheet(file, layout, anomalies)
    col = layout.get
    c_code, c_email, c_type, c_stop, c_postal, c_from = (
        col("code"), col("email"), col("type"), col("ne_pas_relancer"), col("code_postal"),
        col("relancer_a_partir_du"))
    c_lines = [c for c in (col("adresse1"), col("adresse2"), col("adresse3")) if c >= 0]

    def text(cells: Sequence[object], column: int) -> str:
        return text_of(cells[column]) if column >= 0 else ""

    for row, cells in table.rows:
        if len(cells) < sheet.width:
            cells = sheet.padded(cells)
        code = text_of(cells[c_code])
        if not code:
            sheet.report(row, cells, c_code, "Code client vide : ligne ignorée.")
            continue
        first = customers.get(code)
        if first is not None and first.source is not None:
            sheet.report(row, cells, c_code,
                         f"Code client déjà présent ({first.source.file} ligne {first.source.row}) : "
                         f"ligne ignorée.")
            continue
        email = first_email(text(cells, c_email))
        if email is None:
            sheet.report(row, cells, c_email, "Adresse email invalide : client relancé par courrier.")
            email = ""
        postal = text(cells, c_postal)
        if c_postal >= 0 and type(cells[c_postal]) is not str and len(postal) == 4 and postal.isdigit():
            postal = "0" + postal  # a number cell lost the leading zero of 06000 Nice
        stop = parse_flag(cells[c_stop]) if c_stop >= 0 else False
        chase_from = None
        if c_from >= 0:
            try:
                chase_from = parse_date(cells[c_from])
            except ValueError:
                sheet.report(row, cells, c_from, "Date illisible : le client est relancé sans attendre.")
        blocked = _mark(cells, col("bloque")) or ("Litige" if _mark(cells, col("litige")) else "")
        note = text(cells, col("commentaire"))
        if blocked and note:
            blocked = note if blocked == "Oui" else f"{blocked} : {note}"
        customers[code] = Customer(
            code=code,
            name=text(cells, col("nom")),
            email=email,
            address=tuple(line for line in (text_of(cells[c]) for c in c_lines) if line),
            postal_code=postal,
            city=text(cells, col("ville")),
            country=text(cells, col("pays")),
            phone=text(cells, col("telephone")),
            private=text(cells, c_type).lower().startswith("particulier"),
            do_not_chase=stop is not False,  # an unclear mark ("à voir") errs on not chasing
            source=Source(file, row),
            terms=text(cells, col("conditions")),
            chase_from=chase_from,
            blocked=blocked,
            family=text(cells, col("famille")),
            representative=text(cells, col("representant")),
            company=text(cells, col("societe")),
            title=text(cells, col("civilite")),
        )


_LEVEL = re.compile(r"(?:niveau|niv\.?|n)?\s*(\d{1,3})")


def read_past_reminders(
    table: Table, file: str, layout: Layout, anomalies: list[Anomaly]
) -> list[PastReminder]:
    """Reminders sent before Relance, so that the next level follows on from them."""
    sheet = _Sheet(file, layout, anomalies)
    c_date, c_number, c_level = layout.get("date"), layout.get("facture"), layout.get("niveau")
    reminders = []
    for row, cells in table.rows:
        if len(cells) < sheet.width:
            cells = sheet.padded(cells)
        number = text_of(cells[c_number])
        if not number:
            sheet.report(row, cells, c_number, "Numéro de facture vide : ligne ignorée.")
            continue
        day = sheet.required_date(row, cells, c_date)
        if day is None:
            continue
        match = _LEVEL.fullmatch(text_of(cells[c_level]).lower())
        if not match or int(match[1]) < 1:
            sheet.report(row, cells, c_level, "Niveau de relance illisible : ligne ignorée.")
            continue
        reminders.append(PastReminder(number, day, int(match[1]), Source(file, row)))
    return reminders
