"""The run lock with real files and real processes: refusal, release, takeover of abandoned locks."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import lock as lock_module
from app.lock import LOCKED, LockHeld, LockInfo, RunLock, process_alive
from models.errors import RelanceError
from tests.conftest import ROOT

NOW = datetime(2026, 11, 23, 8, 3, 12)
HOST = "PC-COMPTA"

# Takes the lock, says so, holds it until its standard input closes (or it is killed).
HOLDER = """
import sys
from datetime import datetime
from pathlib import Path
from app.lock import LockHeld, RunLock
go = Path(sys.argv[2])
while not go.exists():
    pass
try:
    with RunLock(Path(sys.argv[1]), "preparer", datetime(2026, 11, 23, 7, 45), host=sys.argv[3]):
        print("pris", flush=True)
        sys.stdin.read()
except LockHeld:
    print("refusé", flush=True)
"""


def start_holder(output: Path, tmp_path: Path, host: str = HOST, go: bool = True) -> subprocess.Popen[str]:
    flag = tmp_path / "go"
    if go:
        flag.touch()
    return subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(output), str(flag), host],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def write_lock(output: Path, pid: int, host: str, started: datetime, command: str = "envoyer") -> Path:
    output.mkdir(parents=True, exist_ok=True)
    path = output / "relance.lock"
    payload = {"pid": pid, "host": host, "started": started.isoformat(), "command": command}
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def make_old(path: Path) -> None:
    """As if written a minute ago: past the grace given to a lock file being written."""
    past = time.time() - 60
    os.utime(path, (past, past))


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    """The warnings the lock logs on the "relance" logger (which does not propagate to pytest's caplog)."""
    seen: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("relance")
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    yield seen
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_the_lock_file_says_who_holds_it_and_is_deleted_at_the_end(tmp_path):
    output = tmp_path / "output"
    with RunLock(output, "envoyer", NOW, host=HOST) as lock:
        content = json.loads((output / "relance.lock").read_text(encoding="utf-8"))
        assert {k: content[k] for k in ("pid", "host", "started", "command")} == {
            "pid": os.getpid(),
            "host": HOST,
            "started": "2026-11-23T08:03:12",
            "command": "envoyer",
        }
        assert lock.info == LockInfo(os.getpid(), HOST, NOW, "envoyer")
    assert not (output / "relance.lock").exists()
    assert sorted(p.name for p in output.iterdir()) == []
    assert LOCKED == 5


def test_a_second_run_is_refused_with_who_and_since_when(tmp_path):
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        with pytest.raises(LockHeld) as refused:
            RunLock(tmp_path, "preparer", NOW + timedelta(minutes=2), host=HOST).acquire()
        assert str(refused.value) == (
            f"Relance est déjà en cours depuis 08:03 (lancé par {HOST}, processus {os.getpid()}, "
            "commande « envoyer ») : attendez qu'il finisse."
        )
        assert refused.value.holder == LockInfo(os.getpid(), HOST, NOW, "envoyer")
        assert isinstance(refused.value, RelanceError)
        assert (tmp_path / "relance.lock").exists()  # the refused run left the holder's lock alone
    assert not (tmp_path / "relance.lock").exists()


def test_a_lock_from_another_day_gives_the_date(tmp_path):
    write_lock(tmp_path, os.getpid(), HOST, datetime(2026, 11, 22, 23, 50), "planifie")
    with pytest.raises(LockHeld) as refused:
        RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()
    assert refused.value.message == (
        f"Relance est déjà en cours depuis le 22/11/2026 à 23:50 (lancé par {HOST}, "
        f"processus {os.getpid()}, commande « planifie ») : attendez qu'il finisse."
    )
    assert refused.value.hint == ""


def test_an_old_lock_of_a_live_process_tells_how_to_remove_it(tmp_path):
    # After a reboot the pid may belong to another program: the user must be told what to do.
    path = write_lock(tmp_path, os.getpid(), HOST, NOW - timedelta(days=3))
    with pytest.raises(LockHeld) as refused:
        RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()
    assert refused.value.hint == f"Si aucun Relance ne tourne sur {HOST}, supprimez le fichier {path}."


def test_two_real_processes_one_is_refused_until_the_other_ends(tmp_path):
    output = tmp_path / "output"
    child = start_holder(output, tmp_path)
    try:
        assert child.stdout.readline().strip() == "pris"
        with pytest.raises(LockHeld) as refused:
            RunLock(output, "envoyer", NOW, host=HOST).acquire()
        assert refused.value.holder == LockInfo(child.pid, HOST, datetime(2026, 11, 23, 7, 45), "preparer")
        assert "depuis 07:45" in str(refused.value)
    finally:
        child.stdin.close()
        assert child.wait(timeout=10) == 0
    assert not (output / "relance.lock").exists()
    with RunLock(output, "envoyer", NOW, host=HOST):
        assert (output / "relance.lock").exists()


def test_a_killed_run_leaves_a_lock_that_the_next_run_takes_over(tmp_path, warnings):
    output = tmp_path / "output"
    child = start_holder(output, tmp_path)
    assert child.stdout.readline().strip() == "pris"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    child.stdout.close()
    child.stdin.close()
    assert (output / "relance.lock").exists()
    with RunLock(output, "envoyer", NOW, host=HOST) as lock:
        content = json.loads((output / "relance.lock").read_text(encoding="utf-8"))
        assert content["pid"] == os.getpid() and content["command"] == "envoyer"
        assert lock.info.pid == os.getpid()
    assert warnings == [
        f"Verrou abandonné par le processus {child.pid} de {HOST} (commande « preparer », "
        "depuis 07:45) repris."
    ]
    assert not (output / "relance.lock").exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path, warnings):
    pid = dead_pid()
    assert not process_alive(pid)
    write_lock(tmp_path, pid, HOST, NOW - timedelta(minutes=30))
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        assert json.loads((tmp_path / "relance.lock").read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert len(warnings) == 1 and f"processus {pid}" in warnings[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no temporary file, no guard left


def test_the_host_name_is_compared_without_case(tmp_path):
    write_lock(tmp_path, os.getpid(), "pc-compta", NOW)
    with pytest.raises(LockHeld):
        RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()


@pytest.mark.parametrize("content", [b"{pas du json", b"", b'{"pid": "x"}', b"\xff\xfe", b"[1, 2]"])
def test_a_corrupt_lock_file_is_taken_over(tmp_path, warnings, content):
    path = tmp_path / "relance.lock"
    path.write_bytes(content)
    make_old(path)
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        assert json.loads(path.read_text(encoding="utf-8"))["pid"] == os.getpid()
    assert warnings == [f"Verrou illisible {path} repris."]


def test_a_lock_file_being_written_is_read_once_written_not_taken_over(tmp_path):
    # O_EXCL creates the file empty; its creator writes it a moment later.
    path = tmp_path / "relance.lock"
    path.write_bytes(b"")
    writer = threading.Timer(0.3, write_lock, (tmp_path, os.getpid(), HOST, NOW, "preparer"))
    writer.start()
    try:
        with pytest.raises(LockHeld) as refused:
            RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()
    finally:
        writer.join()
    assert refused.value.holder.command == "preparer"


def test_the_lock_is_released_after_an_exception(tmp_path):
    with pytest.raises(KeyError), RunLock(tmp_path, "envoyer", NOW, host=HOST):
        raise KeyError("boom")
    assert not (tmp_path / "relance.lock").exists()
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        pass


def test_a_lock_from_another_computer_is_taken_over_only_after_12_hours(tmp_path, warnings):
    write_lock(tmp_path, 4242, "PC-DIRECTION", NOW - timedelta(hours=11, minutes=59))
    with pytest.raises(LockHeld) as refused:
        RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()
    assert refused.value.message == (
        "Relance est déjà en cours depuis le 22/11/2026 à 20:04 (lancé par PC-DIRECTION, processus 4242, "
        "commande « envoyer ») : attendez qu'il finisse."
    )
    assert warnings == []

    write_lock(tmp_path, 4242, "PC-DIRECTION", NOW - timedelta(hours=12, minutes=1))
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        assert json.loads((tmp_path / "relance.lock").read_text(encoding="utf-8"))["host"] == HOST
    assert warnings == [
        "Verrou abandonné par le processus 4242 de PC-DIRECTION (commande « envoyer », "
        "depuis le 22/11/2026 à 20:02) repris."
    ]


def test_a_lock_from_another_computer_is_never_checked_with_a_local_pid(tmp_path):
    # pid 4242 on another computer says nothing about pid 4242 here: a dead local pid must not matter.
    write_lock(tmp_path, dead_pid(), "PC-DIRECTION", NOW - timedelta(hours=1))
    with pytest.raises(LockHeld):
        RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()


def test_a_lock_taken_over_by_another_run_is_not_deleted_by_the_first(tmp_path):
    path = tmp_path / "relance.lock"
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        write_lock(tmp_path, 4242, "PC-DIRECTION", NOW)
    assert json.loads(path.read_text(encoding="utf-8"))["host"] == "PC-DIRECTION"


def test_many_runs_taking_over_the_same_stale_lock_at_once_one_wins(tmp_path):
    output = tmp_path / "output"
    path = write_lock(output, dead_pid(), HOST, NOW - timedelta(hours=1))
    make_old(path)
    children = [start_holder(output, tmp_path, go=False) for _ in range(8)]
    try:
        time.sleep(1.0)  # let every child start and wait for the signal
        (tmp_path / "go").touch()
        answers = sorted(child.stdout.readline().strip() for child in children)
    finally:
        for child in children:
            child.stdin.close()
            child.wait(timeout=10)
            child.stdout.close()
    assert answers == ["pris"] + ["refusé"] * 7
    assert not path.exists()
    assert sorted(p.name for p in output.iterdir()) == []


def test_a_run_that_finds_the_stale_lock_taken_over_meanwhile_is_refused(tmp_path):
    pid = dead_pid()
    write_lock(tmp_path, pid, HOST, NOW - timedelta(hours=1))
    other = RunLock(tmp_path, "preparer", NOW, host=HOST)

    def alive_while_another_run_takes_over(checked: int) -> bool:
        # Between our reading the stale lock and our taking it, another run takes it.
        other.acquire()
        return process_alive(checked)

    with pytest.raises(LockHeld) as refused:
        RunLock(tmp_path, "envoyer", NOW, host=HOST, alive=alive_while_another_run_takes_over).acquire()
    assert refused.value.holder.command == "preparer"
    assert json.loads((tmp_path / "relance.lock").read_text(encoding="utf-8"))["command"] == "preparer"
    other.release()
    assert not (tmp_path / "relance.lock").exists()


def test_a_takeover_in_progress_elsewhere_is_left_alone(tmp_path):
    # The guard says another run is replacing the stale lock right now: do not replace it too.
    path = write_lock(tmp_path, dead_pid(), HOST, NOW - timedelta(hours=1))
    (tmp_path / "relance.lock.reprise").write_text("autre")
    with pytest.raises(LockHeld):
        RunLock(tmp_path, "envoyer", NOW, host=HOST).acquire()
    assert json.loads(path.read_text(encoding="utf-8"))["pid"] != os.getpid()
    assert (tmp_path / "relance.lock.reprise").read_text() == "autre"


def test_a_takeover_guard_left_by_a_crash_is_ignored_after_a_while(tmp_path):
    path = write_lock(tmp_path, dead_pid(), HOST, NOW - timedelta(hours=1))
    guard = tmp_path / "relance.lock.reprise"
    guard.write_text("autre")
    make_old(guard)
    with RunLock(tmp_path, "envoyer", NOW, host=HOST):
        assert json.loads(path.read_text(encoding="utf-8"))["pid"] == os.getpid()
        assert not guard.exists()


def test_an_unwritable_output_folder_is_a_french_error(tmp_path):
    blocker = tmp_path / "output"
    blocker.write_text("un fichier, pas un dossier")
    with pytest.raises(RelanceError) as refused:
        RunLock(blocker / "sous-dossier", "envoyer", NOW, host=HOST).acquire()
    target = blocker / "sous-dossier"
    assert str(refused.value) == (
        f"Impossible de créer le verrou {target / 'relance.lock'} ({os.strerror(errno.ENOTDIR)}) : "
        f"vérifiez que le dossier {target} existe et accepte l'écriture."
    )


def test_process_alive_on_real_processes():
    assert process_alive(os.getpid())
    assert not process_alive(dead_pid())
    assert not process_alive(0)  # os.kill(0, 0) would signal our own process group
    assert not process_alive(-1)
    assert not process_alive(2**64)


@pytest.mark.skipif(sys.platform == "win32", reason="the POSIX check")
def test_posix_uses_os_kill():
    assert lock_module._ALIVE is lock_module._alive_posix


def test_windows_uses_its_own_check_never_os_kill():
    # On Windows os.kill(pid, 0) terminates the process: the choice is made from sys.platform.
    assert lock_module._alive_for("win32") is lock_module._alive_windows
    assert lock_module._alive_for("linux") is lock_module._alive_posix
    assert lock_module._alive_for("darwin") is lock_module._alive_posix
    assert lock_module._ALIVE is lock_module._alive_for(sys.platform)
