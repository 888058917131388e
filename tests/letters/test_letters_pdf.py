"""PDF conversion with a real LibreOffice: chunks, damaged letters, stale PDFs, timeouts; the tool chosen."""

from __future__ import annotations

import os
import shutil
import sys
import time
import zipfile
from pathlib import Path

import pytest

from letters import pdf as pdf_module
from letters.pdf import ConversionError, choose_converter, find_soffice, to_pdf, word_installed
from models.errors import RelanceError
from tests.letters.conftest import pdf_text, reminder, render

SOFFICE = Path("/usr/bin/soffice")
NO_TOOL = (
    "Aucun outil pour convertir les lettres en PDF : installez LibreOffice (https://fr.libreoffice.org) "
    "ou Microsoft Word."
)
NO_WORD = (
    "Microsoft Word est introuvable sur cet ordinateur pour convertir les lettres en PDF : installez-le, "
    "ou indiquez convertisseur = « auto » dans la section [pdf] de relance.toml."
)
NO_LIBREOFFICE = (
    "LibreOffice est introuvable sur cet ordinateur : installez-le (https://fr.libreoffice.org), "
    "ou indiquez convertisseur = « auto » dans la section [pdf] de relance.toml."
)
WORD_UNATTENDED = (
    "Microsoft Word ne peut pas convertir les lettres en PDF sans session ouverte (tâche planifiée) : "
    "installez LibreOffice (https://fr.libreoffice.org)."
)

# setting, interactive, Word installed, soffice found -> the converter, or the error's message
CHOICES = [
    ("auto", True, True, True, "word"),
    ("auto", True, True, False, "word"),
    ("auto", True, False, True, "libreoffice"),
    ("auto", True, False, False, NO_TOOL),
    ("auto", False, True, True, "libreoffice"),
    ("auto", False, True, False, WORD_UNATTENDED),
    ("auto", False, False, True, "libreoffice"),
    ("auto", False, False, False, NO_TOOL),
    ("word", True, True, True, "word"),
    ("word", True, True, False, "word"),
    ("word", True, False, True, NO_WORD),
    ("word", True, False, False, NO_WORD),
    ("word", False, True, True, "word"),
    ("word", False, True, False, "word"),
    ("word", False, False, True, NO_WORD),
    ("word", False, False, False, NO_WORD),
    ("libreoffice", True, True, True, "libreoffice"),
    ("libreoffice", True, True, False, NO_LIBREOFFICE),
    ("libreoffice", True, False, True, "libreoffice"),
    ("libreoffice", True, False, False, NO_LIBREOFFICE),
    ("libreoffice", False, True, True, "libreoffice"),
    ("libreoffice", False, True, False, NO_LIBREOFFICE),
    ("libreoffice", False, False, True, "libreoffice"),
    ("libreoffice", False, False, False, NO_LIBREOFFICE),
]


@pytest.mark.parametrize(("setting", "interactive", "word", "found", "expected"), CHOICES)
def test_choose_converter(setting, interactive, word, found, expected):
    soffice = SOFFICE if found else None
    if expected in ("word", "libreoffice"):
        assert choose_converter(setting, interactive=interactive, word=word, soffice=soffice) == expected
    else:
        with pytest.raises(RelanceError) as caught:
            choose_converter(setting, interactive=interactive, word=word, soffice=soffice)
        assert str(caught.value) == expected


def test_find_soffice_finds_this_machines_libreoffice():
    found = find_soffice()
    assert found is not None and found.is_file()
    assert found == Path(shutil.which("soffice") or shutil.which("libreoffice") or "")


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="Word exists only on Windows and macOS")
def test_word_is_never_found_on_linux():
    assert word_installed() is False


def letters(folder: Path, count: int) -> list[Path]:
    return [
        render("relance_1.docx", reminder(f"Client n°{n} & Cie", 1, code=f"C{n}"), folder, f"lettre_{n}")
        for n in range(1, count + 1)
    ]


def test_five_letters_in_chunks_of_two_each_get_their_own_pdf(tmp_path, lo_profile):
    docx_files = letters(tmp_path, 5)
    pdfs = to_pdf(docx_files, tmp_path / "pdf", "libreoffice", profile_dir=lo_profile, chunk_size=2)
    assert list(pdfs) == docx_files
    for n, source in enumerate(docx_files, start=1):
        assert pdfs[source] == tmp_path / "pdf" / f"lettre_{n}.pdf"
        text = pdf_text(pdfs[source])
        assert f"Client n°{n} & Cie" in text and f"FA-C{n}-001" in text


def damaged(path: Path) -> Path:
    """A letter cut short, as a full disk or an interrupted copy leaves it."""
    data = (path.parent / "lettre_1.docx").read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def test_a_damaged_letter_is_named_and_the_others_are_converted(tmp_path, lo_profile):
    good = letters(tmp_path, 4)
    bad = damaged(tmp_path / "abimee.docx")
    docx_files = [good[0], good[1], bad, good[2], good[3]]
    with pytest.raises(ConversionError) as caught:
        to_pdf(docx_files, tmp_path / "pdf", "libreoffice", profile_dir=lo_profile, chunk_size=2)
    error = caught.value
    assert str(error) == "La conversion en PDF a échoué pour la lettre : abimee.docx."
    assert error.failed == [bad]
    assert list(error.converted) == good
    for source, target in error.converted.items():
        assert target.stat().st_size > 0 and source.stem in target.name
    assert not (tmp_path / "pdf" / "abimee.pdf").exists()


def test_files_that_are_not_word_documents_are_never_printed_as_text(tmp_path, lo_profile):
    good = letters(tmp_path, 1)
    text = tmp_path / "texte.docx"
    text.write_text("Ceci n'est pas une lettre Word.", encoding="utf-8")
    empty = tmp_path / "vide.docx"
    empty.write_bytes(b"")
    other_zip = tmp_path / "archive.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "rien")
    with pytest.raises(ConversionError) as caught:
        to_pdf([text, *good, empty, other_zip], tmp_path / "pdf", "libreoffice", profile_dir=lo_profile)
    assert str(caught.value) == (
        "La conversion en PDF a échoué pour 3 lettres : texte.docx, vide.docx, archive.docx."
    )
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["lettre_1.pdf"]


def test_a_pdf_left_by_an_earlier_run_does_not_pass_for_a_new_one(tmp_path, lo_profile):
    letters(tmp_path, 1)
    bad = damaged(tmp_path / "lettre_2.docx")
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "lettre_2.pdf").write_bytes(b"%PDF-1.4 an old letter")
    with pytest.raises(ConversionError) as caught:
        to_pdf([bad], out, "libreoffice", profile_dir=lo_profile)
    assert caught.value.failed == [bad]
    assert not (out / "lettre_2.pdf").exists()


def test_the_lock_files_of_a_libreoffice_killed_mid_conversion_do_not_stop_the_next_one(tmp_path, lo_profile):
    # What a LibreOffice killed while writing lettre_1.pdf leaves in the folder (seen in the crash test).
    [letter] = letters(tmp_path, 1)
    out = tmp_path / "pdf"
    out.mkdir()
    for name in ("lettre_1.pdf", "lettre_1.docx"):
        lock = (out if name.endswith(".pdf") else letter.parent) / f".~lock.{name}#"
        lock.write_text(f",root,{os.uname().nodename},02.12.2026 14:41,file:///tmp/relance-libreoffice-x/2;")
    converted = to_pdf([letter], out, "libreoffice", profile_dir=lo_profile)
    assert "Client n°1 & Cie" in pdf_text(converted[letter])
    assert not list(out.glob(".~lock*")) and not list(letter.parent.glob(".~lock*"))


def test_two_letters_with_the_same_name_are_refused(tmp_path, lo_profile):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(ValueError, match="same PDF"):
        to_pdf(
            [tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"],
            tmp_path,
            "libreoffice",
            profile_dir=lo_profile,
        )


def test_nothing_to_convert_is_nothing_to_do(tmp_path, lo_profile):
    assert to_pdf([], tmp_path / "pdf", "libreoffice", profile_dir=lo_profile) == {}


def _processes_using(profile: Path) -> list[str]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if str(profile) in cmdline.read_bytes().decode(errors="replace"):
                found.append(cmdline.parent.name)
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process list in /proc")
def test_a_timeout_stops_libreoffice_entirely_and_says_so(tmp_path):
    # 30 letters and a fresh profile take LibreOffice several seconds: stopped after 1.5 s, its
    # converting process (soffice.bin, a child of the launcher) is running and must go too.
    docx_files = letters(tmp_path, 30)
    profile = tmp_path / "profil-neuf"
    with pytest.raises(RelanceError) as caught:
        to_pdf(docx_files, tmp_path / "pdf", "libreoffice", profile_dir=profile, timeout=1.5, processes=1)
    assert str(caught.value) == (
        "LibreOffice n'a pas fini de convertir 30 lettres en PDF en 1.5 secondes et a été arrêté : "
        "relancez la commande, et réinstallez LibreOffice si cela se reproduit."
    )
    deadline = time.monotonic() + 5
    while _processes_using(profile) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_using(profile) == []
    time.sleep(1)
    assert len(list((tmp_path / "pdf").glob("*.pdf"))) < 30  # stopped, not left to finish in the background


def test_an_unknown_converter_is_a_programming_error(tmp_path, lo_profile):
    with pytest.raises(ValueError):
        to_pdf([], tmp_path, "pandoc", profile_dir=lo_profile)


def test_word_path_gets_streams_under_pythonw(monkeypatch):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    with pdf_module._streams_for_pythonw():
        sys.stderr.write("a progress bar\r")  # what tqdm does; fails on None
        sys.stdout.write("a message\n")
    assert sys.stderr is None and sys.stdout is None


def test_a_libreoffice_that_aborts_is_tried_once_more_in_a_fresh_profile(tmp_path, monkeypatch):
    """A launcher that aborts the first time (exit 134, as seen once on a first run), then runs the real
    LibreOffice: every letter is converted, by the second try, in another profile."""
    real = shutil.which("soffice") or shutil.which("libreoffice")
    assert real, "LibreOffice (soffice) est introuvable : .ci/run l'installe avec apt-get."
    bin_dir, calls = tmp_path / "bin", tmp_path / "appels.txt"
    bin_dir.mkdir()
    launcher = bin_dir / "soffice"
    launcher.write_text(
        "#!/bin/sh\n"
        f'echo "$1" >> "{calls}"\n'
        f'if [ ! -e "{tmp_path}/deja" ]; then touch "{tmp_path}/deja"; kill -ABRT $$; fi\n'
        f'exec "{real}" "$@"\n',
        encoding="utf-8",
    )
    launcher.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    docx_files = letters(tmp_path, 3)
    pdfs = to_pdf(docx_files, tmp_path / "pdf", "libreoffice", profile_dir=tmp_path / "profils", processes=1)
    assert all(pdf.stat().st_size > 0 for pdf in pdfs.values()) and len(pdfs) == 3
    first, second = calls.read_text(encoding="utf-8").splitlines()
    assert first != second and second.endswith("-reprise")  # -env:UserInstallation=…/1, then …/1-reprise
