"""The proposal: who is chased, for which invoices, at which level and by which channel, and why not.

The money is allocated, the days late and the penalties computed on whole columns (models/frames);
records are built only for what the workbook shows: the overdue open invoices and their customers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from models.ageing import AgeingRow
from models.calendar import DayCounter
from models.emails import is_address
from models.filters import Filters
from models.frames.ageing import BUCKET_COLUMNS, ageing, days_overdue
from models.frames.allocation import allocate
from models.frames.penalties import penalties
from models.frames.records import dates, invoice_frame, payment_frame, to_decimal
from models.frames.records import invoices as invoice_records
from models.lines import (
    LITIGATION,
    NO_STEP,
    CustomerLine,
    InvoiceLine,
    customer_line,
    excluded_mode,
    invoice_reason,
)
from models.penalties import NO_PENALTY, Penalty
from models.quotes import QuoteProposal
from models.records import NO_HISTORY, Anomaly, Customer, FileReport, Invoice, Payment
from models.sequence import (
    CALENDAR,
    Letter,
    PastReminder,
    invoice_histories,
    letters_before_relance,
    next_letter,
)
from models.settings import Settings

__all__ = ["LITIGATION", "NO_STEP", "CustomerLine", "InvoiceLine", "Proposal", "build_proposal"]


@dataclass(frozen=True)
class Proposal:
    """Everything the proposal workbook shows, computed for one reference date."""

    reference_date: date
    customers: tuple[CustomerLine, ...]
    anomalies: tuple[Anomaly, ...]
    ageing: tuple[AgeingRow, ...]
    settings: Settings = field(repr=False, default_factory=Settings)
    scope: Filters = field(default_factory=Filters)
    files: Mapping[str, FileReport] = field(default_factory=dict)  # what became of each input file's lines
    quotes: QuoteProposal | None = None  # the expired quotes to follow up; None without a devis* file

    @property
    def chased(self) -> tuple[CustomerLine, ...]:
        return tuple(c for c in self.customers if c.chase)


def build_proposal(
    invoices: pd.DataFrame | Iterable[Invoice],
    payments: pd.DataFrame | Iterable[Payment],
    customers: Mapping[str, Customer],
    letters: Iterable[Letter],
    settings: Settings,
    today: date,
    *,
    past: Iterable[PastReminder] = (),
    has_clients_file: bool = True,
    counter: DayCounter = CALENDAR,
    scope: Filters | None = None,
) -> Proposal:
    """Allocate the money, then decide, invoice by invoice and customer by customer, what to chase.

    `invoices` and `payments` are frames (the schemas of sources.frames) or records; `letters` are the
    reminders the journal says reached each customer; `past` those of the `relances` file, sent before
    Relance (one line per invoice)."""
    invoice_rows = invoices if isinstance(invoices, pd.DataFrame) else invoice_frame(list(invoices))
    payment_rows = payments if isinstance(payments, pd.DataFrame) else payment_frame(list(payments))
    anomalies: list[Anomaly] = []
    customers = _complete_customers(invoice_rows, customers, has_clients_file, anomalies)
    customers = _reachable(customers, anomalies)
    payment_rows = _known_payments(payment_rows, customers, anomalies)
    allocation = allocate(invoice_rows, payment_rows)
    anomalies.extend(
        Anomaly(file, int(row) if file else None, column, value, message)
        for file, row, column, value, message in allocation.anomalies.itertuples(index=False, name=None)
    )
    owners = dict(zip(invoice_rows["number"].tolist(), invoice_rows["customer"].tolist(), strict=True))
    sent: dict[str, list[Letter]] = defaultdict(list)
    for letter in (*letters, *letters_before_relance(past, owners)):
        sent[letter.customer_code].append(letter)
    for found in sent.values():
        found.sort(key=lambda letter: (letter.date, letter.level))
    histories = invoice_histories(letter for found in sent.values() for letter in found)

    left = allocation.remaining.fillna(0).to_numpy(dtype=np.int64)
    codes = invoice_rows["customer"].to_numpy(dtype=object)
    open_ = (invoice_rows["amount"].to_numpy() > 0) & (left > 0)
    credits = allocation.credits
    # Filters choose what is shown after the allocation: a payment still pays what it pays.
    scope = settings.filters if scope is None else scope
    shown = open_.copy()
    if scope:
        modes = invoice_rows["mode"].to_numpy(dtype=object)
        keep_mode = {mode: scope.keeps_mode(mode) for mode in set(modes[shown].tolist())}
        shown &= np.fromiter((keep_mode.get(m, False) for m in modes), dtype=bool, count=len(modes))
        kept = {
            c for c in set(codes[shown].tolist()) | set(credits.index) if scope.keeps_customer(customers[c])
        }
        shown &= np.isin(codes, list(kept))
        credits = credits[credits.index.isin(kept)]
    due = invoice_rows["due"].to_numpy()
    overdue = shown & (due < np.datetime64(today))
    lines = _invoice_lines(
        invoice_rows, overdue, left, customers, histories, settings, today, counter, anomalies
    )

    owed = pd.Series(left[shown], index=codes[shown]).groupby(level=0).sum()
    open_due = _open_due(invoice_rows, open_, codes, sent)
    rows = []
    for code in sorted(set(lines) | set(credits.index)):
        overdue_lines = sorted(
            lines.get(code, []), key=lambda line: (line.invoice.due_date, line.invoice.number)
        )
        credit = to_decimal(credits.get(code, 0))
        total_due = to_decimal(owed.get(code, 0)) - credit
        step = next_letter(
            sent.get(code, ()),
            open_due.get(code, {}),
            (line.invoice.due_date for line in overdue_lines if line.include),
            settings,
            today,
            counter,
        )
        rows.append(
            customer_line(
                customers[code],
                overdue_lines,
                total_due,
                credit,
                step,
                tuple(sent.get(code, ())),
                settings,
                today,
            )
        )
    rows.sort(key=lambda c: (not c.chase, -c.total_overdue, c.customer.code))
    return Proposal(today, tuple(rows), tuple(anomalies), _ageing(codes, due, left, shown, customers, today),
                    settings, scope)  # fmt: skip


def _invoice_lines(
    invoice_rows: pd.DataFrame,
    overdue: np.ndarray,
    left: np.ndarray,
    customers: Mapping[str, Customer],
    histories: Mapping[str, object],
    settings: Settings,
    today: date,
    counter: DayCounter,
    anomalies: list[Anomaly],
) -> dict[str, list[InvoiceLine]]:
    """The overdue open invoices shown, as lines by customer: days late and penalties on whole columns,
    a record only for each of them."""
    late = invoice_rows[overdue]
    remaining = pd.Series(pd.array(left[overdue], dtype="Int64"), index=late.index)
    private = pd.Series(
        [customers[c].private for c in late["customer"].tolist()], index=late.index, dtype=bool
    )
    fines = penalties(remaining, late["due"], private, today, settings.penalty_rates)
    anomalies.extend(Anomaly("relance.toml", None, "[penalites] taux_bce", "", m) for m in fines.missing)
    days = days_overdue(late["due"], today, counter).tolist()
    excluded: dict[str, bool] = {}
    lines: dict[str, list[InvoiceLine]] = defaultdict(list)
    fine_known = fines.interest.notna().tolist()
    interest = fines.interest.fillna(0).to_numpy(dtype=np.int64).tolist()
    indemnity = fines.indemnity.fillna(0).to_numpy(dtype=np.int64).tolist()
    for invoice, cents, day, known, fine, extra, spans in zip(
        invoice_records(late), left[overdue].tolist(), days, fine_known, interest, indemnity,
        fines.periods.tolist(), strict=True,
    ):  # fmt: skip
        mode = invoice.payment_mode
        if mode not in excluded:
            excluded[mode] = excluded_mode(mode, settings)
        reason = invoice_reason(invoice, excluded[mode])
        penalty: Penalty | None = None
        if known:
            penalty = (
                NO_PENALTY if not fine and not extra else Penalty(to_decimal(fine), to_decimal(extra), spans)
            )
        lines[invoice.customer_code].append(
            InvoiceLine(invoice, to_decimal(cents), day, histories.get(invoice.number, NO_HISTORY),
                        not reason, reason, penalty)
        )  # fmt: skip
    return lines


def _open_due(
    invoice_rows: pd.DataFrame, open_: np.ndarray, codes: np.ndarray, sent: Mapping[str, list[Letter]]
) -> dict[str, dict[str, date]]:
    """Due date of every unpaid invoice of the customers that were sent letters, filters or not: a letter
    whose invoice is unpaid keeps its customer's sequence going, whatever the proposal shows."""
    wanted = open_ & np.isin(codes, list(sent))
    found: dict[str, dict[str, date]] = defaultdict(dict)
    numbers = invoice_rows["number"].to_numpy(dtype=object)[wanted].tolist()
    for code, number, day in zip(
        codes[wanted].tolist(), numbers, dates(invoice_rows["due"][wanted]), strict=True
    ):
        if day is not None:
            found[code][number] = day
    return found


def _ageing(
    codes: np.ndarray, due: np.ndarray, left: np.ndarray, shown: np.ndarray,
    customers: Mapping[str, Customer], today: date,
) -> tuple[AgeingRow, ...]:  # fmt: skip
    aged = ageing(pd.DataFrame({"customer": codes[shown], "due": due[shown], "amount": left[shown]}), today)
    return tuple(
        AgeingRow(customers[code], tuple(to_decimal(v) for v in values))
        for code, values in zip(
            aged["customer"].tolist(), aged[list(BUCKET_COLUMNS)].to_numpy().tolist(), strict=True
        )
    )


def _reachable(customers: dict[str, Customer], anomalies: list[Anomaly]) -> dict[str, Customer]:
    """An email address that sending would refuse is never proposed: the customer goes by post."""
    for code, customer in customers.items():
        if customer.email and not is_address(customer.email):
            anomalies.append(
                Anomaly.at(
                    customer.source,
                    "Email",
                    customer.email,
                    "Adresse email que l'envoi refuserait (accents, espaces ou caractères interdits) : "
                    "client relancé par courrier ; corrigez-la dans le fichier clients.",
                )
            )
            customers[code] = replace(customer, email="")
    return customers


def _complete_customers(
    invoice_rows: pd.DataFrame,
    customers: Mapping[str, Customer],
    has_clients_file: bool,
    anomalies: list[Anomaly],
) -> dict[str, Customer]:
    """Customers of the clients file, plus those only the invoices know (an anomaly on the first invoice
    of each, when a clients file exists)."""
    complete = dict(customers)
    codes = invoice_rows["customer"]
    absent = (~codes.isin(complete.keys()) & ~codes.duplicated()).to_numpy()
    for code, name, file, row in zip(
        *(
            invoice_rows[c].to_numpy(dtype=object)[absent].tolist()
            for c in ("customer", "name", "file", "row")
        ),
        strict=True,
    ):
        complete[code] = Customer(code=code, name=name or code)
        if has_clients_file:
            anomalies.append(
                Anomaly(
                    file, int(row) if file else None, "Code client", code,
                    "Client absent du fichier clients : sans email ni adresse, il ne peut pas recevoir "
                    "de relance.",
                )
            )  # fmt: skip
    return complete


def _known_payments(
    payment_rows: pd.DataFrame, customers: Mapping[str, Customer], anomalies: list[Anomaly]
) -> pd.DataFrame:
    unknown = (~payment_rows["customer"].isin(customers.keys())).to_numpy()
    for file, row, code in zip(
        *(payment_rows[c].to_numpy(dtype=object)[unknown].tolist() for c in ("file", "row", "customer")),
        strict=True,
    ):
        anomalies.append(
            Anomaly(
                file, int(row) if file else None, "Client", code,
                "Règlement d'un client inconnu (ni dans les factures ni dans le fichier clients) : ignoré.",
            )
        )  # fmt: skip
    return payment_rows[~unknown] if unknown.any() else payment_rows
