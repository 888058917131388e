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
    write_file(path, "\n".join(kept) + "\n", private=True)


def write_file(path: Path, text: str, *, private: bool = False, advice: str = "") -> None:
    """Replace a settings file (.env, relance.toml) in one step, its text as given (UTF-8, no line
    ending translated): never half written. `private`: readable by its owner only (a password).
    RelanceError naming the file, with `advice` for the user, when it cannot be written."""
    def refused(error: OSError) -> RelanceError:
        return RelanceError(f"Le fichier {path} ne peut pas être écrit ({error.strerror})"
                            + (f" : {advice}" if advice else "") + ".")  # fmt: skip

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise refused(error) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        if private:
            with contextlib.suppress(OSError):
                os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise refused(error) from None
