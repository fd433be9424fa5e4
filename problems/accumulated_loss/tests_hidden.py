"""Hidden tests for accumulated_loss. Expected values: a loop over every (row, position) in Python floats."""

import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises
from judge.checkers.case_ids import cases

TOL = {"rtol": 1e-9, "atol": 1e-12}


def target_loss(row, target):
    """-log_softmax(row)[target] by the definition, shifted by the max."""
    values = [float(v) for v in row]
    m = max(values)
    return m + math.log(math.fsum(math.exp(v - m) for v in values)) - values[target]


def by_definition(logits_list, labels_list):
    losses = []
    for logits, labels in zip(logits_list, labels_list, strict=True):
        b_size, t_size = labels.shape
        for b in range(b_size):
            for t in range(t_size - 1):
                y = int(labels[b, t + 1])
                if y != -100:
                    losses.append(target_loss(logits[b, t], y))
    return math.fsum(losses) / len(losses) if losses else math.nan


def micro_batch(rng, rows, length, vocab, scale=2.0, min_len=1):
    """Right-padded rows of random lengths in [min_len, length]."""
    logits = rng.normal(0.0, scale, size=(rows, length, vocab))
    labels = rng.integers(0, vocab, size=(rows, length))
    for b in range(rows):
        labels[b, rng.integers(min_len, length + 1):] = -100
    return logits, labels


def check(sol, logits_list, labels_list, name):
    expected = by_definition(logits_list, labels_list)
    expect_float(sol.accumulated_clm_loss(logits_list, labels_list), expected, name=name, **TOL)


@pytest.mark.points(3)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [1, 2, 3], ids=cases())
def test_uneven_micro_batches(sol, seed):
    """Micro-batches of different sizes, lengths and padding: total sum / total count."""
    rng = np.random.default_rng(seed)
    shapes = [(4, 12), (1, 3), (2, 20), (3, 2)]
    batches = [micro_batch(rng, b, t, 7) for b, t in shapes]
    check(sol, [x for x, _ in batches], [y for _, y in batches], f"accumulated_clm_loss (seed {seed})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_skewed_counts(sol):
    """A full micro-batch and a nearly empty one: the mean of the means would be far off."""
    rng = np.random.default_rng(4)
    full = micro_batch(rng, 8, 32, 5, min_len=32)
    sparse_logits = rng.normal(0.0, 6.0, size=(8, 32, 5))
    sparse_labels = np.full((8, 32), -100)
    sparse_labels[3, 5] = 2
    check(sol, [full[0], sparse_logits], [full[1], sparse_labels], "accumulated_clm_loss of skewed micro-batches")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_split_invariance(sol):
    """The same 6 rows, whole or split 1 + 2 + 3, give the loss of the whole batch."""
    rng = np.random.default_rng(5)
    logits, labels = micro_batch(rng, 6, 10, 6)
    expected = by_definition([logits], [labels])
    expect_float(sol.accumulated_clm_loss([logits], [labels]), expected, name="loss of the whole batch", **TOL)
    parts = [slice(0, 1), slice(1, 3), slice(3, 6)]
    got = sol.accumulated_clm_loss([logits[p] for p in parts], [labels[p] for p in parts])
    expect_float(got, expected, name="loss of the batch split 1 + 2 + 3", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_shift_alignment(sol):
    """Logits at t are scored against labels[t + 1]: one-hot logits that predict the next token exactly."""
    labels = np.array([[0, 1, 2, 3, 4, 5]])
    logits = np.full((1, 6, 6), -30.0)
    for t in range(5):
        logits[0, t, labels[0, t + 1]] = 30.0
    check(sol, [logits], [labels], "accumulated_clm_loss of a perfect next-token predictor")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_first_label_never_scored(sol):
    """labels[:, 0] is not a target: -100 or a token there gives the same loss."""
    rng = np.random.default_rng(6)
    logits, labels = micro_batch(rng, 3, 8, 5, min_len=8)
    other = labels.copy()
    other[:, 0] = -100
    expected = by_definition([logits], [labels])
    expect_float(sol.accumulated_clm_loss([logits], [other]), expected, name="loss with labels[:, 0] = -100", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_empty_micro_batch_adds_nothing(sol):
    """A micro-batch with nothing to score (all -100, or T = 1) adds 0 to both sums (no nan)."""
    rng = np.random.default_rng(7)
    a = micro_batch(rng, 2, 9, 4)
    padded = (rng.normal(size=(2, 5, 4)), np.full((2, 5), -100))
    short = (rng.normal(size=(3, 1, 4)), rng.integers(0, 4, size=(3, 1)))
    check(sol, [padded[0], a[0], short[0]], [padded[1], a[1], short[1]], "loss with empty micro-batches")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_everything_ignored_is_nan(sol):
    """No scored target in any micro-batch, or no micro-batch at all: nan."""
    got = sol.accumulated_clm_loss([np.zeros((2, 4, 3)), np.ones((1, 2, 3))],
                                   [np.full((2, 4), -100), np.array([[1, -100]])])
    expect_float(got, math.nan, rtol=0, atol=0, name="accumulated_clm_loss with every target ignored")
    expect_float(sol.accumulated_clm_loss([], []), math.nan, rtol=0, atol=0, name="accumulated_clm_loss([], [])")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_logits(sol):
    """Logits of magnitude 1e4 give a finite, exact loss."""
    logits = np.array([[[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4 - 2.0], [0.0, 0.0, 0.0]]])
    labels = np.array([[0, 2, 0]])
    check(sol, [logits, -logits], [labels, labels], "accumulated_clm_loss with logits of magnitude 1e4")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits(sol):
    """float32 logits are accepted; the result is a float."""
    rng = np.random.default_rng(8)
    logits, labels = micro_batch(rng, 2, 6, 5)
    logits32 = logits.astype(np.float32)
    expected = by_definition([logits32.astype(np.float64)], [labels])
    expect_float(sol.accumulated_clm_loss([logits32], [labels]), expected, rtol=1e-6, atol=1e-7,
                 name="accumulated_clm_loss of float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_other_integer_label_dtypes(sol):
    """labels may be any integer dtype: int32 and int16 micro-batches are accepted."""
    rng = np.random.default_rng(10)
    a = micro_batch(rng, 3, 7, 6)
    b = micro_batch(rng, 2, 4, 6)
    expected = by_definition([a[0], b[0]], [a[1], b[1]])
    got = sol.accumulated_clm_loss([a[0], b[0]], [a[1].astype(np.int32), b[1].astype(np.int16)])
    expect_float(got, expected, name="accumulated_clm_loss with int32 and int16 labels", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_many_micro_batches(sol):
    """Sixteen micro-batches of (4, 64, 50)."""
    rng = np.random.default_rng(9)
    batches = [micro_batch(rng, 4, 64, 50, scale=3.0) for _ in range(16)]
    check(sol, [x for x, _ in batches], [y for _, y in batches], "accumulated_clm_loss of 16 micro-batches")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_labels(sol):
    """A bad label (labels[:, 0] too), float labels or a wrong shape raise ValueError naming labels_list."""
    logits = np.zeros((2, 3, 4))
    good = np.array([[0, 1, 2], [3, -100, -100]])
    for bad in (np.array([[0, 1, 4], [3, -100, -100]]), np.array([[0, 1, 2], [3, -1, -100]]),
                np.array([[4, 1, 2], [3, -100, -100]]), np.array([[0, 1, 2], [-7, -100, -100]]),
                good.astype(np.float64), good[:, :2]):
        expect_raises(ValueError, sol.accumulated_clm_loss, [logits, logits], [good, bad], match="labels_list")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_logits_not_3d(sol):
    """A 2-D logits array raises ValueError naming logits_list."""
    expect_raises(ValueError, sol.accumulated_clm_loss, [np.zeros((3, 4))], [np.zeros((3, 4), dtype=np.int64)],
                  match="logits_list")
