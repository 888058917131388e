"""`planifier`: the weekly run, as a Windows Task Scheduler task (schtasks) or a crontab line elsewhere."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import TextIO

from models.errors import RelanceError

# French day names -> schtasks /D codes; the order is the week's, Monday first.
DAYS = {
    "lundi": "MON",
    "mardi": "TUE",
    "mercredi": "WED",
    "jeudi": "THU",
    "vendredi": "FRI",
    "samedi": "SAT",
    "dimanche": "SUN",
}
_XML_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A Monday: the trigger's first occurrence is this date plus the day's index. A past date is fine:
# a weekly trigger only uses it for the weekday and the time of day.
_FIRST_MONDAY = date(2026, 1, 5)
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2})|h(\d{2})?)$", re.IGNORECASE)
_TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"
XML_NAME = "tache_planifiee.xml"


@dataclass(frozen=True)
class Schedule:
    """When the weekly run happens: a French day name and a local time HH:MM (both normalised)."""

    day: str = "lundi"
    time: str = "08:00"

    def __post_init__(self) -> None:
        day = self.day.strip().lower()
        if day not in DAYS:
            raise RelanceError(
                f"« {self.day} » n'est pas un jour de la semaine : indiquez lundi, mardi, mercredi, "
                "jeudi, vendredi, samedi ou dimanche."
            )
        match = _TIME.match(self.time.strip().replace(" ", ""))
        hour, minute = (int(match[1]), int(match[2] or match[3] or 0)) if match else (-1, -1)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            raise RelanceError(
                f"« {self.time} » n'est pas une heure valide : indiquez-la sous la forme HH:MM, "
                "par exemple 08:00 ou 17:30."
            )
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "time", f"{hour:02d}:{minute:02d}")

    @property
    def index(self) -> int:
        """0 for Monday ... 6 for Sunday."""
        return list(DAYS).index(self.day)

    @property
    def hour(self) -> int:
        return int(self.time[:2])

    @property
    def minute(self) -> int:
        return int(self.time[3:])


def parse_schedule(day: str, time: str) -> Schedule:
    """The schedule from `--jour` and `--heure`: the day in any case; 8:00, 08:00, 8h or 8h30."""
    return Schedule(day, time)


def task_name(folder: PurePath) -> str:
    """The task's name: the folder's name, plus a short hash of its full path.

    Two copies of Relance (one per company) are often both called "Relance": without the hash the
    second `planifier` would silently replace the first one's task (`schtasks /F`).
    """
    digest = hashlib.sha256(str(folder).casefold().encode("utf-8")).hexdigest()[:6]
    return f"Relance - {folder.name} ({digest})"


def _windows_quote(argument: str) -> str:
    """Quote a path for a Windows command line: a trailing backslash would escape the closing quote."""
    return '"' + re.sub(r"(\\+)$", r"\1\1", argument) + '"'


def task_arguments(folder: PurePath) -> str:
    """The Exec action's arguments: relance.py and the working folder, both quoted, in scheduled mode."""
    return f"{_windows_quote(str(folder / 'relance.py'))} --planifie --dossier {_windows_quote(str(folder))}"


def task_xml(folder: PurePath, python: PurePath, schedule: Schedule, author: str = "") -> str:
    """The Task Scheduler 1.2 definition of the weekly run (to be written as UTF-16 for schtasks /XML)."""
    ET.register_namespace("", _TASK_NS)

    def add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{_TASK_NS}}}{tag}")
        element.text = text
        return element

    task = ET.Element(f"{{{_TASK_NS}}}Task", {"version": "1.2"})
    info = add(task, "RegistrationInfo")
    if author:
        add(info, "Author", author)
    add(info, "Description", f"Relance : relances des factures impayées, chaque semaine (dossier {folder}).")
    trigger = add(add(task, "Triggers"), "CalendarTrigger")
    start = _FIRST_MONDAY + timedelta(days=schedule.index)
    # No time zone: local time, so 08:00 stays 08:00 across daylight saving changes.
    add(trigger, "StartBoundary", f"{start.isoformat()}T{schedule.time}:00")
    add(trigger, "Enabled", "true")
    weekly = add(trigger, "ScheduleByWeek")
    add(add(weekly, "DaysOfWeek"), _XML_DAYS[schedule.index])
    add(weekly, "WeeksInterval", "1")
    principal = add(add(task, "Principals"), "Principal")
    principal.set("id", "Author")
    # Runs in the user's session (the user who registers it): Word, used to convert letters to
    # PDF, cannot be automated in a non-interactive session ("run whether logged on or not").
    add(principal, "LogonType", "InteractiveToken")
    add(principal, "RunLevel", "LeastPrivilege")
    settings = add(task, "Settings")
    # An overlapping run is not started at all; Relance's own lock guards the other cases.
    add(settings, "MultipleInstancesPolicy", "IgnoreNew")
    # Laptops: the defaults would skip the run on battery, or kill it when unplugged mid-sending.
    add(settings, "DisallowStartIfOnBatteries", "false")
    add(settings, "StopIfGoingOnBatteries", "false")
    add(settings, "AllowHardTerminate", "true")
    # The catch-up: a run missed while the PC was off or asleep happens when it is back.
    add(settings, "StartWhenAvailable", "true")
    add(settings, "RunOnlyIfNetworkAvailable", "false")
    idle = add(settings, "IdleSettings")
    add(idle, "StopOnIdleEnd", "false")
    add(idle, "RestartOnIdle", "false")
    add(settings, "AllowStartOnDemand", "true")
    add(settings, "Enabled", "true")
    add(settings, "Hidden", "false")
    add(settings, "RunOnlyIfIdle", "false")
    add(settings, "WakeToRun", "false")
    add(settings, "ExecutionTimeLimit", "PT2H")
    add(settings, "Priority", "7")
    actions = add(task, "Actions")
    actions.set("Context", "Author")
    exec_ = add(actions, "Exec")
    # The venv's python.exe by full path: the `py` launcher would pick the global Python.
    add(exec_, "Command", str(python))
    add(exec_, "Arguments", task_arguments(folder))
    # "Start in": without it the task runs in C:\Windows\System32.
    add(exec_, "WorkingDirectory", str(folder))
    ET.indent(task, space="  ")
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"


def schtasks_create(task: str, xml_path: PurePath) -> list[str]:
    """Create or replace (/F) the task from its XML definition."""
    return ["schtasks", "/Create", "/TN", task, "/XML", str(xml_path), "/F"]


def schtasks_delete(task: str) -> list[str]:
    """Delete the task without asking (/F)."""
    return ["schtasks", "/Delete", "/TN", task, "/F"]


def crontab_line(folder: Path, python: Path, schedule: Schedule) -> str:
    """The crontab line of the weekly run, its output appended to output/logs/cron.log."""
    q = shlex.quote
    log = folder / "output" / "logs" / "cron.log"
    command = (
        f"cd {q(str(folder))} && {q(str(python))} {q(str(folder / 'relance.py'))} --planifie "
        f"--dossier {q(str(folder))} >> {q(str(log))} 2>&1"
    )
    # cron turns an unescaped % into a newline, even between quotes.
    command = command.replace("%", r"\%")
    return f"{schedule.minute} {schedule.hour} * * {(schedule.index + 1) % 7} {command}"


def _venv(folder: Path, windows: bool) -> Path:
    return folder / ".venv" / ("Scripts/python.exe" if windows else "bin/python")


def venv_python(folder: Path, windows: bool) -> Path:
    """The python of the folder's .venv (created by relance.bat), or the running one if there is none."""
    python = _venv(folder, windows)
    return python if python.exists() else Path(sys.executable)


def run_command(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run schtasks: never waiting for an answer, its messages decoded from the console's code page."""
    return subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        # schtasks writes in the OEM code page (cp850 on a French Windows), not the ANSI one.
        encoding="oem" if os.name == "nt" else None,
        errors="replace",
        timeout=120,
        check=False,
    )


def plan(
    folder: Path,
    schedule: Schedule,
    *,
    remove: bool,
    windows: bool,
    run: Callable[[list[str]], subprocess.CompletedProcess],
    out: TextIO,
) -> int:
    """Create (or remove) the weekly run and say what was done; a refused schtasks is a RelanceError."""
    python = venv_python(folder, windows)
    if not remove and python != _venv(folder, windows):
        out.write(
            f"Attention : pas d'environnement .venv dans {folder} ; la tâche utilisera ce Python-ci : "
            f"{python}. Lancez d'abord relance.bat une fois pour le créer, puis recommencez.\n"
            if windows
            else f"Attention : pas d'environnement .venv dans {folder} ; la ligne utilise ce Python-ci : "
            f"{python}.\n"
        )
    if windows:
        return _plan_windows(folder, python, schedule, remove, run, out)
    return _plan_cron(folder, python, schedule, remove, out)


def _plan_windows(
    folder: Path,
    python: Path,
    schedule: Schedule,
    remove: bool,
    run: Callable[[list[str]], subprocess.CompletedProcess],
    out: TextIO,
) -> int:
    name = task_name(folder)
    xml_path = folder / "output" / XML_NAME
    # pythonw.exe: no console window pops up every week (one the user might close mid-send); Relance
    # copes with having no console, and everything goes to output/logs/relance.log.
    windowless = python.with_name("pythonw.exe")
    if windowless.exists():
        python = windowless
    if remove:
        _check(run(schtasks_delete(name)), f"la tâche planifiée « {name} » n'a pas pu être supprimée")
        xml_path.unlink(missing_ok=True)
        out.write(f"Tâche planifiée « {name} » supprimée : Relance ne se lancera plus tout seul.\n")
        return 0
    xml_path.parent.mkdir(parents=True, exist_ok=True)
    xml_path.write_text(task_xml(folder, python, schedule, os.environ.get("USERNAME", "")), encoding="utf-16")
    _check(
        run(schtasks_create(name, xml_path)),
        f"la tâche planifiée « {name} » n'a pas pu être créée",
        f"Vous pouvez aussi l'importer à la main : Planificateur de tâches, « Importer une tâche... », "
        f"fichier {xml_path}.",
    )
    out.write(
        f"Tâche planifiée « {name} » créée : chaque {schedule.day} à {schedule.time}.\n"
        f"  Commande : {_windows_quote(str(python))} {task_arguments(folder)}\n"
        f"  Dossier : {folder}\n"
        "Elle se lance quand votre session Windows est ouverte ; si l'ordinateur était éteint ou en veille "
        "à l'heure prévue, elle se lance dès qu'il est rallumé.\n"
        "Pour la voir : Planificateur de tâches (taskschd.msc). "
        "Pour la supprimer : relance.bat planifier --supprimer\n"
    )
    return 0


def _check(result: subprocess.CompletedProcess, failure: str, hint: str = "") -> None:
    if result.returncode != 0:
        said = " ".join(f"{result.stderr or ''} {result.stdout or ''}".split())
        raise RelanceError(f"{failure} (schtasks : {said or f'code {result.returncode}'}).", hint)


def _plan_cron(folder: Path, python: Path, schedule: Schedule, remove: bool, out: TextIO) -> int:
    line = crontab_line(folder, python, schedule)
    if remove:
        out.write(
            "Pour arrêter le lancement automatique, supprimez de votre crontab (commande « crontab -e ») "
            f"la ligne qui contient : --planifie --dossier {shlex.quote(str(folder))}\n"
        )
        return 0
    # The shell opens the log before starting Relance: a missing folder would make cron fail silently.
    (folder / "output" / "logs").mkdir(parents=True, exist_ok=True)
    out.write(
        f"Pour lancer Relance chaque {schedule.day} à {schedule.time}, ajoutez cette ligne à votre crontab "
        "(commande « crontab -e ») :\n"
        f"{line}\n"
        "cron ne rattrape pas un lancement manqué quand l'ordinateur était éteint : "
        "le suivant fera le travail.\n"
    )
    return 0
