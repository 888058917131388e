"""The run lock: output/relance.lock stops two runs at once; a lock left by a dead process is taken over."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType

from models.errors import RelanceError
from models.text import french_date

LOCKED = 5  # exit code of a run refused because another run holds the lock
LOCK_NAME = "relance.lock"
# A run on another computer (shared folder) cannot be checked: after this long it is presumed dead.
FOREIGN_AGE = timedelta(hours=12)
# O_EXCL creates the file empty and writes it just after: a reader may catch it in between.
_WRITING_GRACE = 1.0  # seconds
_PATIENCE = 3.0  # seconds spent waiting for a lock file being written, replaced or taken over
_GUARD_AGE = 10.0  # seconds after which a takeover guard is presumed left by a crash

log = logging.getLogger("relance")


@dataclass(frozen=True)
class LockInfo:
    """Who holds the lock: written in the lock file as JSON."""

    pid: int
    host: str
    started: datetime
    command: str


class LockHeld(RelanceError):
    """Another run holds the lock."""

    def __init__(self, holder: LockInfo, now: datetime, path: Path | None = None) -> None:
        hint = ""
        if path is not None and now - holder.started > FOREIGN_AGE:
            # A live pid on our own host but an old lock: most likely the pid was reused after a reboot.
            hint = f"Si aucun Relance ne tourne sur {holder.host}, supprimez le fichier {path}."
        super().__init__(
            f"Relance est déjà en cours depuis {_since(holder.started, now)} (lancé par {holder.host}, "
            f"processus {holder.pid}, commande « {holder.command} ») : attendez qu'il finisse.",
            hint,
        )
        self.holder = holder


def _alive_posix(pid: int) -> bool:
    if pid <= 0:  # os.kill(0, …) and os.kill(-1, …) address process groups, not a process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to another user
        return True
    except OverflowError:
        return False
    return True


_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
_STILL_ACTIVE = 259
_ERROR_ACCESS_DENIED = 5


def _alive_windows(pid: int) -> bool:
    # Never os.kill(pid, 0) on Windows: it calls TerminateProcess and kills the holder.
    import ctypes
    from ctypes import wintypes

    if not 0 < pid <= 0xFFFFFFFF:
        return False
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.OpenProcess.restype = wintypes.HANDLE  # a pointer: the default int would truncate it
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.GetExitCodeProcess.restype = wintypes.BOOL
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    kernel32.CloseHandle.restype = wintypes.BOOL
    handle = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        # Access denied: the process exists under another account (a scheduled run as another user).
        return ctypes.get_last_error() == _ERROR_ACCESS_DENIED  # type: ignore[attr-defined]
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: never take over a lock that may be live
        return code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _alive_for(platform: str) -> Callable[[int], bool]:
    return _alive_windows if platform == "win32" else _alive_posix


_ALIVE = _alive_for(sys.platform)


def process_alive(pid: int) -> bool:
    """True if a process with this id runs on this computer (or may run: when in doubt, alive)."""
    return _ALIVE(pid)


class RunLock:
    """`with RunLock(folder.output, "envoyer", now):` — raises LockHeld when another run holds it."""

    def __init__(
        self,
        output_dir: Path,
        command: str,
        now: datetime,
        *,
        alive: Callable[[int], bool] = process_alive,
        host: str | None = None,
    ) -> None:
        self.path = output_dir / LOCK_NAME
        self.now = now
        self.info = LockInfo(os.getpid(), host or socket.gethostname(), now.replace(microsecond=0), command)
        self._alive = alive
        # The token tells our lock from another with the same pid, host and minute (two locks, one process).
        self._token = uuid.uuid4().hex
        self._content = json.dumps(
            {
                "pid": self.info.pid,
                "host": self.info.host,
                "started": self.info.started.isoformat(),
                "command": command,
                "token": self._token,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        self._held = False

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _unwritable(self.path, error) from error
        deadline = time.monotonic() + _PATIENCE
        holder: LockInfo | None = None
        while True:
            if self._create():
                self._held = True
                return
            raw = _read(self.path)
            if raw is not None:
                holder = _parse(raw)
                if holder is None and _age(self.path) < _WRITING_GRACE and time.monotonic() < deadline:
                    time.sleep(0.05)  # being written by its creator
                    continue
                if holder is not None and not self._abandoned(holder):
                    raise LockHeld(holder, self.now, self.path)
                if self._take_over(raw, holder):
                    self._held = True
                    return
            if time.monotonic() > deadline:
                if holder is not None:
                    raise LockHeld(holder, self.now, self.path)
                raise RelanceError(
                    f"Le verrou {self.path} est illisible et n'a pas pu être repris : "
                    "si aucun Relance ne tourne, supprimez-le."
                )
            time.sleep(0.05)

    def release(self) -> None:
        """Delete the lock file if it is still ours (another run may have taken over an old one)."""
        if not self._held:
            return
        self._held = False
        for attempt in range(5):
            try:
                if _read(self.path) == self._content:
                    os.remove(self.path)
                return
            except FileNotFoundError:
                return
            except OSError as error:  # Windows: another run is reading it right now
                if attempt == 4:
                    log.warning(
                        "Le verrou %s n'a pas pu être supprimé (%s) : la prochaine exécution le reprendra.",
                        self.path,
                        error.strerror or error,
                    )
                time.sleep(0.05)

    def _create(self) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        except FileExistsError:
            return False
        except PermissionError as error:
            if self.path.exists():  # Windows: a lock file being deleted refuses to be created again
                return False
            raise _unwritable(self.path, error) from error
        except OSError as error:
            raise _unwritable(self.path, error) from error
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(self._content)
        except OSError as error:
            self.path.unlink(missing_ok=True)
            raise _unwritable(self.path, error) from error
        return True

    def _abandoned(self, holder: LockInfo) -> bool:
        if holder.host.casefold() == self.info.host.casefold():
            return not self._alive(holder.pid)
        return self.now - holder.started > FOREIGN_AGE

    def _take_over(self, stale: bytes, holder: LockInfo | None) -> bool:
        """Replace the stale lock by ours; False if another run is taking it over or it changed meanwhile.

        os.replace alone is not enough: two runs that both read the stale lock would each replace it
        and each find their own content when checking. The guard file lets only one of them replace it.
        """
        guard = self.path.with_name(LOCK_NAME + ".reprise")
        if not _claim(guard, self._token):
            return False
        try:
            if _read(self.path) != stale:
                return False
            temporary = self.path.with_name(f"{LOCK_NAME}.{self._token}.tmp")
            try:
                temporary.write_bytes(self._content)
                os.replace(temporary, self.path)
            except OSError:  # Windows: someone is reading the lock file; try again
                temporary.unlink(missing_ok=True)
                return False
            now_there = _read(self.path)
            if now_there != self._content:
                winner = _parse(now_there) if now_there is not None else None
                if winner is not None:
                    raise LockHeld(winner, self.now, self.path)
                return False
        finally:
            if _read(guard) == self._token.encode():
                guard.unlink(missing_ok=True)
        if holder is None:
            log.warning("Verrou illisible %s repris.", self.path)
        else:
            log.warning(
                "Verrou abandonné par le processus %s de %s (commande « %s », depuis %s) repris.",
                holder.pid,
                holder.host,
                holder.command,
                _since(holder.started, self.now),
            )
        return True


def _claim(guard: Path, token: str) -> bool:
    for _ in range(2):
        try:
            fd = os.open(guard, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
        except (FileExistsError, PermissionError):
            if _age(guard) <= _GUARD_AGE:
                return False
            guard.unlink(missing_ok=True)  # left by a run that died in the middle of a takeover
            continue
        except OSError:
            return False
        with os.fdopen(fd, "wb") as file:
            file.write(token.encode())
        return True
    return False


def _read(path: Path) -> bytes | None:
    """The file's bytes; None when it is gone or, on Windows, momentarily locked by another run."""
    try:
        return path.read_bytes()
    except (FileNotFoundError, PermissionError):
        return None


def _parse(raw: bytes) -> LockInfo | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        info = LockInfo(
            int(data["pid"]), str(data["host"]), datetime.fromisoformat(data["started"]), str(data["command"])
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return info if info.started.tzinfo is None else None


def _age(path: Path) -> float:
    """Seconds since the file was last written (by the real clock: the run's `now` may be fixed)."""
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _since(started: datetime, now: datetime) -> str:
    if started.date() == now.date():
        return started.strftime("%H:%M")
    return f"le {french_date(started.date())} à {started:%H:%M}"


def _unwritable(path: Path, error: OSError) -> RelanceError:
    return RelanceError(
        f"Impossible de créer le verrou {path} ({error.strerror or error}) : "
        f"vérifiez que le dossier {path.parent} existe et accepte l'écriture."
    )
