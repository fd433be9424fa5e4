"""Public tests for beam_search: run them with `judge test beam_search`."""

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises, expect_sequence

PROBS = np.array([[0.6, 0.1, 0.1, 0.2], [0.2, 0.1, 0.6, 0.1], [0.4, 0.1, 0.4, 0.1], [0.3, 0.4, 0.2, 0.1]])
TABLE = np.log(np.broadcast_to(PROBS, (4, 4, 4)))


def check(got, expected, name):
    """got is a list of (ids, score) pairs equal to expected (ids exactly, scores to 1e-9)."""
    assert isinstance(got, list), f"{name}: expected a list, got {type(got).__name__}"
    items = expect_sequence(got, len(expected), name=name)
    for k, (item, (ids, score)) in enumerate(zip(items, expected, strict=True)):
        pair = expect_sequence(item, 2, name=f"{name}[{k}]")
        assert isinstance(pair[0], list) and pair[0] == ids, f"{name}[{k}]: generated ids {pair[0]!r}, expected {ids}"
        expect_float(pair[1], score, rtol=1e-9, atol=1e-12, name=f"{name}[{k}] score")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_length_penalty(sol):
    """length_penalty 0: the raw sums decide, and the one-token EOS wins."""
    check(sol.beam_search(TABLE, [3], 2, 4, 0, length_penalty=0.0), [([0], np.log(0.3))],
          name="beam_search(table, [3], 2, 4, 0, length_penalty=0.0)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_length_penalty_one(sol):
    """length_penalty 1 divides by the generated length: the statement's second example."""
    first = np.log(0.4 * 0.6 * 0.4) / 3
    second = np.log(0.4 * 0.6 * 0.4 * 0.4) / 4
    check(sol.beam_search(TABLE, [3], 2, 4, 0, length_penalty=1.0, num_return_sequences=2),
          [([1, 2, 0], first), ([1, 2, 2, 0], second)],
          name="beam_search(table, [3], 2, 4, 0, num_return_sequences=2)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_early_stopping_true(sol):
    """early_stopping=True stops once num_beams hypotheses are finished."""
    check(sol.beam_search(TABLE, [3], 2, 4, 0, early_stopping=True, num_return_sequences=2),
          [([0], np.log(0.3)), ([1, 0], np.log(0.4 * 0.2) / 2)],
          name="beam_search(table, [3], 2, 4, 0, early_stopping=True, num_return_sequences=2)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_prompt_length_does_not_count(sol):
    """A longer prompt ending in the same token gives the same hypotheses and scores."""
    check(sol.beam_search(TABLE, [2, 2, 2, 2, 2, 3], 2, 4, 0), [([1, 2, 0], np.log(0.4 * 0.6 * 0.4) / 3)],
          name="beam_search(table, [2, 2, 2, 2, 2, 3], 2, 4, 0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_too_many_beams(sol):
    """2 * num_beams > V raises ValueError naming num_beams."""
    expect_raises(ValueError, sol.beam_search, TABLE, [3], 3, 4, 0, match="num_beams")
