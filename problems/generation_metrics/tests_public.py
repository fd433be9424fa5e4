"""Public tests for generation_metrics: run them with `judge test generation_metrics`."""

import math

import pytest

from judge.checkers import expect_float, expect_raises, expect_sequence


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_bleu_example(sol):
    """The statement's two-sentence corpus: statistics summed before dividing, one brevity penalty."""
    expected = 100 * math.exp(1 - 9 / 8) * (7 / 8 * 5 / 6 * 3 / 4 * 1 / 2) ** 0.25
    expect_float(sol.corpus_bleu([[1, 2, 3, 4, 5], [6, 7, 8]], [[[1, 2, 3, 4, 6]], [[6, 7, 8, 9]]]), expected,
                 rtol=1e-9, atol=0.0, name="corpus_bleu(hyps, refs)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bleu_smoothing(sol):
    """A missing 4-gram match: exp smoothing gives p4 = 100 / (2 * 2); none gives 0."""
    expected = (80 * 50 * 100 / 3 * 25) ** 0.25   # 4/5, 2/4, 1/3, then 100 / (2 * 2)
    expect_float(sol.corpus_bleu([[1, 2, 3, 9, 5]], [[[1, 2, 3, 4, 5]]]), expected, rtol=1e-9, atol=0.0,
                 name="corpus_bleu([[1, 2, 3, 9, 5]], [[[1, 2, 3, 4, 5]]])")
    expect_float(sol.corpus_bleu([[1, 2, 3, 9, 5]], [[[1, 2, 3, 4, 5]]], smooth="none"), 0.0, rtol=0.0, atol=0.0,
                 name="corpus_bleu(..., smooth='none')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bleu_clipping_example(sol):
    """Repeated tokens are clipped by their largest count in one reference."""
    expected = (50 * 100 / 3 * 25 * 25) ** 0.25
    expect_float(sol.corpus_bleu([[7, 7, 7, 7]], [[[7, 8], [1, 7, 7, 2]]]), expected, rtol=1e-9, atol=0.0,
                 name="corpus_bleu([[7, 7, 7, 7]], [[[7, 8], [1, 7, 7, 2]]])")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_rouge_example(sol):
    """LCS 3 of a 5-token hypothesis and a 4-token reference."""
    got = expect_sequence(sol.rouge_l([1, 2, 3, 4, 5], [[1, 3, 5, 7]]), 3,
                          name="rouge_l([1, 2, 3, 4, 5], [[1, 3, 5, 7]])")
    for value, want, what in zip(got, (0.6, 0.75, 2 * 0.6 * 0.75 / 1.35), ("precision", "recall", "f"), strict=True):
        expect_float(value, want, rtol=1e-9, atol=0.0, name=f"{what} of rouge_l")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_unknown_smoothing(sol):
    """An unknown smooth raises ValueError naming smooth."""
    expect_raises(ValueError, sol.corpus_bleu, [[1]], [[[1]]], smooth="floor", match="smooth")
