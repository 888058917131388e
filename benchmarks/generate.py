"""Generate the benchmark exports: 100,000 invoices, 90,000 payments, 5,000 customers, CSV and xlsx.

    python benchmarks/generate.py [--out benchmarks/data] [--seed 1] [--date 2026-11-23]
    python benchmarks/generate.py --size 1m [--xlsx]   # 1,000,000 / 900,000 / 50,000, CSV only

writes `<out>/csv/input/{factures,reglements,clients}.csv` (UTF-8, `;`, `1 234,56` with U+00A0,
dd/mm/yyyy) and the same rows as `<out>/xlsx/input/*.xlsx` (openpyxl write-only, real date cells),
so that `python relance.py preparer --dossier <out>/csv --date 2026-11-23` runs on either set.
With `--size 1m` the sets go to `<out>/1m/csv` (and `<out>/1m/xlsx` with `--xlsx`).
"""

from __future__ import annotations

import argparse
import random
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

# --size -> (invoices, payments, customers, sub-folder of --out, xlsx by default)
SIZES = {
    "100k": (100_000, 90_000, 5_000, "", True),
    "1m": (1_000_000, 900_000, 50_000, "1m", False),
}
N_INVOICES, N_PAYMENTS, N_CUSTOMERS = SIZES["100k"][:3]
CREDIT_NOTE_SHARE = 0.03
REFERENCED_SHARE = 0.80  # payments with the invoice number in `N° facture`
LABEL_ONLY_SHARE = 0.10  # payments naming the invoice only in `Libellé` (the rest name nothing)
PARTIAL_SHARE = 0.10
HISTORY_DAYS = 730  # invoices spread over the two years before the reference date

INVOICE_HEADERS = ["N° facture", "Code client", "Nom client", "Date facture", "Échéance",
                   "Montant TTC", "Mode de règlement"]
PAYMENT_HEADERS = ["Date règlement", "Code client", "Montant", "N° facture", "Libellé"]
CLIENT_HEADERS = ["Code client", "Raison sociale", "Adresse", "Complément d'adresse",
                  "Code postal", "Ville", "Pays", "Email", "Téléphone", "Type", "Ne pas relancer"]

TRADES = ("Boulangerie", "Garage", "Menuiserie", "Cabinet", "Pharmacie", "Transports", "Hôtel",
          "Restaurant", "Imprimerie", "Boucherie", "Agence", "Laboratoire", "Atelier", "Société")
SURNAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
            "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David",
            "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier")
FORMS = ("SARL", "SAS", "EURL", "SCI", "SA", "")
FIRST_NAMES = (("M.", "Jean"), ("Mme", "Marie"), ("M.", "Pierre"), ("Mme", "Sophie"), ("M.", "Luc"),
               ("Mme", "Claire"), ("Mme", "Élodie"), ("M.", "Hugo"), ("Mme", "Léa"))
CITIES = (("69001", "Lyon"), ("69100", "Villeurbanne"), ("69500", "Bron"), ("01000",
          "Bourg-en-Bresse"), ("42000", "Saint-Étienne"), ("38000", "Grenoble"),
          ("69300", "Caluire-et-Cuire"), ("69800", "Saint-Priest"))
STREETS = ("rue de la République", "avenue Jean Jaurès", "cours Lafayette", "rue Garibaldi",
           "chemin des Vignes", "place Bellecour", "route de Vienne", "quai Saint-Vincent")
MODES = ("Virement", "Virement", "Virement", "Chèque", "LCR", "Prélèvement", "Carte bancaire")
NBSP = "\u00a0"


@dataclass(frozen=True)
class Data:
    customers: list[list[str]]
    invoices: list[tuple[str, str, str, date, date, float, str]]
    payments: list[tuple[date, str, float, str, str]]


def build(seed: int, today: date, sizes: tuple[int, int, int] | None = None) -> Data:
    """All rows, reproducible for a seed, a reference date and the sizes (invoices, payments,
    customers; the 100k set by default)."""
    n_invoices, n_payments, n_customers = sizes or (N_INVOICES, N_PAYMENTS, N_CUSTOMERS)
    rng = random.Random(seed)
    customers = []
    names = {}
    for n in range(1, n_customers + 1):
        code = f"C{n:05d}"
        private = rng.random() < 0.10
        if private:
            title, first = rng.choice(FIRST_NAMES)
            name = f"{title} {first} {rng.choice(SURNAMES)}"
        else:
            name = f"{rng.choice(TRADES)} {rng.choice(SURNAMES)} {rng.choice(FORMS)}".strip()
        names[code] = name
        postcode, city = rng.choice(CITIES)
        email = "" if rng.random() < 0.08 else f"compta{n}@client{n}.example"
        phone = f"04 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} " \
                f"{rng.randint(10, 99)}"
        customers.append([code, name, f"{rng.randint(1, 150)} {rng.choice(STREETS)}", "",
                          postcode, city, "France", email, phone,
                          "Particulier" if private else "Professionnel",
                          "Oui" if rng.random() < 0.01 else "Non"])
    codes = list(names)
    mode_of = {code: rng.choice(MODES) for code in codes}

    drafts = []
    for _ in range(n_invoices):
        code = rng.choice(codes)
        issued = today - timedelta(days=rng.randint(1, HISTORY_DAYS))
        credit = rng.random() < CREDIT_NOTE_SHARE
        amount = rng.randint(8_000, 1_200_000) / 100
        due = issued if credit else issued + timedelta(days=rng.choice((30, 30, 45, 60)))
        drafts.append((issued, code, -amount if credit else amount, due))
    drafts.sort(key=lambda d: (d[0], d[1]))
    invoices = []
    counters: dict[tuple[str, int], int] = {}
    for issued, code, amount, due in drafts:
        prefix = "AV" if amount < 0 else "FA"
        counters[prefix, issued.year] = counters.get((prefix, issued.year), 0) + 1
        number = f"{prefix}-{issued.year}-{counters[prefix, issued.year]:05d}"
        invoices.append((number, code, names[code], issued, due, amount, mode_of[code]))

    # Payments settle distinct invoices, nearly all of them already due.
    regular = [i for i in invoices if i[5] > 0]
    overdue = [i for i in regular if i[4] < today]
    not_due = [i for i in regular if i[4] >= today]
    from_not_due = min(len(not_due), n_payments // 90)
    paid = rng.sample(overdue, n_payments - from_not_due) + rng.sample(not_due, from_not_due)
    payments = []
    for number, code, name, issued, due, amount, _ in paid:
        day = min(max(due + timedelta(days=rng.randint(-15, 30)), issued), today - timedelta(days=1))
        if rng.random() < PARTIAL_SHARE:
            amount = round(amount * rng.uniform(0.2, 0.9), 2)
        draw = rng.random()
        bank_name = _bank_text(name)
        if draw < REFERENCED_SHARE:
            payments.append((day, code, amount, number, f"VIR SEPA {bank_name}"))
        elif draw < REFERENCED_SHARE + LABEL_ONLY_SHARE:
            payments.append((day, code, amount, "", f"VIR SEPA {bank_name} {number}"))
        else:
            payments.append((day, code, amount, "", f"REMISE CHQ {rng.randint(1_000_000, 9_999_999)}"))
    payments.sort(key=lambda p: (p[0], p[1]))
    return Data(customers, invoices, payments)


def _bank_text(name: str) -> str:
    """What a bank statement keeps of a name: capitals without accents."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()


def french_amount(amount: float) -> str:
    return f"{amount:,.2f}".replace(",", NBSP).replace(".", ",")


def french_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def write_csv(folder: Path, data: Data) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    def dump(name: str, headers: list[str], lines: list[str]) -> None:
        text = ";".join(headers) + "\n" + "\n".join(lines) + "\n"
        (folder / name).write_text(text, encoding="utf-8")

    dump("factures.csv", INVOICE_HEADERS, [
        f"{n};{c};{name};{french_date(i)};{french_date(d)};{french_amount(a)};{m}"
        for n, c, name, i, d, a, m in data.invoices
    ])
    dump("reglements.csv", PAYMENT_HEADERS, [
        f"{french_date(day)};{c};{french_amount(a)};{ref};{label}"
        for day, c, a, ref, label in data.payments
    ])
    dump("clients.csv", CLIENT_HEADERS, [";".join(row) for row in data.customers])


def write_xlsx(folder: Path, data: Data) -> None:
    folder.mkdir(parents=True, exist_ok=True)

    def dump(name: str, sheet_name: str, headers: list[str], rows) -> None:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(sheet_name)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        book.save(folder / name)

    dump("factures.xlsx", "Factures", INVOICE_HEADERS, data.invoices)
    dump("reglements.xlsx", "Règlements", PAYMENT_HEADERS, data.payments)
    dump("clients.xlsx", "Clients", CLIENT_HEADERS, data.customers)


# The reference date falls in 2026-S2, whose ECB rate is not verified (shared/REFERENCE.md): the benchmark
# assumes one so that the penalties are computed as they would be, and points the ECB source at a port
# nobody listens on, so that `preparer` never tries the network while it is timed.
SETTINGS = """# Benchmark only: an assumed 2026-S2 rate, never a figure of the product.
[penalites]
taux_bce = { "2026-S2" = 2.15 }
source_bce = "http://127.0.0.1:9/ecb"
"""


def write_settings(dossier: Path) -> None:
    (dossier / "relance.toml").write_text(SETTINGS, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "data")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 23),
                        help="reference date the invoices are placed before (AAAA-MM-JJ)")
    parser.add_argument("--size", choices=sorted(SIZES), default="100k",
                        help="100k (CSV and xlsx, the default) or 1m (CSV only unless --xlsx)")
    parser.add_argument("--xlsx", action="store_true", help="also write the xlsx set of --size 1m")
    args = parser.parse_args()
    *sizes, sub, xlsx = SIZES[args.size]
    out = args.out / sub if sub else args.out
    start = time.perf_counter()
    data = build(args.seed, args.date, tuple(sizes))  # type: ignore[arg-type]
    write_csv(out / "csv" / "input", data)
    write_settings(out / "csv")
    middle = time.perf_counter()
    if xlsx or args.xlsx:
        write_xlsx(out / "xlsx" / "input", data)
        write_settings(out / "xlsx")
    end = time.perf_counter()
    credit_notes = sum(1 for i in data.invoices if i[5] < 0)
    referenced = sum(1 for p in data.payments if p[3])
    print(f"{len(data.invoices)} invoices ({credit_notes} credit notes), {len(data.payments)} "
          f"payments ({referenced} with N° facture), {len(data.customers)} customers "
          f"-> {out}  (CSV {middle - start:.1f} s, xlsx {end - middle:.1f} s)")


if __name__ == "__main__":
    main()
