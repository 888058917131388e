"""Relance: chase unpaid customer invoices from accounting exports. Double-click, or see --help."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from app.cli import main  # noqa: E402

if __name__ == "__main__":
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")  # a Windows console that cannot show "€" or "…"
    sys.exit(main(sys.argv[1:], HERE))
