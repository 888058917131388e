"""Progress of long steps: a counter redrawn in place on a terminal, a few log lines anywhere else."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TextIO, TypeVar

T = TypeVar("T")
log = logging.getLogger("relance")


def progress(items: Iterable[T], label: str, *, stream: TextIO | None = None) -> Iterator[T]:
    """Yield `items`, showing « label : 12/40 » on a terminal; elsewhere (scheduler, pythonw) log the
    start and the end only, so that log files do not fill up with counters."""
    stream = stream if stream is not None else sys.stderr
    total = len(items) if isinstance(items, Sized) else None
    on_terminal = stream is not None and hasattr(stream, "isatty") and stream.isatty()
    live = on_terminal and log.isEnabledFor(logging.INFO)
    if not live:
        log.info("%s%s", label, f" ({total})" if total is not None else "")
    done = 0
    for item in items:
        yield item
        done += 1
        if live:
            stream.write(f"\r  {label} : {done}/{total}" if total else f"\r  {label} : {done}")
            stream.flush()
    if live:
        stream.write("\n")
        stream.flush()
    else:
        log.debug("%s : %d fait(s)", label, done)
