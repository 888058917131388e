"""Helpers for reader tests: an input/ folder made of the real sample files of tests/data."""

from __future__ import annotations

import shutil
from pathlib import Path

from models.settings import Settings
from sources import Exports, read_exports

DATA = Path(__file__).resolve().parent.parent / "data"


def copy_samples(folder: Path, files: dict[str, str]) -> Path:
    """Copies tests/data/<sample> to folder/<name> for each name -> sample."""
    for name, sample in files.items():
        shutil.copyfile(DATA / sample, folder / name)
    return folder


def read(folder: Path, files: dict[str, str], settings: Settings | None = None) -> Exports:
    """The exports of a folder holding exactly these sample files."""
    return read_exports(copy_samples(folder, files), settings or Settings())
