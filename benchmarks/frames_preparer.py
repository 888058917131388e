"""`preparer` as it will run once models/frames is integrated: the exports read into frames, the
money allocated, the days, penalties and aged balance computed on whole columns, then records built
only for what the workbook shows (the overdue open invoices and their customers), and the existing
writer. It stands in for the integrated command in benchmarks/bench_frames.py.

    python benchmarks/frames_preparer.py <dossier> [--date 2026-11-23] [--profile]

Levels and reasons reuse models.levels / models.proposal per distinct due date and per customer (what
the lead is reworking; issue 9); everything else is on whole columns. Writes
<dossier>/output/proposition_frames.xlsx and prints its wall time (imports included).
"""

from __future__ import annotations

import time

START = time.perf_counter()

import argparse  # noqa: E402 - imports are part of what is timed
import sys  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.ageing import AgeingRow  # noqa: E402
from models.filters import Filters  # noqa: E402
from models.frames.ageing import BUCKET_COLUMNS, ageing, days_overdue  # noqa: E402
from models.frames.allocation import allocate  # noqa: E402
from models.frames.penalties import penalties  # noqa: E402
from models.levels import CALENDAR, next_step  # noqa: E402
from models.penalties import NO_PENALTY, Penalty  # noqa: E402
from models.proposal import InvoiceLine, Proposal, _customer_line, _excluded_mode  # noqa: E402
from models.records import NO_HISTORY, Anomaly, Customer  # noqa: E402
from models.settings import Settings  # noqa: E402
from models.text import fold  # noqa: E402
from sources import read_exports, to_records  # noqa: E402
from workbook.writer import write_proposal  # noqa: E402


def cents(values: np.ndarray) -> list[Decimal]:
    return [Decimal(int(v)).scaleb(-2) for v in values.tolist()]


def _reason(invoice, step, excluded: bool) -> str:
    """models.proposal._invoice_line's reason for leaving an invoice out, or ""."""
    if invoice.dispute:
        return "Facture en litige" + (
            f" : {invoice.dispute}" if fold(invoice.dispute) not in ("oui", "x", "1", "vrai") else "")
    if invoice.blocked:
        return "Facture bloquée" + (f" : {invoice.blocked}" if invoice.blocked != "Oui" else "")
    if excluded:
        return f"Mode de règlement exclu ({invoice.payment_mode})"
    if invoice.amounts_disagree:
        return "Montants incohérents dans l'export (TTC − réglé ≠ reste dû) : à vérifier"
    if step.litigation:
        return "Dernier niveau envoyé le  : à transmettre au contentieux"  # no history here
    return ""


def prepare(folder: Path, today: date, settings: Settings) -> Proposal:
    exports = read_exports(folder / "input", settings)
    invoices, payments = exports.frames.invoices, exports.frames.payments
    customers = exports.customers  # records: every customer may show in Clients
    anomalies = list(exports.anomalies)
    # Customers only the invoices know (an anomaly when there is a clients file), then payments of
    # customers known nowhere: what models.proposal does, on whole columns.
    absent = ~invoices["customer"].isin(customers.keys()).to_numpy()
    first = ~invoices["customer"].duplicated().to_numpy()
    for code, name, file, row in zip(*(invoices[c].to_numpy()[absent & first].tolist()
                                       for c in ("customer", "name", "file", "row")), strict=True):
        customers[code] = Customer(code, name or code)
        if exports.files.get("clients"):
            anomalies.append(Anomaly(file, int(row), "Code client", code,
                                     "Client absent du fichier clients : sans email ni adresse, "
                                     "il ne peut pas recevoir de relance."))
    unknown = ~payments["customer"].isin(customers.keys())
    for file, row, code in zip(payments["file"][unknown].tolist(), payments["row"][unknown].tolist(),
                               payments["customer"][unknown].tolist(), strict=True):
        anomalies.append(Anomaly(file, int(row), "Client", code, "Règlement d'un client inconnu (ni dans "
                                 "les factures ni dans le fichier clients) : ignoré."))
    allocation = allocate(invoices, payments[~unknown])
    anomalies.extend(Anomaly(*row) for row in allocation.anomalies.itertuples(index=False, name=None))

    left = allocation.remaining.fillna(0).to_numpy(dtype=np.int64)
    open_ = (invoices["amount"].to_numpy() > 0) & (left > 0)
    due = invoices["due"].to_numpy()
    overdue = open_ & (due < np.datetime64(today))
    late = invoices[overdue]
    late_left = pd.Series(pd.array(left[overdue], dtype="Int64"), index=late.index)
    private = pd.Series([customers[c].private for c in late["customer"].tolist()], index=late.index)
    fines = penalties(late_left, late["due"], private, today, settings.penalty_rates)
    anomalies.extend(Anomaly("relance.toml", None, "[penalites] taux_bce", "", m) for m in fines.missing)
    days = days_overdue(late["due"], today, CALENDAR)

    # Records only for what the workbook shows.
    records = to_records.invoices(late)
    steps: dict[date, object] = {}
    excluded: dict[str, bool] = {}
    lines: dict[str, list[InvoiceLine]] = {}
    interest, indemnity, periods = fines.interest.tolist(), fines.indemnity.tolist(), fines.periods.tolist()
    for invoice, remaining, day, fine, extra, spans in zip(records, cents(left[overdue]), days.tolist(),
                                                           interest, indemnity, periods, strict=True):
        step = steps.get(invoice.due_date)
        if step is None:
            step = steps[invoice.due_date] = next_step(invoice.due_date, NO_HISTORY, settings, today)
        if invoice.payment_mode not in excluded:
            excluded[invoice.payment_mode] = _excluded_mode(invoice.payment_mode, settings)
        reason = _reason(invoice, step, excluded[invoice.payment_mode])
        include = not reason
        if include and step.due_level is None:
            reason = f"Citée sans changer de niveau ; niveau suivant possible le {step.next_date:%d/%m/%Y}"
        penalty = (None if fine is pd.NA else NO_PENALTY if not fine and not extra
                   else Penalty(Decimal(int(fine)).scaleb(-2), Decimal(int(extra)).scaleb(-2), spans))
        lines.setdefault(invoice.customer_code, []).append(
            InvoiceLine(invoice, remaining, day, NO_HISTORY, step, include, reason, penalty))

    owed = pd.Series(left[open_], index=invoices["customer"].to_numpy()[open_]).groupby(level=0).sum()
    credits = allocation.credits
    rows = []
    for code in sorted(set(lines) | set(credits.index)):
        credit = Decimal(int(credits.get(code, 0))).scaleb(-2)
        total_due = Decimal(int(owed.get(code, 0))).scaleb(-2) - credit
        overdue_lines = sorted(lines.get(code, []),
                               key=lambda line: (line.invoice.due_date, line.invoice.number))
        rows.append(_customer_line(customers[code], overdue_lines, total_due, credit, settings, today))
    rows.sort(key=lambda c: (not c.chase, -c.total_overdue, c.customer.code))

    items = pd.DataFrame({"customer": invoices["customer"][open_], "due": invoices["due"][open_],
                          "amount": left[open_]})
    aged = ageing(items, today)
    ages = tuple(AgeingRow(customers[code], tuple(cents(np.array(values))))
                 for code, values in zip(aged["customer"].tolist(),
                                         aged[list(BUCKET_COLUMNS)].to_numpy().tolist(), strict=True))
    return Proposal(today, tuple(rows), tuple(anomalies), ages, settings, Filters())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dossier", type=Path)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args()
    from decimal import Decimal as D

    from models.penalties import DEFAULT_ECB, PenaltyRates
    # The benchmark's reference date is in 2026-S2, whose ECB rate is not shipped: assume one.
    settings = Settings(penalty_rates=PenaltyRates({**DEFAULT_ECB, "2026-S2": D("2.15")}))
    proposal = prepare(args.dossier, args.date, settings)
    computed = time.perf_counter()
    out = args.dossier / "output" / "proposition_frames.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    write_proposal(proposal, out, prepared_at=datetime.now(), proposal_id=uuid.uuid4().hex,
                   files=("factures", "reglements", "clients"))
    chased = sum(1 for c in proposal.customers if c.chase)
    print(f"frames preparer: {len(proposal.customers)} customers ({chased} chased), "
          f"{sum(len(c.invoices) for c in proposal.customers)} overdue invoices -> {out}; "
          f"read+compute {computed - START:.2f} s, write {time.perf_counter() - computed:.2f} s, "
          f"wall time {time.perf_counter() - START:.2f} s")


if __name__ == "__main__":
    main()
