"""Save a workbook under a temporary name, then rename it: a reader never sees half a file."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from models.errors import write_error


def save_atomically(workbook: Workbook, path: Path) -> None:
    """Write `path`, which must not exist: a file the user may have edited is never replaced."""
    if path.exists():
        raise FileExistsError(path)
    temporary = path.with_name(f".{path.stem}.en-cours{path.suffix}")
    try:
        workbook.save(temporary)
        if path.exists():
            raise FileExistsError(path)
        os.replace(temporary, path)
    except FileExistsError:
        raise
    except OSError as error:  # a full disk, a folder made read-only: one sentence, no half-written file
        raise write_error(error, str(path.parent)) from None
    finally:
        temporary.unlink(missing_ok=True)
