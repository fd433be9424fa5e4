"""Every verdict, produced by a real submission file through the real `judge submit` command."""

from __future__ import annotations

import time

import pytest
from helpers import FIXTURE_ROOT, SUBMISSIONS, judge_json

from judge.engine.results import validate_result

CASES = [
    # file, expected verdict of every test, top-level status, words the message must contain
    ("loop_forever.py", "timeout", "failed", "time limit"),
    ("sleep_forever.py", "timeout", "failed", "time limit"),
    ("alloc_8gib.py", "memory", "failed", "allocate"),
    ("os_exit.py", "crashed", "failed", "exited"),
    ("segfault.py", "crashed", "failed", "SIGSEGV"),
    ("import_torch.py", "forbidden", "error", "torch"),
    ("import_scipy_dynamic.py", "forbidden", "failed", "scipy"),
    ("syntax_error.py", "invalid", "error", "SyntaxError"),
    ("import_time_error.py", "invalid", "error", "IndexError"),
    ("missing_function.py", "missing", "failed", "causal_mask"),
    ("raises.py", "error", "failed", "IndexError"),
    ("wrong_shape.py", "failed", "failed", "shape"),
    ("object_return.py", "failed", "failed", "wrong type"),
]


@pytest.mark.parametrize("filename, verdict, status, words", CASES)
def test_verdict(filename, verdict, status, words, tmp_db):
    """The probe problem (0.5 s limit, 1 public + 1 hidden test) gives every test the expected verdict."""
    started = time.monotonic()
    code, result = judge_json("submit", "probe", str(SUBMISSIONS / "causal_mask" / filename), "--db", tmp_db,
                              root=FIXTURE_ROOT)
    elapsed = time.monotonic() - started
    validate_result(result)
    assert code == 1
    assert result["status"] == status
    assert result["score"] == 0 and result["max_score"] == 3
    assert [t["status"] for t in result["tests"]] == [verdict, verdict]
    public = result["tests"][0]
    assert words.lower() in (public["message"] + result.get("message", "")).lower()
    assert elapsed < 30


@pytest.mark.parametrize("filename, verdict", [
    ("wrong_shape.py", "failed"), ("raises.py", "error"), ("missing_function.py", "missing"),
    ("import_torch.py", "forbidden"), ("syntax_error.py", "invalid"), ("alloc_8gib.py", "memory"),
])
def test_verdict_on_real_problem(filename, verdict, tmp_db):
    """The same submissions against the real causal_mask problem: no point is awarded, verdicts hold."""
    code, result = judge_json("submit", "causal_mask", str(SUBMISSIONS / "causal_mask" / filename), "--db", tmp_db)
    validate_result(result)
    assert code == 1
    statuses = {t["status"] for t in result["tests"]}
    assert verdict in statuses
    if filename != "wrong_shape.py":  # wrong_shape still raises correctly for negative lengths
        assert result["score"] == 0


def test_printing_cannot_forge_a_result(tmp_db):
    """A correct file that prints fake verdicts and protocol-like bytes is judged on its return values only."""
    printer = SUBMISSIONS / "causal_mask" / "mutates_nothing_but_prints.py"
    code, result = judge_json("submit", "causal_mask", str(printer), "--db", tmp_db)
    assert code == 0 and result["status"] == "passed"
    assert "stdout" not in result  # hidden runs never echo what the learner printed


def test_hidden_messages_do_not_leak_expected_values(tmp_db):
    """Under the summary policy, a hidden failure names the kind of check, not the hidden input or values."""
    code, result = judge_json("submit", "probe", str(SUBMISSIONS / "causal_mask" / "wrong_shape.py"), "--db", tmp_db,
                              root=FIXTURE_ROOT)
    hidden = [t for t in result["tests"] if t["visibility"] == "hidden"][0]
    assert hidden["status"] == "failed"
    assert "shape" in hidden["message"]
    assert "(5, 5)" not in hidden["message"] and "called" not in hidden["message"]
    public = [t for t in result["tests"] if t["visibility"] == "public"][0]
    assert "(3, 3)" in public["message"] and "called causal_mask(3)" in public["message"]
