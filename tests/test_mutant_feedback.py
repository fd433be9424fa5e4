"""A mutant declares what a learner with its bug should be told (``Feedback: "phrase"`` in its docstring);
`judge validate` fails when no failing test's feedback says it (judge/authoring/mutant_feedback.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import REPO, judge

from judge.authoring.mutant_feedback import declared_feedback, missing_feedback


def test_phrases_are_read_from_the_docstring_without_importing(tmp_path):
    f = tmp_path / "m.py"
    f.write_text('"""Mistake: x.\n\nFeedback: "dtype bool"\nFeedback: "called f(4)"\n"""\nraise SystemExit(1)\n')
    assert declared_feedback(f) == ["dtype bool", "called f(4)"]
    f.write_text('"""Mistake: no phrase."""\n')
    assert declared_feedback(f) == []


def test_a_phrase_must_be_in_a_failing_tests_message():
    result = {"tests": [{"status": "failed", "message": "wrong dtype: f(4) should have\n dtype BOOL, got float64"},
                        {"status": "passed", "message": "are the targets shifted by one?"}]}
    assert missing_feedback(["should have dtype bool"], result) == []  # case and whitespace runs aside
    assert missing_feedback(["are the targets shifted by one?"], result) == ["are the targets shifted by one?"]


@pytest.mark.parametrize("problem", ["causal_mask", "tiny_transformer", "pretrain_both_ways", "compare_objectives"])
def test_every_mutant_of_these_problems_declares_its_feedback(problem):
    """judge validate (run on every problem by the suite) checks that each phrase is said."""
    mutants = sorted((REPO / "solutions" / problem / "mutants").glob("*.py"))
    assert mutants and all(declared_feedback(m) for m in mutants), [m.name for m in mutants if not declared_feedback(m)]


def test_validate_fails_a_mutant_whose_feedback_points_elsewhere(tmp_path):
    root = tmp_path / "repo"
    (root / "solutions").mkdir(parents=True)
    (root / "problems").symlink_to(REPO / "problems")
    shutil.copytree(REPO / "solutions" / "causal_mask", root / "solutions" / "causal_mask")
    mutant: Path = root / "solutions" / "causal_mask" / "mutants" / "sees_next_token.py"
    text = mutant.read_text()
    mutant.write_text(text.replace('Feedback: "first at index (0, 1): expected False, got True"',
                                   'Feedback: "are the targets shifted by one?"'))
    proc = judge("validate", "causal_mask", root=root)
    assert proc.returncode == 1
    assert 'sees_next_token.py: its docstring says a learner should be told "are the targets shifted by one?"' \
        in proc.stdout
    assert "the first says: wrong values: causal_mask(4) differs at 3 of 16 positions" in proc.stdout
    mutant.write_text(text)
    assert judge("validate", "causal_mask", root=root).returncode == 0


def test_a_mutants_docstring_never_counts_as_drift_from_the_reference():
    """judge/authoring/mutants.py counts code lines only: a long docstring with its Feedback phrase is free; one
    changed line of code is two lines of the diff (removed and added)."""
    from judge.authoring.mutants import changed_lines

    reference = '"""Reference."""\n\nimport numpy as np\n\n\ndef f(x):\n    return np.tril(x)\n'
    mutant = ('"""Mistake: np.triu.\n\nA long explanation\nover lines.\n\nFeedback: "expected False, got True"\n"""\n\n'
              'import numpy as np\n\n\ndef f(x):\n    return np.triu(x)\n')
    assert changed_lines(reference, mutant) == 2
    assert changed_lines(reference, reference.replace('"""Reference."""', '"""Other."""')) == 0
