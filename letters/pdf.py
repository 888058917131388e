"""Word letters to PDF: with LibreOffice (many files per process) or with Microsoft Word (docx2pdf)."""

from __future__ import annotations

import contextlib
import logging
import math
import os
import queue
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from models.errors import RelanceError

log = logging.getLogger("relance")

LIBREOFFICE_URL = "https://fr.libreoffice.org"
_USUAL_SOFFICE = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/usr/lib/libreoffice/program/soffice",
)
_WORD_MAC = Path("/Applications/Microsoft Word.app")


class ConversionError(RelanceError):
    """Some letters did not become PDF; the others did (`converted`)."""

    def __init__(self, failed: list[Path], converted: dict[Path, Path] | None = None) -> None:
        names = ", ".join(path.name for path in failed[:10])
        more = f" et {len(failed) - 10} autres" if len(failed) > 10 else ""
        what = "la lettre" if len(failed) == 1 else _letters(len(failed))
        super().__init__(f"La conversion en PDF a échoué pour {what} : {names}{more}.")
        self.failed = failed
        self.converted = converted or {}


def _letters(count: int) -> str:
    return "1 lettre" if count == 1 else f"{count} lettres"


def find_soffice() -> Path | None:
    """LibreOffice's soffice: on PATH, else in the folders where its installers put it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    # Windows spells the environment variable ProgramFiles; os.environ ignores case there.
    program_files = os.environ.get("PROGRAMFILES", "")
    candidates = [
        *([Path(program_files) / "LibreOffice" / "program" / "soffice.exe"] if program_files else []),
        *map(Path, _USUAL_SOFFICE),
        *sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True),
    ]
    return next((path for path in candidates if path.is_file()), None)


def word_installed() -> bool:
    """Microsoft Word can be driven here: Word itself and docx2pdf (which drives it) are both present."""
    if sys.platform == "win32":
        import winreg

        try:
            winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Word.Application\CLSID"))
        except OSError:
            return False
    elif sys.platform == "darwin":
        if not _WORD_MAC.exists():
            return False
    else:
        return False
    try:
        import docx2pdf  # noqa: F401
    except ImportError:
        return False
    return True


def choose_converter(setting: str, *, interactive: bool, word: bool, soffice: Path | None) -> str:
    """'word' or 'libreoffice' for `[pdf] convertisseur`, or a sentence saying what to install."""
    change = "ou indiquez convertisseur = « auto » dans la section [pdf] de relance.toml."
    if setting == "word":
        if not word:
            raise RelanceError(
                "Microsoft Word est introuvable sur cet ordinateur pour convertir les lettres en PDF : "
                f"installez-le, {change}"
            )
        return "word"
    if setting == "libreoffice":
        if soffice is None:
            raise RelanceError(
                f"LibreOffice est introuvable sur cet ordinateur : installez-le ({LIBREOFFICE_URL}), {change}"
            )
        return "libreoffice"
    if setting != "auto":
        raise ValueError(f"unknown converter setting {setting!r}")
    # Word automation needs a logged-in desktop session: a scheduled task uses LibreOffice.
    if word and interactive:
        return "word"
    if soffice is not None:
        return "libreoffice"
    if word:
        raise RelanceError(
            "Microsoft Word ne peut pas convertir les lettres en PDF sans session ouverte "
            f"(tâche planifiée) : installez LibreOffice ({LIBREOFFICE_URL})."
        )
    raise RelanceError(
        f"Aucun outil pour convertir les lettres en PDF : installez LibreOffice ({LIBREOFFICE_URL}) "
        "ou Microsoft Word."
    )


def to_pdf(
    docx_files: Sequence[Path],
    out_dir: Path,
    converter: str,
    *,
    profile_dir: Path,
    chunk_size: int = 50,
    timeout: float = 300,
    processes: int = 0,
) -> dict[Path, Path]:
    """Convert the letters into out_dir/<name>.pdf; raise ConversionError naming those that failed.

    LibreOffice converts up to `chunk_size` letters per process, `processes` processes at a time
    (0: one per processor core, at most 4), each with a private profile in a subfolder of
    `profile_dir`, so that a LibreOffice the user has open is neither used nor disturbed.
    `timeout` is per process. Failed letters are named only once every chunk has been tried.
    """
    stems = [path.stem for path in docx_files]
    if len(set(stems)) != len(stems):
        raise ValueError("two letters would write the same PDF")
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = {path: out_dir / f"{path.stem}.pdf" for path in docx_files}
    for source, target in targets.items():
        # A PDF left by an earlier run must not pass for this run's; and the lock files a LibreOffice
        # killed mid-conversion leaves beside its files (« .~lock.<name># ») would make the next one
        # refuse to write that PDF. The lot's folder is Relance's own, and the run holds its lock.
        target.unlink(missing_ok=True)
        for path in (target, source):
            (path.parent / f".~lock.{path.name}#").unlink(missing_ok=True)
    if converter == "libreoffice":
        soffice = find_soffice()
        if soffice is None:
            raise RelanceError(
                f"LibreOffice est introuvable sur cet ordinateur : installez-le ({LIBREOFFICE_URL})."
            )
        # Not a zip: LibreOffice would import it as plain text and print it. Not even tried.
        letters = [path for path in docx_files if zipfile.is_zipfile(path)]
        workers = processes or min(os.cpu_count() or 1, 4)
        _libreoffice(soffice, letters, out_dir, profile_dir, chunk_size, timeout, workers)
    elif converter == "word":
        _word(targets)
    else:
        raise ValueError(f"unknown converter {converter!r}")
    failed = [path for path, target in targets.items() if not _written(target)]
    if failed:
        converted = {path: target for path, target in targets.items() if path not in failed}
        raise ConversionError(failed, converted)
    return targets


# Below this many letters a second process costs more (its start-up) than it saves.
_MIN_PER_PROCESS = 10


def _libreoffice(
    soffice: Path,
    letters: list[Path],
    out_dir: Path,
    profile_dir: Path,
    chunk_size: int,
    timeout: float,
    processes: int,
) -> None:
    if not letters:
        return
    count = max(math.ceil(len(letters) / chunk_size), min(processes, len(letters) // _MIN_PER_PROCESS))
    size = math.ceil(len(letters) / count)
    chunks = [letters[start : start + size] for start in range(0, len(letters), size)]
    processes = max(1, min(processes, len(chunks)))
    profiles: queue.SimpleQueue[Path] = queue.SimpleQueue()
    for number in range(1, processes + 1):
        profiles.put(profile_dir / str(number))

    def convert(chunk: list[Path]) -> None:
        # Two LibreOffice processes cannot share a profile: each takes one and gives it back.
        profile = profiles.get()
        try:
            code = _soffice(soffice, chunk, out_dir, profile, timeout)
            left = [path for path in chunk if not _written(out_dir / f"{path.stem}.pdf")]
            if left and code != 0:
                # A LibreOffice that aborts (exit 134 was seen on a first run, its profile half made) gets
                # one more try, in a fresh profile, for the letters it did not write.
                log.warning("LibreOffice arrêté (code %s) : nouvel essai pour %d lettre(s).", code, len(left))
                fresh = profile.with_name(f"{profile.name}-reprise")
                shutil.rmtree(fresh, ignore_errors=True)
                _soffice(soffice, left, out_dir, fresh, timeout)
        finally:
            profiles.put(profile)

    with ThreadPoolExecutor(max_workers=processes) as pool:
        futures = [pool.submit(convert, chunk) for chunk in chunks]
        try:
            for future in as_completed(futures):
                future.result()
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _written(pdf: Path) -> bool:
    try:
        return pdf.stat().st_size > 0
    except OSError:
        return False


def _soffice(soffice: Path, chunk: Sequence[Path], out_dir: Path, profile_dir: Path, timeout: float) -> int:
    """Convert one chunk; LibreOffice's exit code (0 even when a file failed: outputs are checked apart)."""
    command = [
        str(soffice),
        f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        # Read every file as Word 2007+: a damaged letter fails instead of printing as garbage text.
        "--infilter=MS Word 2007 XML",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out_dir.resolve()),
        *(str(path.resolve()) for path in chunk),
    ]
    log.debug("LibreOffice : %d lettres vers %s", len(chunk), out_dir)
    # Its own process group, so that a timeout ends soffice.bin too, not just the launcher.
    options: dict = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        if sys.platform == "win32"
        else {"start_new_session": True}
    )
    with subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **options
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            process.communicate()
            raise RelanceError(
                f"LibreOffice n'a pas fini de convertir {_letters(len(chunk))} en PDF "
                f"en {timeout:g} secondes et a été arrêté : relancez la commande, "
                "et réinstallez LibreOffice si cela se reproduit."
            ) from None
    if process.returncode:
        log.warning(
            "LibreOffice a terminé avec le code %s : %s",
            process.returncode,
            output.decode(errors="replace")[-500:],
        )
    return process.returncode


def _kill_tree(process: subprocess.Popen) -> None:
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.kill()


def _word(targets: dict[Path, Path]) -> None:
    import docx2pdf

    with _streams_for_pythonw():
        for source, target in targets.items():
            try:
                # keep_active: Word stays open, with the documents the user has open in it.
                docx2pdf.convert(str(source.resolve()), str(target.resolve()), keep_active=True)
            except (Exception, SystemExit) as error:  # docx2pdf calls sys.exit on macOS errors
                log.warning("Word n'a pas converti %s : %s", source.name, error)


@contextlib.contextmanager
def _streams_for_pythonw() -> Iterator[None]:
    """docx2pdf draws a tqdm bar, which fails when sys.stderr is None (pythonw, no console)."""
    saved = sys.stdout, sys.stderr
    devnull = None
    if sys.stdout is None or sys.stderr is None:
        devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        sys.stdout = sys.stdout or devnull
        sys.stderr = sys.stderr or devnull
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
        if devnull is not None:
            devnull.close()
