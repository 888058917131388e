"""The log of a run: the console's short lines, relance.log with its details, rotation, masked secrets."""

from __future__ import annotations

import io
import logging
import re
import smtplib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.logs import close_logging, log_exception, setup_logging

PASSWORD = "Tr0ub4dor&3\\x"  # a backslash: a repr writes it doubled
STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


@pytest.fixture(autouse=True)
def closed() -> Iterator[None]:
    yield
    close_logging()


def log_lines(folder: Path) -> list[str]:
    return (folder / "relance.log").read_text(encoding="utf-8").splitlines()


def test_the_log_file_is_created_with_its_folder_and_holds_every_line_with_its_time(tmp_path):
    logs = tmp_path / "output" / "logs"
    console = io.StringIO()
    log = setup_logging(logs, console, quiet=False, verbose=False)
    log.info("Préparation du %s : « %s »", "23/11/2026", "Société Générale d'Équipements")
    log.debug("Détail : 12 factures lues")
    log.warning("Client sans email : C3")
    assert log.name == "relance" and log.propagate is False  # nothing leaks to the root logger
    close_logging()
    assert log.propagate is True  # closing restores logging's defaults
    lines = log_lines(logs)
    assert [re.sub(f"^{STAMP} ", "", line) for line in lines] == [
        "INFO Préparation du 23/11/2026 : « Société Générale d'Équipements »",
        "DEBUG Détail : 12 factures lues",  # the file keeps details the console does not show
        "WARNING Client sans email : C3",
    ]
    assert all(re.match(f"^{STAMP} (INFO|DEBUG|WARNING) ", line) for line in lines)
    assert console.getvalue() == (
        "Préparation du 23/11/2026 : « Société Générale d'Équipements »\nClient sans email : C3\n"
    )


def test_the_file_rotates_and_keeps_five_old_files(tmp_path):
    log = setup_logging(tmp_path, None, quiet=False, verbose=False, max_bytes=2_000)
    for number in range(400):
        log.info("Relance %03d envoyée à compta@martin.example", number)
    close_logging()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "relance.log",
        *(f"relance.log.{n}" for n in range(1, 6)),
    ]
    assert all(p.stat().st_size <= 2_000 for p in tmp_path.iterdir())
    assert log_lines(tmp_path)[-1].endswith("INFO Relance 399 envoyée à compta@martin.example")
    oldest = (tmp_path / "relance.log.5").read_text(encoding="utf-8")
    assert "Relance 000" not in oldest  # the oldest lines are gone: at most six files are kept


def test_the_default_size_is_one_megabyte(tmp_path):
    log = setup_logging(tmp_path, None, quiet=False, verbose=False)
    (handler,) = log.handlers
    assert (handler.maxBytes, handler.backupCount, handler.encoding) == (1_000_000, 5, "utf-8")


def test_a_rotation_refused_by_the_system_does_not_stop_the_log(tmp_path, capsys):
    # On Windows a file open in another process cannot be renamed; here a folder cannot be removed.
    (tmp_path / "relance.log.4").write_text("ancien\n")
    (tmp_path / "relance.log.5").mkdir()
    (tmp_path / "relance.log.5" / "dedans").write_text("x")
    log = setup_logging(tmp_path, None, quiet=False, verbose=False, max_bytes=200)
    for number in range(20):
        log.info("ligne %02d", number)
    close_logging()
    assert [line[20:] for line in log_lines(tmp_path)] == [f"INFO ligne {n:02d}" for n in range(20)]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("quiet", "verbose", "shown"),
    [(False, False, ["info", "warning", "error"]), (True, False, ["warning", "error"]),
     (False, True, ["debug", "info", "warning", "error"])],
)  # fmt: skip
def test_quiet_and_verbose_choose_the_console_lines_the_file_keeps_all(tmp_path, quiet, verbose, shown):
    console = io.StringIO()
    log = setup_logging(tmp_path, console, quiet=quiet, verbose=verbose)
    for level in ("debug", "info", "warning", "error"):
        getattr(log, level)(level)
    close_logging()
    assert console.getvalue().splitlines() == shown
    assert [line.split(" ", 3)[3] for line in log_lines(tmp_path)] == ["debug", "info", "warning", "error"]


def test_a_secret_is_never_written_as_an_argument_in_the_text_or_in_an_exception(tmp_path, capsys):
    console = io.StringIO()
    log = setup_logging(tmp_path, console, quiet=False, verbose=True, secrets=["", PASSWORD, None or ""])
    log.info("Connexion à smtp.example.fr avec %s", PASSWORD)
    log.info(f"Mot de passe lu dans .env : {PASSWORD}")
    log.debug("Réglages : %r", {"password": PASSWORD})
    try:
        try:
            raise smtplib.SMTPAuthenticationError(535, f"bad password {PASSWORD}".encode())
        except smtplib.SMTPException as error:
            raise RuntimeError(f"échec avec {PASSWORD!r}") from error
    except RuntimeError:
        log_exception(log, f"Erreur inattendue, mot de passe {PASSWORD}")
    log.info("%d factures", "pas un nombre " + PASSWORD)  # a broken call must not leak it either
    close_logging()
    text = (tmp_path / "relance.log").read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "SMTPAuthenticationError" in text
    for written in (text, console.getvalue(), capsys.readouterr().err):  # err: logging's own errors
        assert "Tr0ub4dor" not in written
    assert "Connexion à smtp.example.fr avec ********" in text
    assert "Réglages : {'password': '********'}" in text
    assert "RuntimeError: échec avec '********'" in text
    assert "Erreur inattendue, mot de passe ********\n" in console.getvalue()


def test_without_secrets_nothing_is_masked(tmp_path):
    log = setup_logging(tmp_path, None, quiet=False, verbose=False, secrets=[""])
    log.info("Envoi de %d relances", 3)
    close_logging()
    assert log_lines(tmp_path)[0].endswith("INFO Envoi de 3 relances")


def test_a_second_setup_does_not_repeat_lines_and_closes_the_old_file(tmp_path):
    first_console, second_console = io.StringIO(), io.StringIO()
    log = setup_logging(tmp_path, first_console, quiet=False, verbose=False)
    old_file = next(h for h in log.handlers if isinstance(h, logging.FileHandler))
    log.info("premier")
    log = setup_logging(tmp_path, second_console, quiet=False, verbose=False)
    log.info("second")
    close_logging()
    assert old_file.stream is None  # closed: Windows would keep relance.log locked otherwise
    assert [line[20:] for line in log_lines(tmp_path)] == ["INFO premier", "INFO second"]
    assert (first_console.getvalue(), second_console.getvalue()) == ("premier\n", "second\n")
    assert len(log.handlers) == 0


def test_without_a_console_pythonw_logs_to_the_file_only(tmp_path, capsys):
    log = setup_logging(tmp_path, None, quiet=False, verbose=False)
    log.error("Erreur visible dans le journal seulement")
    assert [type(h).__name__ for h in log.handlers] == ["_LogFileHandler"]
    assert capsys.readouterr() == ("", "")
    assert log_lines(tmp_path)[0].endswith("ERROR Erreur visible dans le journal seulement")


def test_without_console_nor_file_nothing_falls_back_to_stderr(capsys):
    # logging's last resort writes to sys.stderr, which is None under pythonw.
    log = setup_logging(None, None, quiet=False, verbose=False)
    log.error("rien nulle part")
    assert capsys.readouterr() == ("", "")


def test_an_unwritable_log_folder_warns_once_and_the_run_goes_on(tmp_path):
    blocker = tmp_path / "output"
    blocker.write_text("un fichier à la place du dossier")
    console = io.StringIO()
    log = setup_logging(blocker / "logs", console, quiet=True, verbose=False)
    log.warning("suite du travail")
    lines = console.getvalue().splitlines()
    assert len(lines) == 2 and lines[1] == "suite du travail"
    assert lines[0].startswith(f"Impossible d'écrire le journal {blocker / 'logs' / 'relance.log'} (")
    assert lines[0].endswith(") : les messages ne s'affichent qu'à l'écran.")
    assert not any(isinstance(h, logging.FileHandler) for h in log.handlers)


def test_an_unwritable_log_folder_without_console_does_not_crash(tmp_path, capsys):
    blocker = tmp_path / "output"
    blocker.write_text("")
    setup_logging(blocker / "logs", None, quiet=False, verbose=False).warning("rien")
    assert capsys.readouterr() == ("", "")


def test_log_exception_puts_the_traceback_in_the_file_not_on_the_console(tmp_path):
    console = io.StringIO()
    log = setup_logging(tmp_path, console, quiet=False, verbose=True)
    try:
        {}["FA-001"]
    except KeyError:
        log_exception(log, "Erreur inattendue : le détail est dans output/logs/relance.log.")
    close_logging()
    assert console.getvalue() == "Erreur inattendue : le détail est dans output/logs/relance.log.\n"
    text = (tmp_path / "relance.log").read_text(encoding="utf-8")
    assert re.search(f"^{STAMP} ERROR Erreur inattendue : le détail est dans", text, re.MULTILINE)
    assert "Traceback (most recent call last)" in text
    assert "KeyError: 'FA-001'" in text


def test_a_console_that_cannot_encode_french_typography_gets_a_replacement(tmp_path, capsys):
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="cp850")
    log = setup_logging(None, console, quiet=False, verbose=False)
    log.info("1\u202f234,56\u00a0€ dus – « relance »")
    console.flush()
    assert raw.getvalue().decode("cp850") == "1?234,56\u00a0? dus ? « relance »\n"
    assert capsys.readouterr().err == ""
