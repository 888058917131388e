"""The print bundle: the postal letters of a lot (each followed by its invoice copies) in one PDF."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from pypdf import PdfWriter
from pypdf.errors import PyPdfError

from models.errors import RelanceError

log = logging.getLogger("relance")


def merge_pdfs(parts: Sequence[Path], target: Path) -> int:
    """Write the parts, in order, into `target`; return its number of pages.

    The bundle is written under a temporary name and then renamed: a printer or a reader never
    sees half a file, and an old bundle stays whole until the new one is complete.
    """
    if not parts:
        raise ValueError("nothing to merge")
    writer = PdfWriter()
    for part in parts:
        try:
            writer.append(part, import_outline=False)
        except FileNotFoundError:
            raise RelanceError(f"Le PDF {part.name} est introuvable dans {part.parent}.") from None
        except (OSError, PyPdfError, ValueError) as error:
            log.debug("pypdf ne lit pas %s : %s", part, error)
            raise RelanceError(
                f"Le PDF {part.name} de {part.parent} est illisible : "
                "remplacez-le par une copie qui s'ouvre, ou retirez-le."
            ) from None
    pages = len(writer.pages)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        with temporary.open("wb") as out:
            writer.write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return pages
