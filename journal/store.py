"""The journal of reminders: the `Journal` class, its writes (each committed at once) and reads.

Every time is passed in by the caller: nothing here reads the clock.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from journal import queries
from journal.rows import (
    CANCELLED,
    FAILED,
    LOT_CANCELLED,
    LOT_COMPLETE,
    LOT_OPEN,
    PLANNED,
    SENDING,
    SENT,
    JournalTotals,
    LotRow,
    ReminderRow,
    RunRow,
    check_transition,
    parts_of,
    summary_status,
)
from journal.schema import connect
from models.errors import RelanceError, write_error
from models.quotes import QuoteHistory, QuoteKey
from models.records import InvoiceHistory
from models.sequence import Letter
from models.settings import CHANNELS

KINDS = ("facture", "devis")  # an invoice reminder, a quote follow-up (schema version 3)
# How many lot ids an "unknown lot" message lists.
_LOTS_SHOWN = 10


def _stamp(moment: datetime) -> str:
    if not isinstance(moment, datetime):
        raise TypeError(f"a datetime is needed, not {moment!r}")
    return moment.isoformat(sep=" ", timespec="seconds")


class Journal:
    """An open journal file. Use `Journal.open(path)`, as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Journal:
        """Open the journal at `path`, creating it (its folder must exist) or migrating it."""
        path = Path(path)
        return cls(connect(path), path)

    @staticmethod
    def exists(path: str | os.PathLike[str]) -> bool:
        """Whether a journal file is there (to read without creating one)."""
        return Path(path).is_file()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        # IMMEDIATE takes the write lock up front: two processes cannot both read "seq = 3" and
        # both create lot 4. COMMIT on the way out makes each write durable before returning.
        try:
            self._db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:  # locked past the busy timeout, disk full...
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            if "disk is full" in str(error):
                # The transaction was rolled back whole: nothing is half-recorded.
                raise write_error(OSError(errno.ENOSPC, str(error)), str(self.path.parent)) from error
            action = "d'écrire dans" if write else "de lire"
            locked = "locked" in str(error) or "busy" in str(error)
            raise RelanceError(
                f"Impossible {action} le journal {self.path} : {error}.",
                "Un autre lancement de Relance l'utilise peut-être : réessayez dans un moment."
                if locked
                else "",
            ) from error

    # --- writes -------------------------------------------------------------------------------

    def create_lot(self, created_at: datetime, reference_date: date, proposal: str) -> str:
        """Open a new lot for the sending of `proposal`; return its id, e.g. "2026-11-23-2"."""
        stamp = _stamp(created_at)
        day = created_at.date().isoformat()
        with self._transaction() as db:
            (seq,) = db.execute("SELECT coalesce(max(seq), 0) + 1 FROM lots WHERE day = ?", [day]).fetchone()
            lot_id = f"{day}-{seq}"
            db.execute(
                "INSERT INTO lots (id, day, seq, created_at, reference_date, proposal, status, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [lot_id, day, seq, stamp, reference_date.isoformat(), proposal,
                 LOT_OPEN, stamp],
            )  # fmt: skip
        return lot_id

    def plan(
        self,
        lot_id: str,
        customer_code: str,
        customer_name: str,
        level: int,
        channel: str,
        recipient: str,
        invoices: Iterable[tuple[str, Decimal, int]],
        now: datetime,
        *,
        proposed_level: int | None = None,
        recipients: Mapping[str, str] | None = None,
        kind: str = "facture",
        company: str = "",
    ) -> int:
        """Record a reminder to send (status planned) with its (number, amount due, level) invoices and
        one delivery per channel; `recipients` gives each channel's address (default: `recipient`).
        `kind` "devis": a quote follow-up, whose one "invoice" is the quote (its amount, the follow-up's
        number as its level). `company`: the code of its [[societes]] company ("" with one company)."""
        invoices = list(invoices)
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        if not invoices:
            raise ValueError("a reminder needs at least one invoice")
        if not isinstance(level, int) or level < 1:
            raise ValueError(f"level must be an int >= 1, not {level!r}")
        for number, amount, invoice_level in invoices:
            if not isinstance(amount, Decimal):
                raise TypeError(f"invoice {number}: amount must be a Decimal, not {amount!r}")
            if not isinstance(invoice_level, int) or invoice_level < 0:
                raise ValueError(f"invoice {number}: level must be an int >= 0")
        stamp = _stamp(now)
        with self._transaction() as db:
            self._lot_status(lot_id, expected=LOT_OPEN)
            cursor = db.execute(
                "INSERT INTO reminders (lot_id, customer_code, customer_name, level, channel, "
                "recipient, status, planned_at, updated_at, proposed_level, kind, company) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [lot_id, customer_code, customer_name, level, channel, recipient, PLANNED,
                 stamp, stamp, proposed_level, kind, company],
            )  # fmt: skip
            reminder_id = cursor.lastrowid
            assert reminder_id is not None
            db.executemany(
                "INSERT INTO deliveries (reminder_id, part, status, recipient, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(reminder_id, part, PLANNED, (recipients or {}).get(part, recipient), stamp)
                 for part in parts_of(channel)],
            )  # fmt: skip
            try:
                db.executemany(
                    "INSERT INTO reminder_invoices (reminder_id, invoice, amount, level) VALUES (?, ?, ?, ?)",
                    [(reminder_id, number, str(amount), lvl) for number, amount, lvl in invoices],
                )
            except sqlite3.IntegrityError as error:
                raise ValueError(f"an invoice appears twice in one reminder: {error}") from error
        return reminder_id

    # --- one channel of a reminder ------------------------------------------------------------

    def part_sending(
        self, reminder_id: int, part: str, now: datetime, recipient: str | None = None,
        files: Iterable[str] = (),
    ) -> None:  # fmt: skip
        """Record that this channel is about to leave: an email just before its data is handed over, a
        letter just before its bundle is written (with that bundle's name in `files`)."""
        self._move_parts(reminder_id, [part], SENDING, now, recipient=recipient, files=files)

    def part_sent(
        self, reminder_id: int, part: str, now: datetime, files: Iterable[str], recipient: str | None = None
    ) -> None:
        """Record that this channel reached the customer: accepted by the server, or in the bundle."""
        self._move_parts(reminder_id, [part], SENT, now, recipient=recipient, files=files)

    def part_failed(self, reminder_id: int, part: str, now: datetime, error: str) -> None:
        """Record that this channel failed for sure (the next run may retry it)."""
        self._move_parts(reminder_id, [part], FAILED, now, error=error)

    def part_dropped(self, reminder_id: int, part: str, now: datetime, reason: str) -> None:
        """Take one channel that did not leave out of its reminder (the accountant changed the channel)."""
        self._move_parts(reminder_id, [part], CANCELLED, now, error=reason)

    # --- every channel of a reminder at once ---------------------------------------------------

    def mark_sending(self, reminder_id: int, now: datetime) -> None:
        """Record that the reminder is about to leave: call it *before* handing it over."""
        self._move_parts(reminder_id, None, SENDING, now)

    def mark_sent(self, reminder_id: int, now: datetime, files: Iterable[str]) -> None:
        """Record that the reminder left (accepted by the server, or put into the bundle)."""
        self._move_parts(reminder_id, None, SENT, now, files=files)

    def mark_failed(self, reminder_id: int, now: datetime, error: str) -> None:
        """Record that sending failed for sure, on every channel not sent yet (the next run may retry)."""
        self._move_parts(reminder_id, None, FAILED, now, error=error)

    def drop(self, reminder_id: int, now: datetime, reason: str) -> None:
        """Take a planned or failed reminder out of its lot: it will not be sent (reason kept)."""
        self._move_parts(reminder_id, None, CANCELLED, now, error=reason)

    def _move_parts(
        self,
        reminder_id: int,
        parts: list[str] | None,
        status: str,
        now: datetime,
        *,
        recipient: str | None = None,
        files: Iterable[str] = (),
        error: str = "",
    ) -> None:
        """Move the given parts (None: every part not sent yet) to `status`, then the summary with them."""
        stamp = _stamp(now)
        names = json.dumps(list(files), ensure_ascii=False)
        with self._transaction() as db:
            found = db.execute(
                "SELECT part, status FROM deliveries WHERE reminder_id = ?", [reminder_id]
            ).fetchall()
            if not found:
                raise ValueError(f"unknown reminder {reminder_id}")
            current = dict(found)
            if parts is None:
                targets = [part for part, now_status in found if now_status != SENT or status == SENT]
                if not targets:
                    targets = list(current)
            else:
                unknown = [part for part in parts if part not in current]
                if unknown:
                    raise ValueError(f"reminder {reminder_id} has no {unknown[0]} delivery")
                targets = parts
            for part in targets:
                check_transition(reminder_id, current[part], status)
                db.execute(
                    "UPDATE deliveries SET status = ?, updated_at = ?, error = ?, "
                    "recipient = coalesce(?, recipient), "
                    "files = CASE WHEN ? = '[]' THEN files ELSE ? END, "
                    "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END "
                    "WHERE reminder_id = ? AND part = ?",
                    [status, stamp, error if status in (FAILED, CANCELLED) else "", recipient,
                     names, names, status, stamp, reminder_id, part],
                )  # fmt: skip
            self._summarize(db, reminder_id, stamp)

    @staticmethod
    def _summarize(db: sqlite3.Connection, reminder_id: int, stamp: str) -> None:
        """The reminder's row from its deliveries: status, recipients, files, first sending, last error."""
        rows = db.execute(
            "SELECT status, recipient, files, error, sent_at FROM deliveries WHERE reminder_id = ? "
            "ORDER BY CASE part WHEN 'email' THEN 1 WHEN 'courrier' THEN 2 ELSE 3 END",
            [reminder_id],
        ).fetchall()
        statuses = [row[0] for row in rows]
        recipients = " ; ".join(dict.fromkeys(row[1] for row in rows if row[1]))
        files = [name for row in rows for name in json.loads(row[2])]
        errors = [row[3] for row in rows if row[3]]
        sent = [row[4] for row in rows if row[4]]
        db.execute(
            "UPDATE reminders SET status = ?, recipient = ?, files = ?, error = ?, sent_at = ?, "
            "updated_at = ? WHERE id = ?",
            [summary_status(statuses), recipients, json.dumps(list(dict.fromkeys(files)), ensure_ascii=False),
             errors[-1] if errors else "", min(sent) if sent else None, stamp, reminder_id],
        )  # fmt: skip

    def complete_lot(self, lot_id: str, now: datetime) -> None:
        """Close an open lot once all its reminders are sent."""
        with self._transaction() as db:
            self._lot_status(lot_id, expected=LOT_OPEN)
            db.execute(
                "UPDATE lots SET status = ?, updated_at = ? WHERE id = ?",
                [LOT_COMPLETE, _stamp(now), lot_id],
            )

    def cancel_lot(self, lot_id: str, now: datetime) -> list[ReminderRow]:
        """Cancel a lot: its invoices go back to their previous level.

        Returns the reminders of the lot that had left by email (as they were before the
        cancellation, status `sent`): those emails cannot be called back.
        """
        stamp = _stamp(now)
        with self._transaction() as db:
            status = self._lot_status(lot_id)
            if status is None:
                known = [row[0] for row in db.execute(
                    "SELECT id FROM lots ORDER BY day DESC, seq DESC LIMIT ?", [_LOTS_SHOWN]
                )]  # fmt: skip
                raise RelanceError(
                    f"Lot inconnu : {lot_id} (lots existants : {', '.join(known) or 'aucun'})."
                )
            if status == LOT_CANCELLED:
                raise RelanceError(f"Le lot {lot_id} est déjà annulé.")
            gone = [
                reminder
                for reminder in queries.reminders(db, lot_id=lot_id)
                if (email := reminder.part("email")) is not None and email.status == SENT
            ]
            db.execute(
                "UPDATE reminders SET status = ?, updated_at = ? WHERE lot_id = ? AND status != ?",
                [CANCELLED, stamp, lot_id, CANCELLED],
            )
            db.execute(
                "UPDATE deliveries SET status = ?, updated_at = ? WHERE status != ? AND reminder_id IN "
                "(SELECT id FROM reminders WHERE lot_id = ?)",
                [CANCELLED, stamp, CANCELLED, lot_id],
            )
            db.execute(
                "UPDATE lots SET status = ?, updated_at = ? WHERE id = ?",
                [LOT_CANCELLED, stamp, lot_id],
            )
        return gone

    def _lot_status(self, lot_id: str, expected: str | None = None) -> str | None:
        row = self._db.execute("SELECT status FROM lots WHERE id = ?", [lot_id]).fetchone()
        status = None if row is None else row[0]
        if expected is not None and status != expected:
            raise ValueError(f"lot {lot_id!r} is {status or 'unknown'}, not {expected}")
        return status

    def record_run(
        self,
        command: str,
        mode: str,
        started_at: datetime,
        finished_at: datetime,
        result: int,
        counts: Mapping[str, int] | None = None,
    ) -> int:
        """Record one run of a command (`mode`: "envoi", "simulation"...) and its exit code."""
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO runs (started_at, finished_at, command, mode, result, counts) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [_stamp(started_at), _stamp(finished_at), command, mode, result,
                 json.dumps(dict(counts or {}), ensure_ascii=False)],
            )  # fmt: skip
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    # --- reads --------------------------------------------------------------------------------

    def history(self) -> dict[str, InvoiceHistory]:
        """Per invoice number, what reached the customer: last level, its day, number of reminders."""
        with self._transaction(write=False) as db:
            return queries.history(db)

    def quote_history(self) -> dict[QuoteKey, QuoteHistory]:
        """Per quote (company, number), the follow-ups that reached the customer: how many, the last
        one's day."""
        with self._transaction(write=False) as db:
            return queries.quote_history(db)

    def letters(self) -> list[Letter]:
        """Every reminder that reached its customer (by at least one channel), oldest first."""
        with self._transaction(write=False) as db:
            return queries.letters(db)

    def reminders(
        self, lot_id: str | None = None, statuses: Iterable[str] | None = None
    ) -> list[ReminderRow]:
        """Reminders, of one lot and/or in some statuses, in planned order, with their invoices."""
        with self._transaction(write=False) as db:
            return queries.reminders(db, lot_id=lot_id, statuses=statuses)

    def reminder(self, reminder_id: int) -> ReminderRow:
        """One reminder; ValueError if there is none with that id."""
        with self._transaction(write=False) as db:
            found = queries.reminders(db, reminder_id=reminder_id)
        if not found:
            raise ValueError(f"unknown reminder {reminder_id}")
        return found[0]

    def uncertain(self) -> list[ReminderRow]:
        """Reminders left in `sending` by a run that stopped: sent or not, nobody knows."""
        with self._transaction(write=False) as db:
            return queries.uncertain(db)

    def lots(self, limit: int | None = 10) -> list[LotRow]:
        """The last lots, newest first (all of them with limit=None)."""
        with self._transaction(write=False) as db:
            return queries.lots(db, limit=limit)

    def lot(self, lot_id: str) -> LotRow | None:
        with self._transaction(write=False) as db:
            found = queries.lots(db, lot_id=lot_id, limit=1)
        return found[0] if found else None

    def lots_for_proposal(self, proposal: str) -> list[LotRow]:
        """The lots made from this proposal file, newest first: to resume or refuse a second run."""
        with self._transaction(write=False) as db:
            return queries.lots(db, proposal=proposal, limit=None)

    def totals(self) -> JournalTotals:
        with self._transaction(write=False) as db:
            return queries.totals(db)

    def runs(self, limit: int = 10) -> list[RunRow]:
        with self._transaction(write=False) as db:
            return queries.runs(db, limit=limit)


def read_letters(path: str | os.PathLike[str]) -> list[Letter]:
    """The letters of the journal at `path`; [] when there is no journal yet (none is created)."""
    if not Journal.exists(path):
        return []
    with Journal.open(path) as journal:
        return journal.letters()


def read_quote_history(path: str | os.PathLike[str]) -> dict[QuoteKey, QuoteHistory]:
    """The quote follow-ups of the journal at `path`, by (company, number); {} when there is no journal."""
    if not Journal.exists(path):
        return {}
    with Journal.open(path) as journal:
        return journal.quote_history()


def read_history(path: str | os.PathLike[str]) -> dict[str, InvoiceHistory]:
    """The per-invoice history of the journal at `path`; {} when there is no journal (none is created)."""
    if not Journal.exists(path):
        return {}
    with Journal.open(path) as journal:
        return journal.history()
