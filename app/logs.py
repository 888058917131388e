"""Logging of a run: short lines on the console, the details in output/logs/relance.log, secrets masked."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

LOGGER = "relance"
LOG_NAME = "relance.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
MASK = "********"


def setup_logging(
    log_dir: Path | None,
    console: TextIO | None,
    *,
    quiet: bool,
    verbose: bool,
    secrets: Iterable[str] = (),
    max_bytes: int = MAX_BYTES,
) -> logging.Logger:
    """Configure the "relance" logger afresh (handlers of a previous call are closed).

    console: the user's stream (stderr), None under pythonw; log_dir: where relance.log goes, None for
    none. The file always gets DEBUG; the console WARNING with `quiet`, DEBUG with `verbose`, else INFO.
    """
    close_logging()
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG)  # the handlers choose; the file keeps everything
    logger.propagate = False
    mask = _MaskSecrets(secrets)
    if console is not None:
        screen = _ConsoleHandler(console)
        screen.setLevel(logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO)
        screen.setFormatter(_MessageOnly())
        screen.addFilter(mask)
        logger.addHandler(screen)
    unwritable: OSError | None = None
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            file = _LogFileHandler(
                log_dir / LOG_NAME, maxBytes=max_bytes, backupCount=BACKUPS, encoding="utf-8"
            )
        except OSError as error:  # a read-only share: the run goes on, with the console only
            unwritable = error
        else:
            file.setLevel(logging.DEBUG)
            file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S"))
            file.addFilter(mask)
            logger.addHandler(file)
    if not logger.handlers:
        # Without any handler logging falls back to sys.stderr, which pythonw does not have.
        logger.addHandler(logging.NullHandler())
    if log_dir is not None and unwritable is not None:
        logger.warning(
            "Impossible d'écrire le journal %s (%s) : les messages ne s'affichent qu'à l'écran.",
            log_dir / LOG_NAME,
            unwritable.strerror or unwritable,
        )
    return logger


def close_logging() -> None:
    """Close and remove the handlers: Windows keeps a log file open, and locked, until then."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()  # closes the log file; a StreamHandler leaves the console stream open
    # Back to logging's defaults: a caller running several commands (tests) keeps no trace of this one.
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def log_exception(logger: logging.Logger, message: str) -> None:
    """Log `message` as an error with the current exception: the traceback goes to the file only."""
    logger.error(message, exc_info=True)


class _MaskSecrets(logging.Filter):
    """Replace each secret by ******** in the final message and the exception text of every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        forms = set()
        for secret in secrets:
            if secret:
                forms.add(secret)
                forms.add(repr(secret)[1:-1])  # as it appears inside a repr, e.g. in an exception's args
        # Longest first: a secret containing another must be replaced whole.
        self.secrets = sorted(forms, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # bad arguments: logging would print msg and args to stderr, secrets included
            message = f"{record.msg} {record.args}"
        record.msg, record.args = self.hide(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.hide(record.exc_text)
        if record.stack_info:
            record.stack_info = self.hide(record.stack_info)
        return True

    def hide(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


class _MessageOnly(logging.Formatter):
    """The console shows the one French line; tracebacks stay in the file."""

    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


class _ConsoleHandler(logging.StreamHandler):  # type: ignore[type-arg]
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record) + self.terminator
            try:
                self.stream.write(text)
            except UnicodeEncodeError:
                # A console or redirection in cp1252/cp850 cannot show « » or the narrow no-break space.
                encoding = getattr(self.stream, "encoding", None) or "ascii"
                self.stream.write(text.encode(encoding, "replace").decode(encoding))
            self.flush()
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


class _LogFileHandler(RotatingFileHandler):
    def doRollover(self) -> None:
        try:
            super().doRollover()
        except OSError:
            # Windows refuses to rename a file another process holds open (a second run, an editor):
            # keep writing to the current file and rotate at a later record.
            if self.stream is None:
                self.stream = self._open()
