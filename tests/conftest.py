"""pytest fixtures shared by the tests (helpers to import are in helpers.py: never import this file)."""

from __future__ import annotations

import fcntl
import tempfile
from pathlib import Path

import pytest

CONTAINER_TIER_LOCK = Path(tempfile.gettempdir()) / "judge-tests-container-tier.lock"


@pytest.fixture(autouse=True)
def _container_tier_turns(request: pytest.FixtureRequest):
    """Tests marked ``container_tier`` lease uids of the machine's one pool: they run side by side (a shared lock
    across pytest-xdist workers); one marked ``container_tier(alone=True)`` looks at every pool uid's processes and
    IPC objects, so it waits until no other such test runs (an exclusive lock)."""
    mark = request.node.get_closest_marker("container_tier")
    if mark is None:
        yield
        return
    with CONTAINER_TIER_LOCK.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if mark.kwargs.get("alone") else fcntl.LOCK_SH)
        yield


@pytest.fixture
def tmp_db(tmp_path: Path) -> str:
    return str(tmp_path / "judge.db")
