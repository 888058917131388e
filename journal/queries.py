"""Read queries on the journal: per-invoice history, reminders, lots, totals and runs."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from journal.rows import (
    LOT_CANCELLED,
    SENDING,
    STATUSES,
    JournalTotals,
    LotRow,
    PartRow,
    ReminderInvoice,
    ReminderRow,
    RunRow,
)
from models.quotes import QuoteHistory, QuoteKey
from models.records import ZERO, InvoiceHistory
from models.sequence import Letter

# One pass over the journal's invoices, in invoice order along a covering index (CROSS JOIN keeps
# SQLite from starting with reminders, which would need a temporary sort for GROUP BY). The key
# "AAAA-MM-JJ" + zero-padded level sorts by sending day, then by level on the same day, so its
# max() is the last level reached.
# A reminder counts once one of its channels reached the customer (`sent_at` is then set), unless its
# lot was cancelled.
# Invoice reminders and quote follow-ups (kind `devis`, version 3) each have their own history.
_DELIVERED_ANY = "r.sent_at IS NOT NULL AND r.status != 'cancelled'"
_DELIVERED = f"{_DELIVERED_ANY} AND r.kind = 'facture'"
_DELIVERED_REMINDERS = f"FROM reminders AS r WHERE {_DELIVERED}"
_HISTORY = f"""
SELECT ri.invoice, max(substr(r.sent_at, 1, 10) || printf('%06d', ri.level)), count(*)
FROM reminder_invoices AS ri CROSS JOIN reminders AS r ON r.id = ri.reminder_id
WHERE {_DELIVERED}
GROUP BY ri.invoice
"""
_LETTERS = f"""
SELECT r.id, r.customer_code, substr(r.sent_at, 1, 10), r.level, ri.invoice, r.company
FROM reminders AS r JOIN reminder_invoices AS ri ON ri.reminder_id = r.id
WHERE {_DELIVERED}
ORDER BY r.sent_at, r.id, ri.rowid
"""

# A quote is its company's (version 4): two companies may number their quotes alike.
_QUOTE_HISTORY = f"""
SELECT r.company, ri.invoice, max(substr(r.sent_at, 1, 10)), count(*)
FROM reminder_invoices AS ri JOIN reminders AS r ON r.id = ri.reminder_id
WHERE {_DELIVERED_ANY} AND r.kind = 'devis'
GROUP BY r.company, ri.invoice
"""

_REMINDER_COLUMNS = (
    "r.id, r.lot_id, r.customer_code, r.customer_name, r.level, r.channel, r.recipient, "
    "r.status, r.files, r.error, r.planned_at, r.sent_at, r.updated_at, r.proposed_level, r.kind, r.company"
)


def history(db: sqlite3.Connection) -> dict[str, InvoiceHistory]:
    """What was sent for each invoice: last level, day of that reminder, number of reminders."""
    # Frozen records can be shared: 100k invoices have a few thousand distinct histories, and
    # building each once halves the time of this function.
    shared: dict[tuple[str, int], InvoiceHistory] = {}
    result = {}
    for invoice, key, count in db.execute(_HISTORY):
        found = shared.get((key, count))
        if found is None:
            found = shared[key, count] = InvoiceHistory(int(key[10:]), date.fromisoformat(key[:10]), count)
        result[invoice] = found
    return result


def quote_history(db: sqlite3.Connection) -> dict[QuoteKey, QuoteHistory]:
    """Per quote (company, number; company "" with one company), the follow-ups that reached the customer:
    how many, and the day of the last one."""
    return {
        (company, number): QuoteHistory(count, date.fromisoformat(last))
        for company, number, last, count in db.execute(_QUOTE_HISTORY)
    }


def letters(db: sqlite3.Connection) -> list[Letter]:
    """Every reminder that reached its customer, oldest first, as the sequence rule reads them."""
    found: dict[int, tuple[str, date, int, list[str], str]] = {}
    for reminder_id, code, day, level, invoice, company in db.execute(_LETTERS):
        entry = found.get(reminder_id)
        if entry is None:
            entry = found[reminder_id] = (code, date.fromisoformat(day), level, [], company)
        entry[3].append(invoice)
    return [
        Letter(code, day, level, tuple(numbers), company)
        for code, day, level, numbers, company in found.values()
    ]


def reminders(
    db: sqlite3.Connection,
    lot_id: str | None = None,
    statuses: Iterable[str] | None = None,
    reminder_id: int | None = None,
) -> list[ReminderRow]:
    """Reminders matching every filter given, in the order they were planned, with their invoices."""
    conditions, parameters = [], []
    if lot_id is not None:
        conditions.append("r.lot_id = ?")
        parameters.append(lot_id)
    if statuses is not None:
        wanted = list(statuses)
        unknown = set(wanted) - set(STATUSES)
        if unknown:
            raise ValueError(f"unknown reminder statuses: {sorted(unknown)}")
        conditions.append(f"r.status IN ({', '.join('?' * len(wanted))})")
        parameters.extend(wanted)
    if reminder_id is not None:
        conditions.append("r.id = ?")
        parameters.append(reminder_id)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    invoices: dict[int, list[ReminderInvoice]] = defaultdict(list)
    query = (
        "SELECT ri.reminder_id, ri.invoice, ri.amount, ri.level FROM reminder_invoices AS ri "
        f"JOIN reminders AS r ON r.id = ri.reminder_id {where} ORDER BY ri.rowid"
    )
    for owner, number, amount, level in db.execute(query, parameters):
        invoices[owner].append(ReminderInvoice(number, Decimal(amount), level))
    parts: dict[int, list[PartRow]] = defaultdict(list)
    query = (
        "SELECT d.reminder_id, d.part, d.status, d.recipient, d.files, d.error, d.sent_at "
        f"FROM deliveries AS d JOIN reminders AS r ON r.id = d.reminder_id {where} "
        "ORDER BY CASE d.part WHEN 'email' THEN 1 WHEN 'courrier' THEN 2 ELSE 3 END"
    )
    for owner, part, status, recipient, files, error, sent_at in db.execute(query, parameters):
        parts[owner].append(
            PartRow(part, status, recipient, tuple(json.loads(files)), error,
                    datetime.fromisoformat(sent_at) if sent_at else None)
        )  # fmt: skip
    query = f"SELECT {_REMINDER_COLUMNS} FROM reminders AS r {where} ORDER BY r.id"
    return [_reminder(row, invoices[row[0]], parts[row[0]]) for row in db.execute(query, parameters)]


def _reminder(row: tuple, invoices: list[ReminderInvoice], parts: list[PartRow]) -> ReminderRow:
    (id_, lot_id, code, name, level, channel, recipient, status, files, error,
     planned_at, sent_at, updated_at, proposed_level, kind, company) = row  # fmt: skip
    return ReminderRow(
        id=id_,
        lot_id=lot_id,
        customer_code=code,
        customer_name=name,
        level=level,
        channel=channel,
        recipient=recipient,
        status=status,
        files=tuple(json.loads(files)),
        error=error,
        planned_at=datetime.fromisoformat(planned_at),
        sent_at=datetime.fromisoformat(sent_at) if sent_at else None,
        updated_at=datetime.fromisoformat(updated_at),
        invoices=tuple(invoices),
        parts=tuple(parts),
        proposed_level=proposed_level,
        kind=kind,
        company=company,
    )


def uncertain(db: sqlite3.Connection) -> list[ReminderRow]:
    """Reminders whose email was being handed over when a run stopped: the server may or may not have
    it; a person must decide. (A letter left `sending` is settled by its bundle file, see app.send.)"""
    return [
        reminder
        for reminder in reminders(db, statuses=[SENDING])
        if (email := reminder.part("email")) is not None
        and email.status == SENDING
        and not any(name.endswith(".eml") for name in email.files)  # a file: written or not, no doubt
    ]


def lots(
    db: sqlite3.Connection, limit: int | None = 10, lot_id: str | None = None,
    proposal: str | None = None,
) -> list[LotRow]:  # fmt: skip
    """Lots, newest first, with their number of reminders per status."""
    conditions, parameters = [], []
    if lot_id is not None:
        conditions.append("id = ?")
        parameters.append(lot_id)
    if proposal is not None:
        conditions.append("proposal = ?")
        parameters.append(proposal)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    query = (
        "SELECT id, created_at, reference_date, proposal, status, updated_at FROM lots "
        f"{where} ORDER BY day DESC, seq DESC LIMIT ?"
    )
    rows = db.execute(query, [*parameters, -1 if limit is None else limit]).fetchall()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if rows:
        ids = [row[0] for row in rows]
        query = (
            "SELECT lot_id, status, count(*) FROM reminders "
            f"WHERE lot_id IN ({', '.join('?' * len(ids))}) GROUP BY lot_id, status"
        )
        for owner, status, count in db.execute(query, ids):
            counts[owner][status] = count
    return [
        LotRow(
            id=id_,
            created_at=datetime.fromisoformat(created_at),
            reference_date=date.fromisoformat(reference_date),
            proposal=proposal_,
            status=status,
            updated_at=datetime.fromisoformat(updated_at),
            counts=counts[id_],
        )
        for id_, created_at, reference_date, proposal_, status, updated_at in rows
    ]


def totals(db: sqlite3.Connection) -> JournalTotals:
    """Counts and amounts of the invoice reminders sent (a cancelled lot's reminders are not sent); quote
    follow-ups are not reminders of money due and are left out."""
    by_level = dict(
        db.execute(f"SELECT level, count(*) {_DELIVERED_REMINDERS} GROUP BY level ORDER BY level")
    )
    by_channel = dict(
        db.execute(f"SELECT channel, count(*) {_DELIVERED_REMINDERS} GROUP BY channel ORDER BY channel")
    )
    (lot_count,) = db.execute("SELECT count(*) FROM lots WHERE status != ?", [LOT_CANCELLED]).fetchone()
    first, last = db.execute(
        f"SELECT min(substr(sent_at, 1, 10)), max(substr(sent_at, 1, 10)) {_DELIVERED_REMINDERS}"
    ).fetchone()
    # Amounts are Decimal text: summed here, as SQLite would sum them as floats.
    amounts = db.execute(
        "SELECT ri.amount FROM reminder_invoices AS ri JOIN reminders AS r ON r.id = ri.reminder_id "
        f"WHERE {_DELIVERED}"
    )
    (quotes,) = db.execute(
        f"SELECT count(*) FROM reminders AS r WHERE {_DELIVERED_ANY} AND r.kind = 'devis'"
    ).fetchone()
    return JournalTotals(
        quotes=quotes,
        sent=sum(by_level.values()),
        by_level=by_level,
        by_channel=by_channel,
        lots=lot_count,
        amount=sum((Decimal(amount) for (amount,) in amounts), ZERO),
        first_date=date.fromisoformat(first) if first else None,
        last_date=date.fromisoformat(last) if last else None,
    )


def runs(db: sqlite3.Connection, limit: int = 10) -> list[RunRow]:
    """The last runs, newest first."""
    query = (
        "SELECT id, started_at, finished_at, command, mode, result, counts FROM runs "
        "ORDER BY started_at DESC, id DESC LIMIT ?"
    )
    return [
        RunRow(
            id=id_,
            started_at=datetime.fromisoformat(started_at),
            finished_at=datetime.fromisoformat(finished_at),
            command=command,
            mode=mode,
            result=result,
            counts=json.loads(counts),
        )
        for id_, started_at, finished_at, command, mode, result, counts in db.execute(query, [limit])
    ]
