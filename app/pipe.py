"""Standard output that a closed pipe cannot break: `relance.py etat | head -1` ends quietly."""

from __future__ import annotations

import contextlib
import errno
import io
import os
from typing import Any, TextIO

# Windows reports a pipe closed by its reader as EINVAL, POSIX as EPIPE.
_CLOSED = (errno.EPIPE, errno.EINVAL)


class PipeSafe:
    """Wraps the output stream: once the reader has gone, what is left to say is dropped.

    Results are only words for whoever reads them; a reader that stopped listening (head, a closed
    window) must never stop a run half-way, nor turn it into an « Erreur inattendue ».
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except OSError as error:
                self._gone(error)
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except OSError as error:
                self._gone(error)

    def _gone(self, error: OSError) -> None:
        if not isinstance(error, BrokenPipeError) and error.errno not in _CLOSED:
            raise error
        self.reader_gone = True
        # What is still buffered would fail again when Python flushes at exit (« Exception ignored… »):
        # point the file descriptor to the null device, as Python's documentation advises for SIGPIPE.
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
