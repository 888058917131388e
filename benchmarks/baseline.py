"""The reference "bare script" of issue 2, the yardstick for `relance.py preparer`'s speed.

    python benchmarks/baseline.py benchmarks/data/csv [--date 2026-11-23]

It reads the three CSV files of `<dir>/input/` with pandas, takes as still due what each invoice
minus the payments that name it in `N° facture` leaves (no label search, no oldest-first, no credit
notes, no checks), and writes the open overdue invoices and the customers who owe them to
`<dir>/output/baseline.xlsx` with openpyxl's write-only mode. It prints its wall time, counted from
the start of the interpreter's work on this file (imports included).
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse  # noqa: E402 - imports are part of what is timed
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402
from openpyxl import Workbook  # noqa: E402

NBSP = "\u00a0"


def read(path: Path, amounts: tuple[str, ...] = ()) -> pd.DataFrame:
    """A `;` CSV as text; French amounts (`1 234,56`) made numbers.

    read_csv's `thousands=` takes one byte, and U+00A0 is two in UTF-8: the bare script strips it.
    """
    frame = pd.read_csv(path, sep=";", encoding="utf-8", dtype=str, keep_default_na=False)
    for column in amounts:
        frame[column] = pd.to_numeric(
            frame[column].str.replace(NBSP, "", regex=False).str.replace(",", ".", regex=False)
        )
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dossier", type=Path, help="folder holding input/*.csv")
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args()
    today = pd.Timestamp(args.date)

    invoices = read(args.dossier / "input" / "factures.csv", ("Montant TTC",))
    payments = read(args.dossier / "input" / "reglements.csv", ("Montant",))
    customers = read(args.dossier / "input" / "clients.csv")
    for column in ("Date facture", "Échéance"):
        invoices[column] = pd.to_datetime(invoices[column], dayfirst=True)
    payments["Date règlement"] = pd.to_datetime(payments["Date règlement"], dayfirst=True)

    paid = payments[payments["N° facture"] != ""].groupby("N° facture")["Montant"].sum()
    invoices["Réglé"] = invoices["N° facture"].map(paid).fillna(0.0)
    invoices["Reste dû"] = (invoices["Montant TTC"] - invoices["Réglé"]).round(2)
    overdue = invoices[(invoices["Échéance"] < today) & (invoices["Reste dû"] > 0)].copy()
    overdue["Jours de retard"] = (today - overdue["Échéance"]).dt.days
    owed = overdue.groupby("Code client").agg(
        total=("Reste dû", "sum"), factures=("N° facture", "size"), plus_ancienne=("Échéance", "min")
    )
    owing = customers.merge(owed, left_on="Code client", right_index=True)

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Factures")
    columns = ["Code client", "N° facture", "Date facture", "Échéance", "Montant TTC", "Réglé",
               "Reste dû", "Jours de retard"]
    sheet.append(columns)
    for row in overdue[columns].itertuples(index=False):
        sheet.append(list(row))
    sheet = book.create_sheet("Clients")
    columns = ["Code client", "Raison sociale", "Email", "Téléphone", "total", "factures",
               "plus_ancienne"]
    sheet.append(columns)
    for row in owing[columns].itertuples(index=False):
        sheet.append(list(row))
    out = args.dossier / "output" / "baseline.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    print(f"baseline: {len(overdue)} open overdue invoices, {len(owing)} customers -> {out}; "
          f"wall time {time.perf_counter() - START:.2f} s")


if __name__ == "__main__":
    main()
