"""Each write is on disk when the call returns: a killed run leaves the journal telling the truth."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from journal_helpers import REF, T0, at, plan_one, send_one

import journal as journal_package
from journal import Journal
from models.errors import RelanceError
from models.records import InvoiceHistory

ROOT = Path(journal_package.__file__).resolve().parents[1]

# A run that sends C1, starts sending C2 and dies before the server answers: no `finally`, no
# close, no flush (SIGKILL, as a power cut or the task manager would do).
KILLED_RUN = """
import os, signal, sys
from datetime import date, datetime
from decimal import Decimal
from journal import Journal
from models.errors import RelanceError

journal = Journal.open(sys.argv[1])
lot = journal.create_lot(datetime(2026, 11, 23, 9), date(2026, 11, 23), "p.xlsx")
first = journal.plan(lot, "C1", "Un", 1, "email", "un@example.fr",
                     [("F1", Decimal("10.00"), 1)], datetime(2026, 11, 23, 9))
second = journal.plan(lot, "C2", "Deux", 2, "email", "deux@example.fr",
                      [("F2", Decimal("20.00"), 2), ("F3", Decimal("5.00"), 1)],
                      datetime(2026, 11, 23, 9))
journal.mark_sending(first, datetime(2026, 11, 23, 9, 1))
journal.mark_sent(first, datetime(2026, 11, 23, 9, 1), ["relance_C1.pdf"])
journal.mark_sending(second, datetime(2026, 11, 23, 9, 2))
print("handing C2 to the server", flush=True)
if hasattr(signal, "SIGKILL"):
    os.kill(os.getpid(), signal.SIGKILL)
os._exit(9)
"""


def test_a_killed_run_leaves_its_reminder_uncertain(path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(KILLED_RUN), str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0, done.stderr
    assert done.stdout == "handing C2 to the server\n"
    with Journal.open(path) as journal:
        [uncertain] = journal.uncertain()
        assert (uncertain.customer_code, uncertain.status) == ("C2", "sending")
        assert [invoice.number for invoice in uncertain.invoices] == ["F2", "F3"]
        assert journal.history() == {"F1": InvoiceHistory(1, date(2026, 11, 23), 1)}
        # the next run decides: here the server had it
        journal.mark_sent(uncertain.id, at(days=1), ["relance_C2.pdf"])
        assert set(journal.history()) == {"F1", "F2", "F3"}
        assert journal.uncertain() == []


def test_a_second_connection_sees_each_write_at_once(path: Path) -> None:
    with Journal.open(path) as writer, Journal.open(path) as reader:
        lot = writer.create_lot(T0, REF, "p.xlsx")
        assert [row.id for row in reader.lots()] == [lot]
        reminder_id = plan_one(writer, lot)
        writer.mark_sending(reminder_id, T0)
        assert [row.id for row in reader.uncertain()] == [reminder_id]
        assert reader.history() == {}
        writer.mark_sent(reminder_id, at(minutes=1), [])
        assert reader.uncertain() == []
        assert list(reader.history()) == ["F1"]


def test_a_journal_locked_by_another_run(path: Path) -> None:
    with Journal.open(path) as journal, sqlite3.connect(path, isolation_level=None) as other:
        lot = journal.create_lot(T0, REF, "p.xlsx")
        journal._db.execute("PRAGMA busy_timeout = 50")  # 10 s in real use
        other.execute("BEGIN EXCLUSIVE")
        with pytest.raises(RelanceError) as caught:
            plan_one(journal, lot)
        assert caught.value.message == (f"Impossible d'écrire dans le journal {path} : database is locked.")
        assert "réessayez dans un moment" in caught.value.hint
        with pytest.raises(RelanceError, match="Impossible de lire le journal"):
            journal.history()
        other.execute("ROLLBACK")
        # the journal is usable again once the other run lets go
        send_one(journal, plan_one(journal, lot))
        assert list(journal.history()) == ["F1"]
