"""Write the demo exports of demo/input/ for a reference date: python scripts/make_demo.py --date 2026-06-15.

The hand-written cases (demo_data.py, README_demo.md) are completed with random but reproducible
paid invoices and invoices not yet due (random.Random(42)). Dates are placed relative to --date so
that the demo means the same whenever it is run; the committed files are for 2026-06-15, a date whose
late-payment penalties fall in half-years with a known ECB rate (up to 2026-S1).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import unicodedata
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from demo_data import (
    ABSENT_CUSTOMER,
    CASE_HISTORY,
    CASE_PAYMENTS,
    CASES,
    CUSTOMERS,
    NO_FILLERS,
    NO_FUTURE,
    QUOTES,
    Case,
)
from openpyxl import Workbook
from openpyxl.styles import Font

INVOICE_HEADERS = ["N° facture", "Code client", "Nom client", "Date facture", "Échéance",
                   "Montant TTC", "Réglé", "Reste dû", "Mode de règlement", "Litige"]
PAYMENT_HEADERS = ["Date règlement", "Code client", "Montant", "N° facture", "Libellé"]
CLIENT_HEADERS = ["Code client", "Raison sociale", "Adresse", "Complément d'adresse",
                  "Code postal", "Ville", "Pays", "Email", "Téléphone", "Type", "Ne pas relancer"]
HISTORY_HEADERS = ["Date", "N° facture", "Niveau"]
QUOTE_HEADERS = ["N° devis", "Code client", "Client", "Date", "Validité", "Montant TTC", "Statut"]
QUOTE_DAYS = 30  # a quote is valid 30 days from its date
NBSP = "\u00a0"
FIXED_TIME = datetime(2026, 1, 5, 9, 0, 0)  # stamped in the xlsx so that its bytes do not change
Reminder = tuple[date, str, int]  # date sent, invoice key, level


@dataclass(frozen=True)
class DemoInvoice:
    key: str
    customer: str
    name: str
    issued: date
    due: date
    amount: Decimal
    mode: str
    case: Case
    number: str = ""


@dataclass(frozen=True)
class DemoPayment:
    day: date
    customer: str
    amount: str  # Decimal text, or the unreadable text written as is
    how: str  # ref, label or none
    invoice: str  # key of the invoice it pays, "" for none


def build(today: date, seed: int = 42) -> tuple[list[DemoInvoice], list[DemoPayment], list[Reminder]]:
    """The demo's invoices (numbered), payments and past reminders for reference date `today`."""
    rng = random.Random(seed)
    customers = {c.code: c for c in CUSTOMERS}
    _, absent_name, absent_mode, absent_term = ABSENT_CUSTOMER

    def invoice(case: Case) -> DemoInvoice:
        known = customers.get(case.customer)
        name, mode, term = (known.name, known.mode, known.term) if known else (
            absent_name, absent_mode, absent_term)
        due = today - timedelta(days=case.overdue)
        amount = Decimal(case.amount)
        issued = due if amount < 0 else due - timedelta(days=term)
        return DemoInvoice(case.key, case.customer, name, issued, due, amount, mode, case)

    invoices = [invoice(case) for case in CASES]
    payments = [
        DemoPayment(today - timedelta(days=days), payer, amount, how, key)
        for days, payer, amount, how, key in CASE_PAYMENTS
    ]
    for customer in CUSTOMERS:
        if customer.code in NO_FILLERS:
            continue
        extra_paid = 6 if customer.code == "CL0006" else rng.randint(2, 3)
        for n in range(extra_paid):
            overdue = rng.randint(20, 240)
            amount = Decimal("216.00") if customer.mode == "Prélèvement" else _amount(rng)
            in_software = customer.code == "CL0018" or rng.random() < 0.1
            paid_text = f"{amount:.2f}" if in_software else ""
            case = Case(f"{customer.code}-P{n}", customer.code, overdue, f"{amount:.2f}",
                        paid_column=paid_text, remaining_column="0.00" if in_software else "")
            item = invoice(case)
            invoices.append(item)
            day = min(max(item.due + timedelta(days=rng.randint(-12, 10)),
                          item.issued + timedelta(days=1)), today - timedelta(days=1))
            how = "ref" if rng.random() < 0.75 else "label"
            payments.append(DemoPayment(day, customer.code, f"{amount:.2f}", how, case.key))
        if customer.code not in NO_FUTURE and rng.random() < 0.6:
            case = Case(f"{customer.code}-F", customer.code, -rng.randint(1, customer.term - 1),
                        f"{_amount(rng):.2f}")
            invoices.append(invoice(case))

    invoices = _numbered(invoices)
    history = [(today - timedelta(days=days), key, level) for days, key, level in CASE_HISTORY]
    return invoices, payments, history


def _amount(rng: random.Random) -> Decimal:
    """A TTC amount from 80 € to 12,000 €: HT in whole euros or with cents, plus 20 % VAT."""
    band = rng.choice([(67, 800), (400, 2500), (1500, 10000)])
    ht = Decimal(rng.randint(band[0] * 100, band[1] * 100)) / 100
    return (ht * Decimal("1.2")).quantize(Decimal("0.01"))


def _numbered(invoices: list[DemoInvoice]) -> list[DemoInvoice]:
    """FA-YYYY-NNNN and AV-YYYY-NNN in the order of invoice dates, as invoicing software does."""
    counters: dict[tuple[str, int], int] = {}
    numbered = []
    for item in sorted(invoices, key=lambda i: (i.issued, i.customer, i.key)):
        prefix = "AV" if item.amount < 0 else "FA"
        counters[prefix, item.issued.year] = counters.get((prefix, item.issued.year), 0) + 1
        width = 3 if prefix == "AV" else 4
        number = f"{prefix}-{item.issued.year}-{counters[prefix, item.issued.year]:0{width}d}"
        numbered.append(replace(item, number=number))
    return numbered


def write_invoices(path: Path, invoices: list[DemoInvoice]) -> None:
    """The invoicing software's xlsx export: real date cells, numbers as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Factures"
    sheet.append(INVOICE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in invoices:
        case = item.case
        sheet.append([
            item.number, item.customer, item.name, item.issued, case.due_text or item.due,
            float(item.amount),
            float(case.paid_column) if case.paid_column else None,
            float(case.remaining_column) if case.remaining_column else None,
            item.mode, "Oui" if case.dispute else "Non",
        ])
        row = sheet.max_row
        for column in "DE":
            sheet[f"{column}{row}"].number_format = "DD/MM/YYYY"
        for column in "FGH":
            sheet[f"{column}{row}"].number_format = "#,##0.00"
    for column, width in zip("ABCDEFGHIJ", (14, 12, 40, 13, 13, 13, 12, 12, 22, 8), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    book.properties.creator = "Logiciel de facturation"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_stable_zip(buffer.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed entry times and modification date (openpyxl writes the time of the
    save there, whatever the properties say), so that regenerating changes no byte."""
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            target.writestr(fixed, content)
    return out.getvalue()


def write_payments(path: Path, payments: list[DemoPayment], invoices: list[DemoInvoice]) -> None:
    """Excel's "CSV (séparateur: point-virgule)": cp1252, CRLF, 1 234,56 with a no-break space."""
    by_key = {i.key: i for i in invoices}
    names = {c.code: c.name for c in CUSTOMERS}
    rows = []
    for n, payment in enumerate(sorted(payments, key=lambda p: (p.day, p.customer, p.invoice))):
        target = by_key.get(payment.invoice)
        number = target.number if target else ""
        bank_name = _bank_text(names.get(payment.customer, "M. Lambert"))
        if payment.how == "label":
            label = f"VIR SEPA {bank_name} {number}"
        elif names.get(payment.customer) and target and target.mode == "Chèque":
            label = f"REMISE CHQ {4_518_000 + n * 37}"
        else:
            label = f"VIR SEPA {bank_name}"
        amount = payment.amount if "," in payment.amount else french_amount(Decimal(payment.amount))
        rows.append([payment.day.strftime("%d/%m/%Y"), payment.customer, amount,
                     number if payment.how == "ref" else "", label])
    _write_csv(path, PAYMENT_HEADERS, rows, encoding="cp1252")


def write_clients(path: Path) -> None:
    """Excel's "CSV UTF-8": UTF-8 with a BOM, `;`, CRLF; postcodes kept as text (01000)."""
    rows = [
        [c.code, c.name, c.street, c.complement, c.postcode, c.city, "France", c.email, c.phone,
         "Particulier" if c.private else "Professionnel", "Oui" if c.do_not_chase else "Non"]
        for c in CUSTOMERS
    ]
    _write_csv(path, CLIENT_HEADERS, rows, encoding="utf-8-sig")


def write_history(path: Path, history: list[Reminder], invoices: list[DemoInvoice]) -> None:
    """Reminders sent by hand before the tool, kept by the user in a small CSV."""
    numbers = {i.key: i.number for i in invoices}
    rows = [[day.strftime("%d/%m/%Y"), numbers[key], str(level)]
            for day, key, level in sorted(history, key=lambda h: (h[0], numbers[h[1]]))]
    _write_csv(path, HISTORY_HEADERS, rows, encoding="utf-8", newline="\n")


def write_quotes(path: Path, today: date) -> None:
    """The quoting tool's xlsx export: date cells, amounts as numbers, the status as written."""
    names = {c.code: c.name for c in CUSTOMERS}
    book = Workbook()
    sheet = book.active
    sheet.title = "Devis"
    sheet.append(QUOTE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for quote in QUOTES:
        valid = today - timedelta(days=quote.expired)
        sheet.append([quote.number, quote.customer, names[quote.customer], valid - timedelta(days=QUOTE_DAYS),
                      valid, float(Decimal(quote.amount)), quote.status or None])  # fmt: skip
        row = sheet.max_row
        for column in "DE":
            sheet[f"{column}{row}"].number_format = "DD/MM/YYYY"
        sheet[f"F{row}"].number_format = "#,##0.00"
    for column, width in zip("ABCDEFG", (14, 12, 40, 13, 13, 13, 14), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.creator = "Logiciel de devis"
    book.properties.created = book.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(_stable_zip(buffer.getvalue()))


def _write_csv(path: Path, headers: list[str], rows: list[list[str]], *, encoding: str,
               newline: str = "\r\n") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=newline)
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def french_amount(amount: Decimal) -> str:
    """1234.5 -> '1 234,50' with U+00A0 between thousands, as Excel shows a '# ##0,00' cell."""
    return f"{amount:,.2f}".replace(",", NBSP).replace(".", ",")


def _bank_text(name: str) -> str:
    """What a bank statement keeps of a name: capitals without accents."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.upper()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=date.fromisoformat, default=date.today(),
                        help="reference date AAAA-MM-JJ (default: today)")
    parser.add_argument("--out", type=Path,
                        default=Path(__file__).resolve().parent.parent / "demo" / "input",
                        help="folder to write into (default: demo/input/ of the project)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    invoices, payments, history = build(args.date)
    write_invoices(args.out / "factures.xlsx", invoices)
    write_payments(args.out / "reglements.csv", payments, invoices)
    write_clients(args.out / "clients.csv")
    write_history(args.out / "relances_precedentes.csv", history, invoices)
    write_quotes(args.out / "devis.xlsx", args.date)
    print(f"{len(invoices)} factures, {len(payments)} règlements, {len(CUSTOMERS)} clients, "
          f"{len(history)} relances passées, {len(QUOTES)} devis -> {args.out}")


if __name__ == "__main__":
    main()
