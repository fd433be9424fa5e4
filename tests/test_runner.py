"""The runner's own run loop (pytest's collection and fixtures, no pytest reports): every phase's outcome becomes
the right verdict, fixtures are rebuilt for every submission of a batch, and a batch never mixes submissions.
Tests that take only ``sol`` and direct parameters skip pytest's setup; the others keep it, interleaved."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import FIXTURE_ROOT

from judge.engine.problems import load_problem
from judge.engine.runner import run_batch, run_solution
from judge.sandbox.launch import select_sandbox

EXTRA_TESTS = '''
import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.fixture
def broken():
    raise RuntimeError("fixture exploded")


@pytest.fixture(scope="module")
def module_answer(sol):
    return sol.causal_mask(2)


@pytest.mark.points(1)
def test_skips(sol):
    """Skips itself."""
    pytest.skip("not today")


@pytest.mark.points(1)
def test_setup_fails(sol, broken):
    """Needs a fixture that raises."""


@pytest.mark.points(1)
def test_module_fixture_is_this_submissions(sol, module_answer):
    """A module-scoped fixture that calls the solution is rebuilt for every submission."""
    expect_array(module_answer, sol.causal_mask(2), name="causal_mask(2) via a module fixture")


@pytest.fixture
def n(request):
    return request.param * 2


@pytest.mark.points(1)
@pytest.mark.parametrize("n", [2], indirect=True)
def test_indirect_parameter(sol, n):
    """An indirect parameter goes through its fixture (4, not 2)."""
    assert n == 4
    expect_array(sol.causal_mask(n), np.tril(np.ones((4, 4), dtype=bool)), name="causal_mask(4)")


@pytest.mark.points(1)
@pytest.mark.skip(reason="marked")
def test_marked_skip(sol):
    """Never runs."""


@pytest.mark.points(1)
def test_plain_check(sol):
    """A plain failed check."""
    expect_array(sol.causal_mask(3), np.tril(np.ones((3, 3), dtype=bool)), name="causal_mask(3)")
'''

FLIPPED = '''
import numpy as np


def causal_mask(seq_len):
    return ~np.tril(np.ones((seq_len, seq_len), dtype=bool))
'''

REFERENCE = '''
import numpy as np


def causal_mask(seq_len):
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
'''


def make_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(FIXTURE_ROOT, root, ignore=shutil.ignore_patterns(".judge"))
    (root / "problems" / "probe" / "tests_hidden.py").write_text(
        (FIXTURE_ROOT / "problems" / "probe" / "tests_hidden.py").read_text() + EXTRA_TESTS)
    return root


def statuses(result: dict) -> dict[str, tuple[str, str]]:
    return {t["name"]: (t["status"], t["message"]) for t in result["tests"]}


def test_every_phase_gets_its_verdict(tmp_path):
    root = make_root(tmp_path)
    (tmp_path / "ref.py").write_text(REFERENCE)
    result = run_solution(load_problem(root, "probe"), tmp_path / "ref.py")
    got = statuses(result)
    assert got["test_skips"] == ("judge_error", "the test was skipped")
    assert got["test_setup_fails"][0] == "judge_error"
    assert "test setup failed" in got["test_setup_fails"][1] and "fixture exploded" in got["test_setup_fails"][1]
    assert got["test_module_fixture_is_this_submissions"][0] == "passed"
    assert got["test_plain_check"][0] == "passed" and got["test_hidden_secret_size"][0] == "passed"
    # tests that need pytest's setup (an indirect parameter, a skip mark) get it between tests that do not
    assert got["test_indirect_parameter[2]"] == ("passed", "")
    assert got["test_marked_skip"] == ("judge_error", "the test was skipped")


def test_a_batch_rebuilds_fixtures_per_submission(tmp_path):
    """Reference, flipped, reference in one batch: the module-scoped fixture holds each submission's own answer
    (else the flipped file would be compared with the reference's), and the plain checks follow each file."""
    root = make_root(tmp_path)
    (tmp_path / "ref.py").write_text(REFERENCE)
    (tmp_path / "flip.py").write_text(FLIPPED)
    got = {}
    run_batch(load_problem(root, "probe"), [(0, tmp_path / "ref.py"), (1, tmp_path / "flip.py"),
                                            (2, tmp_path / "ref.py")],
              lambda key, result, error: got.__setitem__(key, statuses(result)), sandbox=select_sandbox("auto"))
    assert got[0] == got[2]
    assert got[0]["test_plain_check"][0] == "passed" and got[1]["test_plain_check"][0] == "failed"
    assert got[1]["test_module_fixture_is_this_submissions"][0] == "passed"
    assert got[1]["test_hidden_secret_size"][0] == "failed"
