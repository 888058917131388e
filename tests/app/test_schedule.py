"""`planifier` and relance.bat: Task Scheduler XML, schtasks and crontab lines, the launcher's logic."""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path, PureWindowsPath

import pytest

from app.schedule import (
    DAYS,
    Schedule,
    crontab_line,
    parse_schedule,
    plan,
    run_command,
    schtasks_create,
    schtasks_delete,
    task_arguments,
    task_name,
    task_xml,
    venv_python,
)
from models.errors import RelanceError
from tests.conftest import ROOT

NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
DUPONT = PureWindowsPath(r"C:\Users\Dupont & Fils\Relance")
DUPONT_PYTHON = DUPONT / ".venv" / "Scripts" / "python.exe"


def text(task: ET.Element, path: str) -> str | None:
    element = task.find(path, NS)
    assert element is not None, path
    return element.text


# --- the schedule ------------------------------------------------------------------------------


def test_default_schedule_is_monday_8am():
    assert Schedule() == Schedule("lundi", "08:00")


@pytest.mark.parametrize("day", ["Lundi", "LUNDI", " lundi "])
def test_day_names_in_any_case(day):
    assert parse_schedule(day, "08:00").day == "lundi"


@pytest.mark.parametrize(
    ("written", "time"), [("08:00", "08:00"), ("8:00", "08:00"), ("8h", "08:00"), ("8h30", "08:30"),
                          ("17H45", "17:45"), ("0:05", "00:05"), ("23:59", "23:59")]
)  # fmt: skip
def test_times_as_the_French_write_them(written, time):
    assert parse_schedule("mardi", written).time == time


def test_a_bad_day_is_named():
    with pytest.raises(RelanceError) as error:
        parse_schedule("lundii", "08:00")
    assert str(error.value) == (
        "« lundii » n'est pas un jour de la semaine : indiquez lundi, mardi, mercredi, jeudi, vendredi, "
        "samedi ou dimanche."
    )


@pytest.mark.parametrize("written", ["24:00", "8:60", "8:5", "huit heures", "", "8", "08:00:00", "-1:00"])
def test_a_bad_time_is_named(written):
    with pytest.raises(RelanceError) as error:
        parse_schedule("lundi", written)
    assert str(error.value) == (
        f"« {written} » n'est pas une heure valide : indiquez-la sous la forme HH:MM, "
        "par exemple 08:00 ou 17:30."
    )


# --- the Task Scheduler task ---------------------------------------------------------------------


def test_task_xml_parses_and_says_when_what_and_where():
    xml = task_xml(DUPONT, DUPONT_PYTHON, Schedule("jeudi", "7h30"), author="PC\\marie")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-16"?>')
    task = ET.fromstring(xml.split("\n", 1)[1])
    assert task.get("version") == "1.2"
    trigger = "t:Triggers/t:CalendarTrigger/t:"
    assert text(task, trigger + "StartBoundary") == "2026-01-08T07:30:00"
    assert [day.tag.split("}")[1] for day in task.find(trigger + "ScheduleByWeek/t:DaysOfWeek", NS)] == [
        "Thursday"
    ]
    assert text(task, trigger + "ScheduleByWeek/t:WeeksInterval") == "1"
    action = "t:Actions/t:Exec/t:"
    assert text(task, action + "Command") == r"C:\Users\Dupont & Fils\Relance\.venv\Scripts\python.exe"
    assert text(task, action + "Arguments") == (
        r'"C:\Users\Dupont & Fils\Relance\relance.py" --planifie --dossier "C:\Users\Dupont & Fils\Relance"'
    )
    assert text(task, action + "WorkingDirectory") == r"C:\Users\Dupont & Fils\Relance"
    assert text(task, "t:RegistrationInfo/t:Author") == "PC\\marie"
    assert text(task, "t:Principals/t:Principal/t:LogonType") == "InteractiveToken"
    settings = "t:Settings/t:"
    assert text(task, settings + "StartWhenAvailable") == "true"
    assert text(task, settings + "MultipleInstancesPolicy") == "IgnoreNew"
    assert text(task, settings + "ExecutionTimeLimit") == "PT2H"
    assert text(task, settings + "DisallowStartIfOnBatteries") == "false"


def test_xml_special_characters_in_paths_are_escaped():
    folder = PureWindowsPath(r"C:\Users\Dupont & Fils <SARL>\Relance")
    xml = task_xml(folder, folder / "python.exe", Schedule())
    assert r"Dupont &amp; Fils &lt;SARL&gt;" in xml
    assert "Dupont & Fils" not in xml
    task = ET.fromstring(xml.split("\n", 1)[1])
    assert text(task, "t:Actions/t:Exec/t:WorkingDirectory") == str(folder)


def test_no_author_no_author_element():
    task = ET.fromstring(task_xml(DUPONT, DUPONT_PYTHON, Schedule()).split("\n", 1)[1])
    assert task.find("t:RegistrationInfo/t:Author", NS) is None


@pytest.mark.parametrize("day", list(DAYS))
def test_start_boundary_falls_on_the_chosen_weekday(day):
    schedule = Schedule(day, "08:00")
    task = ET.fromstring(task_xml(DUPONT, DUPONT_PYTHON, schedule).split("\n", 1)[1])
    start = text(task, "t:Triggers/t:CalendarTrigger/t:StartBoundary")
    assert date.fromisoformat(start[:10]).weekday() == list(DAYS).index(day)
    assert start.endswith("T08:00:00")


def test_a_drive_root_keeps_its_closing_quote():
    # "D:\" would make the closing quote a literal one for the C runtime's argument parser.
    assert task_arguments(PureWindowsPath("D:\\")) == r'"D:\relance.py" --planifie --dossier "D:\\"'


def test_task_names_differ_for_two_folders_with_the_same_name():
    first = task_name(PureWindowsPath(r"C:\Clients\Durand\Relance"))
    second = task_name(PureWindowsPath(r"C:\Clients\Martin\Relance"))
    assert first.startswith("Relance - Relance (") and second.startswith("Relance - Relance (")
    assert first != second
    # Windows paths ignore case: the same folder typed otherwise is the same task.
    assert first[-8:] == task_name(PureWindowsPath(r"c:\clients\durand\relance"))[-8:]
    assert re.fullmatch(r"Relance - Relance \([0-9a-f]{6}\)", first)


def test_schtasks_command_lines():
    xml = PureWindowsPath(r"C:\Relance\output\tache_planifiee.xml")
    assert schtasks_create("Relance - Relance (abc123)", xml) == [
        "schtasks", "/Create", "/TN", "Relance - Relance (abc123)", "/XML", str(xml), "/F"
    ]  # fmt: skip
    assert schtasks_delete("Relance - Relance (abc123)") == [
        "schtasks", "/Delete", "/TN", "Relance - Relance (abc123)", "/F"
    ]  # fmt: skip


# --- plan(): what `planifier` does --------------------------------------------------------------


class Schtasks:
    """Stands in for schtasks.exe, which cannot run here: records each call and answers as told."""

    def __init__(self, returncode: int = 0, stderr: str = "") -> None:
        self.calls: list[list[str]] = []
        self.returncode, self.stderr = returncode, stderr

    def __call__(self, command: list[str]) -> subprocess.CompletedProcess:
        self.calls.append(command)
        return subprocess.CompletedProcess(command, self.returncode, "", self.stderr)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A Relance folder with its .venv (both layouts, so either platform finds its python)."""
    for python in (".venv/Scripts/python.exe", ".venv/bin/python"):
        (tmp_path / python).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / python).write_text("")
    return tmp_path


def test_plan_on_windows_writes_the_xml_and_runs_schtasks(folder):
    schtasks, out = Schtasks(), io.StringIO()
    assert plan(folder, Schedule("vendredi", "17:30"), remove=False, windows=True, run=schtasks, out=out) == 0
    xml_path = folder / "output" / "tache_planifiee.xml"
    name = task_name(folder)
    assert schtasks.calls == [["schtasks", "/Create", "/TN", name, "/XML", str(xml_path), "/F"]]
    raw = xml_path.read_bytes()
    assert raw[:2] in (b"\xff\xfe", b"\xfe\xff")  # UTF-16 with its byte order mark, as schtasks wants
    task = ET.fromstring(raw.decode("utf-16").split("\n", 1)[1])
    assert text(task, "t:Actions/t:Exec/t:Command") == str(folder / ".venv/Scripts/python.exe")
    assert text(task, "t:Actions/t:Exec/t:WorkingDirectory") == str(folder)
    python = folder / ".venv/Scripts/python.exe"
    assert out.getvalue() == (
        f"Tâche planifiée « {name} » créée : chaque vendredi à 17:30.\n"
        f'  Commande : "{python}" "{folder / "relance.py"}" --planifie --dossier "{folder}"\n'
        f"  Dossier : {folder}\n"
        "Elle se lance quand votre session Windows est ouverte ; si l'ordinateur était éteint ou en veille "
        "à l'heure prévue, elle se lance dès qu'il est rallumé.\n"
        "Pour la voir : Planificateur de tâches (taskschd.msc). "
        "Pour la supprimer : relance.bat planifier --supprimer\n"
    )


def test_the_task_runs_pythonw_when_the_venv_has_it(folder):
    (folder / ".venv/Scripts/pythonw.exe").write_bytes(b"")
    plan(folder, Schedule(), remove=False, windows=True, run=Schtasks(), out=io.StringIO())
    raw = (folder / "output" / "tache_planifiee.xml").read_bytes()
    task = ET.fromstring(raw.decode("utf-16").split("\n", 1)[1])
    assert text(task, "t:Actions/t:Exec/t:Command") == str(folder / ".venv/Scripts/pythonw.exe")


def test_a_refused_schtasks_is_a_user_error_naming_the_task_and_the_xml(folder):
    schtasks = Schtasks(1, "ERREUR : Accès refusé.\r\n")
    with pytest.raises(RelanceError) as error:
        plan(folder, Schedule(), remove=False, windows=True, run=schtasks, out=io.StringIO())
    assert error.value.message == (
        f"la tâche planifiée « {task_name(folder)} » n'a pas pu être créée "
        "(schtasks : ERREUR : Accès refusé.)."
    )
    assert str(folder / "output" / "tache_planifiee.xml") in error.value.hint
    assert len(schtasks.calls) == 1


def test_a_silent_failure_still_says_its_code(folder):
    with pytest.raises(RelanceError, match=r"\(schtasks : code 5\)"):
        plan(folder, Schedule(), remove=False, windows=True, run=Schtasks(5), out=io.StringIO())


def test_remove_on_windows_deletes_the_task(folder):
    plan(folder, Schedule(), remove=False, windows=True, run=Schtasks(), out=io.StringIO())
    schtasks, out = Schtasks(), io.StringIO()
    assert plan(folder, Schedule(), remove=True, windows=True, run=schtasks, out=out) == 0
    assert schtasks.calls == [["schtasks", "/Delete", "/TN", task_name(folder), "/F"]]
    assert not (folder / "output" / "tache_planifiee.xml").exists()
    assert out.getvalue() == (
        f"Tâche planifiée « {task_name(folder)} » supprimée : Relance ne se lancera plus tout seul.\n"
    )


def test_removing_a_task_that_is_not_there_says_what_schtasks_said(folder):
    schtasks = Schtasks(1, "ERREUR : Le fichier spécifié est introuvable.")
    with pytest.raises(
        RelanceError, match=r"n'a pas pu être supprimée \(schtasks : ERREUR : Le fichier spécifié"
    ):
        plan(folder, Schedule(), remove=True, windows=True, run=schtasks, out=io.StringIO())


def test_without_a_venv_the_running_python_is_used_and_said(tmp_path):
    out = io.StringIO()
    plan(tmp_path, Schedule(), remove=False, windows=True, run=Schtasks(), out=out)
    assert out.getvalue().startswith(
        f"Attention : pas d'environnement .venv dans {tmp_path} ; la tâche utilisera ce Python-ci : "
        f"{sys.executable}. Lancez d'abord relance.bat une fois pour le créer, puis recommencez.\n"
    )
    task = ET.fromstring((tmp_path / "output/tache_planifiee.xml").read_text("utf-16").split("\n", 1)[1])
    assert text(task, "t:Actions/t:Exec/t:Command") == sys.executable


def test_venv_python(folder, tmp_path_factory):
    assert venv_python(folder, windows=True) == folder / ".venv" / "Scripts" / "python.exe"
    assert venv_python(folder, windows=False) == folder / ".venv" / "bin" / "python"
    assert venv_python(tmp_path_factory.mktemp("empty"), windows=False) == Path(sys.executable)


# --- elsewhere: cron ----------------------------------------------------------------------------


def test_crontab_line():
    folder = Path("/home/marie/Relance")
    line = crontab_line(folder, folder / ".venv/bin/python", Schedule("dimanche", "6h05"))
    assert line == (
        "5 6 * * 0 cd /home/marie/Relance && /home/marie/Relance/.venv/bin/python "
        "/home/marie/Relance/relance.py --planifie --dossier /home/marie/Relance "
        ">> /home/marie/Relance/output/logs/cron.log 2>&1"
    )
    assert crontab_line(folder, folder / "python", Schedule("lundi", "08:00")).startswith("0 8 * * 1 cd ")


def test_the_crontab_command_runs_in_a_folder_with_spaces_quotes_and_percent(tmp_path):
    """The command cron would hand to /bin/sh, run for real on a stand-in relance.py."""
    folder = tmp_path / "Dupont & Fils l'atelier 100%"
    (folder / "output" / "logs").mkdir(parents=True)
    (folder / "relance.py").write_text(
        "import os, sys\nprint(repr(sys.argv[1:]), repr(os.getcwd()))\nprint('erreur', file=sys.stderr)\n"
    )
    line = crontab_line(folder, Path(sys.executable), Schedule())
    fields = line.split(" ", 5)
    assert fields[:5] == ["0", "8", "*", "*", "1"]
    assert "%" not in fields[5].replace(r"\%", "")  # every % escaped for cron
    command = fields[5].replace(r"\%", "%")  # what cron does before calling the shell
    subprocess.run(["/bin/sh", "-c", command], check=True)
    log = (folder / "output" / "logs" / "cron.log").read_text()
    assert log == f"{['--planifie', '--dossier', str(folder)]!r} {str(folder)!r}\nerreur\n"
    assert shlex.split(command)[:2] == ["cd", str(folder)]


def test_plan_elsewhere_prints_the_crontab_line(folder):
    out = io.StringIO()
    assert plan(folder, Schedule("mercredi", "9h"), remove=False, windows=False, run=Schtasks(), out=out) == 0
    line = crontab_line(folder, folder / ".venv/bin/python", Schedule("mercredi", "09:00"))
    assert out.getvalue() == (
        "Pour lancer Relance chaque mercredi à 09:00, ajoutez cette ligne à votre crontab "
        "(commande « crontab -e ») :\n"
        f"{line}\n"
        "cron ne rattrape pas un lancement manqué quand l'ordinateur était éteint : "
        "le suivant fera le travail.\n"
    )
    assert (folder / "output" / "logs").is_dir()  # else the shell fails to open cron.log, and nothing runs


def test_plan_elsewhere_remove_says_which_line(folder):
    schtasks, out = Schtasks(), io.StringIO()
    assert plan(folder, Schedule(), remove=True, windows=False, run=schtasks, out=out) == 0
    assert schtasks.calls == []
    assert out.getvalue() == (
        "Pour arrêter le lancement automatique, supprimez de votre crontab (commande « crontab -e ») "
        f"la ligne qui contient : --planifie --dossier {folder}\n"
    )


def test_run_command_returns_the_exit_code_and_output():
    result = run_command([sys.executable, "-c", "import sys; print('fait'); sys.exit(3)"])
    assert (result.returncode, result.stdout) == (3, "fait\n")


# --- relance.bat --------------------------------------------------------------------------------

BAT = ROOT / "relance.bat"


@pytest.fixture(scope="module")
def bat() -> list[str]:
    raw = BAT.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n"), "relance.bat needs CRLF line endings"
    return raw.decode("utf-8").split("\r\n")


def commands(bat: list[str]) -> list[str]:
    return [line.strip() for line in bat if line.strip() and not line.strip().upper().startswith("REM ")]


def test_bat_has_crlf_endings_and_nothing_but_ascii_before_chcp(bat):
    assert bat[0] == "@echo off"
    chcp = bat.index("chcp 65001 >nul")
    assert all(line.isascii() for line in bat[:chcp])
    assert BAT.read_bytes().endswith(b"\r\n")


def test_bat_sets_utf8_and_works_from_its_own_folder(bat):
    lines = commands(bat)
    assert {'set "PYTHONUTF8=1"', 'set "PYTHONIOENCODING=utf-8"'} <= set(lines)
    folder = next(i for i, line in enumerate(lines) if line in ('pushd "%~dp0"', 'cd /d "%~dp0"'))
    first_relative = next(i for i, line in enumerate(lines) if ".venv" in line)
    assert folder < first_relative


def test_bat_installs_before_each_start(bat):
    """app/install.py installs .venv the first time and again when requirements.txt changed."""
    lines = commands(bat)
    venv = lines.index('set "PYTHON=.venv\\Scripts\\python.exe"')
    py = lines.index('set "PYTHON=py -3"')
    python = lines.index('set "PYTHON=python"')
    assert venv < py < python  # the venv's python when there is one, else the py launcher first
    assert any("https://www.python.org/downloads/" in line and line.startswith("echo ") for line in lines)
    install = lines.index("%PYTHON% app\\install.py || goto installation_ratee")
    assert install < lines.index('".venv\\Scripts\\python.exe" relance.py %*')
    failed = lines.index(":installation_ratee")
    assert lines[failed + 1 : failed + 3] == ['set "CODE=1"', "goto fin"]
    assert (ROOT / "app" / "install.py").is_file()


def test_bat_runs_relance_with_the_venv_python_and_keeps_its_exit_code(bat):
    lines = commands(bat)
    run = lines.index('".venv\\Scripts\\python.exe" relance.py %*')
    assert lines[run + 1] == 'set "CODE=%ERRORLEVEL%"'  # read at once, before any other command resets it
    # %ERRORLEVEL% would be read too early inside a ( ) block, where cmd expands the whole block at once.
    assert not any(line.endswith("(") or line == ")" for line in lines)
    exits = [line for line in lines if line.startswith("exit")]
    assert exits and all(line.endswith("exit /b %CODE%") for line in exits)
    # Every path to :fin has set CODE: after running python, or an install failure saying 1.
    for i, line in enumerate(lines):
        if line == "goto fin":
            assert lines[i - 1] == 'set "CODE=1"'


def test_bat_never_pauses_under_the_scheduler(bat):
    lines = commands(bat)
    # --planifie is looked for before any jump, so every path knows it.
    planifie = lines.index('for %%A in (%*) do if /i "%%~A"=="--planifie" set "PLANIFIE=1"')
    assert planifie < min(i for i, line in enumerate(lines) if "goto" in line)
    # Every pause comes after the guard, with no label in between that a goto could land on.
    guard = lines.index("if defined PLANIFIE exit /b %CODE%")
    pauses = [i for i, line in enumerate(lines) if re.search(r"\bpause\b", line, re.IGNORECASE)]
    assert pauses and min(pauses) > guard
    assert not any(line.startswith(":") for line in lines[guard:])


def ending(
    bat: list[str], code: int, planifie: bool, doubleclic: bool, called: bool = False
) -> tuple[int, int]:
    """Plays the lines after :fin (each a chain of `if` tests then one command): pauses, exit code.

    `called`: run by planifier.bat, which sets RELANCE_SANS_PAUSE and pauses itself.
    """
    lines = commands(bat)
    variables = {"PLANIFIE": planifie, "DOUBLECLIC": doubleclic, "RELANCE_SANS_PAUSE": called}
    pauses = 0
    for line in lines[lines.index(":fin") + 1 :]:
        while line.startswith("if "):
            test = re.match(r'if (not )?(?:defined (\w+)|"%CODE%"=="(\d+)") (.*)$', line)
            assert test, line
            holds = variables[test[2]] if test[2] else code == int(test[3])
            if holds == bool(test[1]):
                break
            line = test[4]
        else:
            if line == "pause":
                pauses += 1
            elif line == "exit /b %CODE%":
                return pauses, code
            else:
                raise AssertionError(line)
    raise AssertionError("relance.bat must end with exit /b")


@pytest.mark.parametrize("code", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("doubleclic", [False, True])
def test_bat_ending(bat, code, doubleclic):
    assert ending(bat, code, planifie=True, doubleclic=doubleclic) == (0, code)
    # Outside the scheduler: open after an error; after success only for a double-click.
    assert ending(bat, code, planifie=False, doubleclic=doubleclic) == (int(code != 0 or doubleclic), code)
    # Called by planifier.bat: no pause of its own, planifier.bat keeps the window open.
    assert ending(bat, code, planifie=False, doubleclic=doubleclic, called=True) == (0, code)


def test_bat_double_click_detection(bat):
    lines = commands(bat)
    assert 'if "%~1"=="" set "DOUBLECLIC=1"' in lines
    detect = next(line for line in lines if "CMDCMDLINE" in line)
    assert "!CMDCMDLINE:/c=!" in detect and "!CMDCMDLINE:%~nx0=!" in detect
    # Delayed expansion (which would eat the "!" of arguments) only around that one test.
    at = lines.index(detect)
    assert lines[at - 1] == "setlocal EnableDelayedExpansion"
    assert lines[at + 1] == 'endlocal & set "DOUBLECLIC=%DOUBLECLIC%"'


def test_bat_comments_and_messages_are_safe_for_cmd(bat):
    for line in bat:
        stripped = line.strip()
        if stripped.upper().startswith("REM "):
            assert "%" not in stripped, line  # cmd expands % even in comments
        if stripped.startswith("echo "):
            assert not re.search(r"[&|<>%]", stripped), line  # would be commands or variables
