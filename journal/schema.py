"""The journal's SQLite file: opening it, its schema and the migrations between versions.

Tables of version 1 (times are ISO 8601 text as the caller gave them, dates `AAAA-MM-JJ`,
amounts Decimal text such as `"1234.50"`):

- `lots`: one per sending of a proposal.
  `id` text `"2026-11-23-1"` (the day of `created_at`, then the sequence of that day: short enough
  to type in `annuler LOT`), `day`, `seq`, `created_at`, `reference_date`, `proposal` (file name of
  the proposal workbook), `status` open | complete | cancelled, `updated_at`.
  Simulations are never recorded.
- `reminders`: one per customer letter/email/call of a lot.
  `id` integer, `lot_id`, `customer_code`, `customer_name`, `level` (the letter's level), `channel`
  email | courrier | email+courrier | telephone, `recipient` (address used), `files` (JSON list of
  the file names produced), `status` planned | sending | sent | failed | cancelled, `error` (last
  failure, '' if none), `planned_at`, `sent_at` (NULL until sent), `updated_at`.
- `reminder_invoices`: the invoices a reminder chased. `reminder_id`, `invoice` (number), `amount`
  (what was due at the time), `level` (the level of the letter that listed it).
  Primary key (reminder_id, invoice); rowid keeps the planned order.
- `runs`: one per command run, for `etat`. `id`, `started_at`, `finished_at`, `command`, `mode`,
  `result` (exit code), `counts` (JSON object).

Version 2 adds `deliveries` (one per channel of a reminder: `part` email | courrier | telephone, with
its own `status`, `recipient`, `files`, `error`, `sent_at`) and `reminders.proposed_level`; the
reminder's status, recipient, files and sent_at then summarise its deliveries (see store.py).

Version 3 adds `reminders.kind`: `facture` (an invoice reminder, every row before version 3) or `devis`
(a quote follow-up: its `level` is the follow-up's number, its one `reminder_invoices` row the quote, its
amount and that number). Each kind has its own history: a quote follow-up never counts as an invoice
reminder level, and an invoice reminder never as a quote follow-up.

Version 4 adds `reminders.company`: the code of the `[[societes]]` company the reminder was sent for, ''
with one company (and for every reminder written before): the dunning sequence of a customer is then its
company's.

The version is `PRAGMA user_version`; `MIGRATIONS[n]` brings a file from version n-1 to n.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from models.errors import RelanceError

# A network share on Windows cannot hold a WAL file safely: keep SQLite's default rollback journal.
BUSY_TIMEOUT_S = 10.0

_VERSION_1 = """
CREATE TABLE lots (
    id TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    reference_date TEXT NOT NULL,
    proposal TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'complete', 'cancelled')),
    updated_at TEXT NOT NULL,
    UNIQUE (day, seq)
);
CREATE INDEX lots_proposal ON lots (proposal);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY,
    lot_id TEXT NOT NULL REFERENCES lots (id),
    customer_code TEXT NOT NULL,
    customer_name TEXT NOT NULL,
    level INTEGER NOT NULL,
    channel TEXT NOT NULL
        CHECK (channel IN ('email', 'courrier', 'email+courrier', 'telephone')),
    recipient TEXT NOT NULL,
    files TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL
        CHECK (status IN ('planned', 'sending', 'sent', 'failed', 'cancelled')),
    error TEXT NOT NULL DEFAULT '',
    planned_at TEXT NOT NULL,
    sent_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX reminders_lot ON reminders (lot_id);
CREATE INDEX reminders_status ON reminders (status);

CREATE TABLE reminder_invoices (
    reminder_id INTEGER NOT NULL REFERENCES reminders (id),
    invoice TEXT NOT NULL,
    amount TEXT NOT NULL,
    level INTEGER NOT NULL,
    PRIMARY KEY (reminder_id, invoice)
);
-- covers the history query: invoices read in order, no temporary sort for GROUP BY
CREATE INDEX reminder_invoices_invoice ON reminder_invoices (invoice, reminder_id, level);

CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    command TEXT NOT NULL,
    mode TEXT NOT NULL,
    result INTEGER NOT NULL,
    counts TEXT NOT NULL DEFAULT '{}'
);
"""


# Version 2: one state per channel. An email + courrier reminder has two deliveries, each with its own
# status: an email accepted by the server is sent whatever then happens to its paper copy. The
# reminder's own status, recipient, files and sent_at become a summary of its deliveries (sent_at: when
# the first one reached the customer). `proposed_level`: the level the sequence proposed, kept when the
# accountant chose another one (NULL before version 2).
_VERSION_2 = """
CREATE TABLE deliveries (
    reminder_id INTEGER NOT NULL REFERENCES reminders (id),
    part TEXT NOT NULL CHECK (part IN ('email', 'courrier', 'telephone')),
    status TEXT NOT NULL
        CHECK (status IN ('planned', 'sending', 'sent', 'failed', 'cancelled')),
    recipient TEXT NOT NULL DEFAULT '',
    files TEXT NOT NULL DEFAULT '[]',
    error TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (reminder_id, part)
);
CREATE INDEX deliveries_status ON deliveries (status);
ALTER TABLE reminders ADD COLUMN proposed_level INTEGER;
INSERT INTO deliveries (reminder_id, part, status, recipient, files, error, sent_at, updated_at)
    SELECT id, 'email', status, recipient, files, error, sent_at, updated_at FROM reminders
    WHERE channel IN ('email', 'email+courrier');
INSERT INTO deliveries (reminder_id, part, status, recipient, files, error, sent_at, updated_at)
    SELECT id, 'courrier', status, '', files, error, sent_at, updated_at FROM reminders
    WHERE channel IN ('courrier', 'email+courrier');
INSERT INTO deliveries (reminder_id, part, status, recipient, files, error, sent_at, updated_at)
    SELECT id, 'telephone', status, recipient, files, error, sent_at, updated_at FROM reminders
    WHERE channel = 'telephone'
"""


# Version 3: quote follow-ups (models/quote_sending.py) journaled beside invoice reminders, as their own kind.
_VERSION_3 = """
ALTER TABLE reminders ADD COLUMN kind TEXT NOT NULL DEFAULT 'facture' CHECK (kind IN ('facture', 'devis'));
CREATE INDEX reminders_kind ON reminders (kind)
"""

# Version 4 ([[societes]]): one customer code in two companies is two customers to chase.
_VERSION_4 = "ALTER TABLE reminders ADD COLUMN company TEXT NOT NULL DEFAULT ''"


def _run(script: str) -> Callable[[sqlite3.Connection], None]:
    def migrate(connection: sqlite3.Connection) -> None:
        for statement in script.split(";"):
            if statement.strip():
                connection.execute(statement)

    return migrate


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _run(_VERSION_1), 2: _run(_VERSION_2), 3: _run(_VERSION_3), 4: _run(_VERSION_4),
}
VERSION = max(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the journal at `path` and bring its schema up to `VERSION`."""
    if not path.parent.is_dir():
        raise RelanceError(f"Le dossier du journal {path.parent} n'existe pas.")
    try:
        # isolation_level=None: no implicit transactions; every write opens its own (see store.py).
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        raise RelanceError(f"Impossible d'ouvrir le journal {path} : {error}.") from error
    try:
        connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection, path)
    except sqlite3.OperationalError as error:  # locked beyond the timeout, read-only, disk full...
        connection.close()
        raise RelanceError(f"Impossible de lire le journal {path} : {error}.") from error
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed"
        connection.close()
        raise _not_a_journal(path) from error
    except BaseException:
        connection.close()
        raise
    return connection


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    # The version is read and raised inside one write transaction, so two processes opening a new
    # journal at once cannot both run a migration.
    (version,) = connection.execute("PRAGMA user_version").fetchone()
    if version == VERSION:
        return
    if version > VERSION:
        raise RelanceError(
            f"Le journal {path} a été créé par une version plus récente de Relance : mettez Relance à jour."
        )
    connection.execute("BEGIN IMMEDIATE")
    try:
        (version,) = connection.execute("PRAGMA user_version").fetchone()
        if version == 0 and connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
            raise _not_a_journal(path)  # another program's database: leave it alone
        for target in range(version + 1, VERSION + 1):
            MIGRATIONS[target](connection)
            connection.execute(f"PRAGMA user_version = {target}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _not_a_journal(path: Path) -> RelanceError:
    return RelanceError(
        f"Le fichier {path} n'est pas un journal Relance.",
        "Déplacez-le ou renommez-le : un journal neuf sera créé au prochain lancement.",
    )
