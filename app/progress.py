"""Progress of long steps: a bar with the remaining time on a terminal, a few log lines anywhere else."""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")
log = logging.getLogger("relance")

# tqdm's own words are English (« it/s », « 00:12<00:30 »): the bar says it in French.
BAR_FORMAT = "  {desc} : {percentage:3.0f} % |{bar:20}| {n_fmt}/{total_fmt} — temps restant {remaining}"
QUARTERS = (0.25, 0.5, 0.75)  # elsewhere, one log line at each quarter of a long step


def progress(
    items: Iterable[T],
    label: str,
    *,
    stream: TextIO | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[T]:
    """Yield `items`, drawing a bar « label : 40 % |████    | 12/30 — temps restant 00:18 » on a terminal.

    Elsewhere (Task Scheduler, pythonw, a file) the log gets the start, a line at each quarter with the
    estimated time left, and the end: log files do not fill up with counters.
    """
    stream = stream if stream is not None else sys.stderr
    items = list(items) if not isinstance(items, Sized) else items
    total = len(items)
    if _live(stream):
        with _above_the_bar(stream):
            yield from tqdm(
                items, desc=label, total=total, file=stream, bar_format=BAR_FORMAT, ascii=_plain(stream)
            )
        return
    log.info("%s (%d)", label, total)
    started, done, quarters = clock(), 0, [round(q * total) for q in QUARTERS if total >= 8]
    for item in items:
        yield item
        done += 1
        if quarters and done == quarters[0]:
            quarters.pop(0)
            left = (clock() - started) / done * (total - done)
            log.info("%s : %d/%d, temps restant environ %s", label, done, total, _duration(left))
    log.debug("%s : %d fait(s)", label, done)


def _live(stream: TextIO | None) -> bool:
    """A bar only for someone watching a console that shows INFO (not -q, not -v and its details)."""
    if stream is None or not getattr(stream, "isatty", lambda: False)():
        return False
    levels = [h.level for h in _console_handlers(stream)]
    return bool(levels) and min(levels) == logging.INFO


def _console_handlers(stream: TextIO) -> list[logging.StreamHandler]:  # type: ignore[type-arg]
    return [
        handler
        for handler in logging.getLogger("relance").handlers
        if isinstance(handler, logging.StreamHandler) and getattr(handler, "stream", None) is stream
    ]


@contextlib.contextmanager
def _above_the_bar(stream: TextIO) -> Iterator[None]:
    """A message logged while the bar is drawn goes above it instead of through it."""
    handlers = _console_handlers(stream)
    writer = _AboveTheBar(stream)
    for handler in handlers:
        handler.setStream(writer)  # type: ignore[arg-type]
    try:
        yield
    finally:
        for handler in handlers:
            handler.setStream(stream)


class _AboveTheBar:
    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None)

    def write(self, text: str) -> None:
        tqdm.write(text.rstrip("\n"), file=self.stream)

    def flush(self) -> None:
        self.stream.flush()


def _plain(stream: TextIO) -> bool:
    """ASCII blocks for a console that cannot show « █ » (an old Windows code page)."""
    encoding = (getattr(stream, "encoding", None) or "ascii").lower()
    try:
        "█▏".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
