"""Relance: chase unpaid customer invoices from accounting exports. Double-click, or see --help."""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

if __name__ == "__main__":
    # pythonw (no console) leaves these as None: every message would crash the run.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a Windows console that cannot show "€" or "…"
    from app.install import refresh_for_schedule  # the standard library only: no library loaded yet

    refresh_for_schedule(HERE, sys.argv[1:], sys.stdout)
    from app.cli import main

    sys.exit(main(sys.argv[1:], HERE))
