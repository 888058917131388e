"""The journal file: creation, settings, schema version and migrations, files that are not journals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from journal_helpers import REF, T0, plan_one, send_one

from journal import Journal, read_history, schema
from models.errors import RelanceError


def test_created_on_first_use_with_current_version(path: Path) -> None:
    assert not Journal.exists(path)
    with Journal.open(path) as journal:
        assert journal.history() == {}
    assert Journal.exists(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (schema.VERSION,)
        tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"lots", "reminders", "reminder_invoices", "runs", "deliveries"} <= tables


def test_connection_settings(journal: Journal) -> None:
    db = journal._db
    # rollback journal, not WAL: the file may sit on a Windows network share
    assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert db.execute("PRAGMA busy_timeout").fetchone() == (10_000,)
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)


def test_reopening_keeps_the_data(path: Path) -> None:
    with Journal.open(path) as journal:
        lot = journal.create_lot(T0, REF, "proposition_2026-11-23.xlsx")
        send_one(journal, plan_one(journal, lot))
    with Journal.open(path) as journal:
        assert list(journal.history()) == ["F1"]
        assert [row.id for row in journal.lots()] == [lot]


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    missing = tmp_path / "output" / "journal.sqlite"
    with pytest.raises(RelanceError) as caught:
        Journal.open(missing)
    assert caught.value.message == f"Le dossier du journal {tmp_path / 'output'} n'existe pas."
    assert not (tmp_path / "output").exists()


def test_version_too_new(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {schema.VERSION + 1}")
    with pytest.raises(RelanceError) as caught:
        Journal.open(path)
    assert caught.value.message == (
        f"Le journal {path} a été créé par une version plus récente de Relance : mettez Relance à jour."
    )


def test_not_a_database(path: Path) -> None:
    path.write_text("Code client;Nom\nC001;Dupont\n" * 100, encoding="utf-8")
    with pytest.raises(RelanceError) as caught:
        Journal.open(path)
    assert caught.value.message == f"Le fichier {path} n'est pas un journal Relance."
    assert "un journal neuf sera créé" in caught.value.hint
    assert path.read_text(encoding="utf-8").startswith("Code client;Nom")  # left untouched


def test_another_programs_database_is_left_alone(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE contacts (name TEXT)")
    with pytest.raises(RelanceError, match="n'est pas un journal Relance"):
        Journal.open(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (0,)
        assert raw.execute("SELECT count(*) FROM sqlite_master").fetchone() == (1,)


def test_empty_file_becomes_a_journal(path: Path) -> None:
    path.touch()  # SQLite sees an empty database: nothing to lose
    with Journal.open(path) as journal:
        assert journal.lots() == []


def test_a_later_version_is_a_new_migration(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Journal.open(path) as journal:
        lot = journal.create_lot(T0, REF, "p.xlsx")
        send_one(journal, plan_one(journal, lot))

    def to_next_version(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE reminders ADD COLUMN note TEXT NOT NULL DEFAULT ''")

    after = schema.VERSION + 1
    monkeypatch.setitem(schema.MIGRATIONS, after, to_next_version)
    monkeypatch.setattr(schema, "VERSION", after)
    with Journal.open(path) as journal:
        assert list(journal.history()) == ["F1"]
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (after,)
        assert raw.execute("SELECT note FROM reminders").fetchall() == [("",)]


def test_failed_migration_leaves_the_file_as_it_was(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Journal.open(path).close()

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE extra (x)")
        raise RuntimeError("boom")

    before = schema.VERSION
    monkeypatch.setitem(schema.MIGRATIONS, before + 1, broken)
    monkeypatch.setattr(schema, "VERSION", before + 1)
    with pytest.raises(RuntimeError):
        Journal.open(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone() == (before,)
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone() == (0,)


def test_a_version_1_journal_gets_one_delivery_per_channel(path: Path) -> None:
    with sqlite3.connect(path, isolation_level=None) as raw:
        schema.MIGRATIONS[1](raw)
        raw.execute("PRAGMA user_version = 1")
        raw.execute(
            "INSERT INTO lots VALUES ('2026-11-23-1', '2026-11-23', 1, '2026-11-23 09:00:00', "
            "'2026-11-23', 'p.xlsx', 'open', '2026-11-23 09:00:00')"
        )
        for id_, channel, status, sent_at in (
            (1, "email+courrier", "sent", "2026-11-23 09:01:00"),
            (2, "email", "sending", None),
            (3, "telephone", "failed", None),
        ):
            raw.execute(
                "INSERT INTO reminders (id, lot_id, customer_code, customer_name, level, channel, recipient, "
                "status, planned_at, sent_at, updated_at) "
                "VALUES (?, '2026-11-23-1', ?, 'X', 3, ?, 'a@b.fr', ?, '2026-11-23 09:00:00', ?, "
                "'2026-11-23 09:01:00')",
                [id_, f"C{id_}", channel, status, sent_at],
            )
            raw.execute("INSERT INTO reminder_invoices VALUES (?, ?, '10.00', 3)", [id_, f"F{id_}"])
    with Journal.open(path) as journal:
        rows = {row.id: row for row in journal.reminders()}
        assert [(p.part, p.status) for p in rows[1].parts] == [("email", "sent"), ("courrier", "sent")]
        assert [(p.part, p.status) for p in rows[2].parts] == [("email", "sending")]
        assert [(p.part, p.status) for p in rows[3].parts] == [("telephone", "failed")]
        assert [row.id for row in journal.uncertain()] == [2]
        assert list(journal.history()) == ["F1"]
        assert [(letter.customer_code, letter.level) for letter in journal.letters()] == [("C1", 3)]


def test_read_history_of_a_missing_journal_creates_nothing(path: Path) -> None:
    assert read_history(path) == {}
    assert not path.exists()


def test_read_history_of_an_existing_journal(path: Path) -> None:
    with Journal.open(path) as journal:
        lot = journal.create_lot(T0, REF, "p.xlsx")
        send_one(journal, plan_one(journal, lot, ["F1", "F2"]))
    assert set(read_history(path)) == {"F1", "F2"}
