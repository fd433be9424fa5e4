"""pytest fixtures shared by the tests (helpers to import are in helpers.py: never import this file)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def tmp_db(tmp_path: Path) -> str:
    return str(tmp_path / "judge.db")
