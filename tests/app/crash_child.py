"""Run relance's command line in a child process that SIGKILLs itself at one chosen point, for the
crash-consistency test: `python crash_child.py POINT -- ARGS…`.

A point is `name:n`: the process dies right after the n-th call of what `name` stands for (or right
before, for the names that say so). Nothing of Relance is changed: its functions are wrapped here, in
the child, the way a power cut would strike between two of its steps.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import app.deliver  # noqa: E402
import app.lots  # noqa: E402
import letters.pdf  # noqa: E402
from app.cli import main  # noqa: E402
from journal import Journal  # noqa: E402


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def wrap(
    owner: Any,
    name: str,
    count: int,
    *,
    before: bool = False,
    when: Callable[..., bool] = lambda *a, **k: True,
):
    """Die at the `count`-th call of owner.name whose arguments pass `when` (before or after it runs)."""
    original = getattr(owner, name)
    seen = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        hit = when(*args, **kwargs)
        if hit:
            seen[0] += 1
        if hit and before and seen[0] == count:
            die()
        result = original(*args, **kwargs)
        if hit and not before and seen[0] == count:
            die()
        return result

    setattr(owner, name, wrapper)


def during_conversion() -> None:
    """Die while LibreOffice converts: its processes live on, as they would after a power cut of Python.

    Deterministic, not timed: the child dies once LibreOffice has written the first PDF of its chunk, or
    when it ends — always before the conversion returns, so never while the emails go out."""
    original = letters.pdf._soffice

    def wrapper(soffice: Path, chunk: Any, out_dir: Path, *args: Any, **kwargs: Any) -> int:
        call = (soffice, chunk, out_dir, *args)
        worker = threading.Thread(target=original, args=call, kwargs=kwargs, daemon=True)
        worker.start()
        written = lambda: any(letters.pdf._written(out_dir / f"{p.stem}.pdf") for p in chunk)  # noqa: E731
        while worker.is_alive() and not written():
            time.sleep(0.02)
        die()
        raise AssertionError("unreachable")

    letters.pdf._soffice = wrapper


def arm(point: str) -> None:
    name, _, number = point.partition(":")
    n = int(number or 1)
    part_is = lambda wanted: lambda self, reminder_id, part, *rest, **kw: part == wanted  # noqa: E731
    if name == "plan":
        wrap(Journal, "plan", n)
    elif name == "render":
        wrap(app.deliver, "render_letter", n)
    elif name == "convert":
        during_conversion()
    elif name == "email-handed":  # marked `sending`, the data not yet handed over
        wrap(Journal, "part_sending", n, when=part_is("email"))
    elif name == "email-recorded":  # accepted by the server and recorded
        wrap(Journal, "part_sent", n, when=part_is("email"))
    elif name == "bundle-start":  # the letters marked `sending`, the bundle not yet written
        wrap(Journal, "part_sending", n, when=part_is("courrier"))
    elif name == "bundle-written":  # the bundle written, not yet recorded
        wrap(app.deliver, "merge_pdfs", n)
    elif name == "complete":
        wrap(Journal, "complete_lot", n, before=True)
    elif name == "archive":
        wrap(app.lots.shutil, "move", n, before=True)
    elif name != "none":
        raise SystemExit(f"unknown kill point {point}")


if __name__ == "__main__":
    point, separator, *args = sys.argv[1:]
    assert separator == "--"
    arm(point)
    sys.exit(main(args, ROOT))
