"""Fixtures for reader tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def input_dir(tmp_path: Path) -> Path:
    """An empty input/ folder."""
    folder = tmp_path / "input"
    folder.mkdir()
    return folder
