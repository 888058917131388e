"""Write keys into `.env`, keeping the user's other lines and comments; never a half-written file."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

from models.errors import RelanceError

_KEY_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
_PLAIN = re.compile(r"[A-Za-z0-9@._+:/-]*")


def quoted(value: str) -> str:
    """A value as python-dotenv reads it back unchanged: bare when plain, else in single quotes.

    Inside single quotes python-dotenv expands nothing ($ stays $) and only undoes \\\\ and \\'.
    """
    if _PLAIN.fullmatch(value):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def update_env(path: Path, values: Mapping[str, str | None], header: str = "") -> None:
    """Set each key of `values` (None removes it); other lines stay as they were, in their order.

    A new file starts with `header` (comment lines). The file is readable by its owner only, where the
    system allows it: it holds the SMTP password.
    """
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines() if path.is_file() else header.splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise RelanceError(f"Le fichier {path} ne peut pas être lu ({error}).") from None
    pending = dict(values)
    kept: list[str] = []
    for line in lines:
        match = _KEY_LINE.match(line)
        if match and match.group(1) in values:
            key = match.group(1)
            if key in pending and pending[key] is not None:
                kept.append(f"{key}={quoted(pending[key] or '')}")
            pending.pop(key, None)  # a key written twice keeps one line only
            continue
        kept.append(line)
    kept += [f"{key}={quoted(value)}" for key, value in pending.items() if value is not None]
    _write(path, "\n".join(kept) + "\n")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".env.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise RelanceError(f"Le fichier {path} ne peut pas être écrit ({error.strerror}).") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        with contextlib.suppress(OSError):
            os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise RelanceError(f"Le fichier {path} ne peut pas être écrit ({error.strerror}).") from None
