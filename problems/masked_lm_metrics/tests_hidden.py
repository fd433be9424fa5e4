"""Hidden tests for masked_lm_metrics. Expected values come from a loop over the positions written here, never
from the reference."""

import functools
import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_int, expect_raises, expect_sequence
from judge.checkers.case_ids import cases

RTOL = 1e-7  # float64 closed form


def nll(row, target):
    """-log softmax(row)[target] with a stable shift, in Python floats."""
    row = [float(v) for v in row]
    top = max(row)
    return top + math.log(math.fsum(math.exp(v - top) for v in row)) - row[target]


def first_argmax(row):
    """Index of the largest value, the lowest index among ties."""
    best = 0
    for k in range(1, len(row)):
        if row[k] > row[best]:
            best = k
    return best


def by_definition(logits, labels):
    losses, hits = [], 0
    logits = np.asarray(logits, dtype=np.float64)
    for b in range(labels.shape[0]):
        for t in range(labels.shape[1]):
            y = int(labels[b, t])
            if y == -100:
                continue
            losses.append(nll(logits[b, t], y))
            hits += first_argmax([float(v) for v in logits[b, t]]) == y
    n = len(losses)
    if n == 0:
        return math.nan, math.nan, 0
    return math.fsum(losses) / n, hits / n, n


def check(got, expected, what, rtol=RTOL):
    loss, accuracy, count = expect_sequence(got, 3, name=f"masked_lm_metrics({what})")
    expect_float(loss, expected[0], rtol=rtol, atol=0.0, name=f"loss of masked_lm_metrics({what})")
    expect_float(accuracy, expected[1], rtol=1e-12, atol=0.0, name=f"accuracy of masked_lm_metrics({what})")
    expect_int(count, expected[2], name=f"num_predictions of masked_lm_metrics({what})")


def random_case(seed, bsz, t_len, vocab, scored=0.3, scale=2.0, integer=False):
    gen = np.random.default_rng(seed)
    if integer:  # small integer logits: many ties
        logits = gen.integers(-2, 3, size=(bsz, t_len, vocab)).astype(np.float64)
    else:
        logits = gen.normal(0.0, scale, size=(bsz, t_len, vocab))
    labels = gen.integers(0, vocab, size=(bsz, t_len))
    labels[gen.random((bsz, t_len)) >= scored] = -100
    return logits, labels


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,bsz,t_len,vocab", [(1, 1, 8, 5), (2, 4, 16, 11), (3, 3, 1, 7), (4, 2, 40, 30)],
                         ids=cases())
def test_matches_definition(sol, seed, bsz, t_len, vocab):
    """Random batches with ~30% scored positions match the definition."""
    logits, labels = random_case(seed, bsz, t_len, vocab)
    labels[0, 0] = 2  # at least one scored position
    check(sol.masked_lm_metrics(logits, labels), by_definition(logits, labels), f"logits {logits.shape}, labels")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_ties_go_to_lowest_index(sol):
    """Small integer logits (many ties): the prediction is the lowest index among the maxima."""
    logits, labels = random_case(5, 6, 20, 4, scored=0.6, integer=True)
    check(sol.masked_lm_metrics(logits, labels), by_definition(logits, labels), "integer logits with ties")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_all_equal_logits(sol):
    """Uniform logits: loss log V, and only labels equal to 0 count as correct."""
    logits = np.zeros((2, 3, 5))
    labels = np.array([[0, 4, -100], [2, 0, 0]])
    check(sol.masked_lm_metrics(logits, labels), (math.log(5.0), 3 / 5, 5), "uniform logits")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_no_shift(sol):
    """Logits that predict the label at the same position score accuracy 1 (there is no causal shift)."""
    labels = np.array([[-100, 3, -100, 1, 6], [2, -100, -100, 5, 0]])
    logits = np.zeros((2, 5, 7))
    for b in range(2):
        for t in range(5):
            logits[b, t, labels[b, t] if labels[b, t] != -100 else 4] = 15.0
    check(sol.masked_lm_metrics(logits, labels), by_definition(logits, labels), "logits predicting each label")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_every_position_scored(sol):
    """No label -100: every position counts."""
    logits, labels = random_case(6, 3, 5, 6, scored=1.0)
    check(sol.masked_lm_metrics(logits, labels), by_definition(logits, labels), "no ignored label")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_loss_is_token_level_mean(sol):
    """Rows with different numbers of scored positions: the mean is over positions of the whole batch."""
    logits, labels = random_case(7, 3, 10, 8, scored=1.0)
    labels[0, 1:] = -100  # row 0: 1 scored position, rows 1 and 2: 10
    check(sol.masked_lm_metrics(logits, labels), by_definition(logits, labels), "rows with 1, 10 and 10 scored")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(2, 4), (0, 4), (3, 0)], ids=cases())
def test_nothing_scored_shapes(sol, shape):
    """No scored position (all -100, or an empty batch) gives (nan, nan, 0)."""
    logits = np.zeros(shape + (6,))
    labels = np.full(shape, -100, dtype=np.int64)
    check(sol.masked_lm_metrics(logits, labels), (math.nan, math.nan, 0), f"all -100, shape {shape}")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_logits_stable(sol):
    """Logits of magnitude 1e4 and -inf give exact finite results."""
    logits = np.array([[[1e4, 0.0, -1e4], [1e4, 1e4, -np.inf], [-1e4, 0.0, 1e4], [-np.inf, 3.0, -np.inf]]])
    labels = np.array([[0, 1, 1, 1]])
    check(sol.masked_lm_metrics(logits, labels), ((0.0 + math.log(2.0) + 1e4 + 0.0) / 4, 2 / 4, 4),
          "logits of magnitude 1e4")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits(sol):
    """float32 logits and int32 labels: floats close to the float64 computation (rtol 1e-6)."""
    logits, labels = random_case(8, 2, 12, 9, scored=0.5)
    logits32 = logits.astype(np.float32)
    check(sol.masked_lm_metrics(logits32, labels.astype(np.int32)), by_definition(logits32, labels),
          "float32 logits, int32 labels", rtol=1e-6)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_confident_predictions(sol):
    """float32 logits are upcast before the log-softmax: losses near 1e-5 keep their digits (rtol 1e-6)."""
    gen = np.random.default_rng(23)
    labels = gen.integers(0, 6, size=(2, 8))
    logits = np.zeros((2, 8, 6), dtype=np.float32)
    for b in range(2):
        for t in range(8):
            logits[b, t, labels[b, t]] = 12.0 + (b + t) / 8  # exact in float32; nll ~ 3e-5
    labels[1, 5] = -100
    check(sol.masked_lm_metrics(logits, labels), by_definition(logits, labels),
          "float32 logits of confident predictions", rtol=1e-6)


@functools.cache
def large_case() -> tuple[np.ndarray, np.ndarray, tuple[float, float, int]]:
    """Inputs and expected metrics of test_large, computed once per test session (the arrays are only read)."""
    gen = np.random.default_rng(9)
    logits = gen.normal(0.0, 3.0, size=(8, 128, 1000))
    labels = gen.integers(0, 1000, size=(8, 128))
    labels[gen.random((8, 128)) >= 0.15] = -100
    hit = labels != -100
    labels[hit & (gen.random((8, 128)) < 0.5)] = -1  # placeholder, replaced just below
    predicted = np.argmax(logits, axis=-1)
    labels = np.where(labels == -1, predicted, labels)  # half the scored positions are correct
    rows, targets = logits[hit], labels[hit]
    top = rows.max(axis=-1)
    lse = top + np.log(np.exp(rows - top[:, None]).sum(axis=-1))  # stable log-sum-exp, float64
    expected_loss = math.fsum(lse - rows[np.arange(len(targets)), targets]) / len(targets)
    expected_acc = float(np.mean(np.argmax(rows, axis=-1) == targets))
    return logits, labels, (expected_loss, expected_acc, int(hit.sum()))


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A batch of 8 x 128 positions over a vocabulary of 1000 is accurate and fast."""
    logits, labels, expected = large_case()
    check(sol.masked_lm_metrics(logits, labels), expected, "logits (8, 128, 1000)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("which", ["2-D logits", "empty vocabulary", "labels shape", "label >= V", "label -1",
                                   "float labels"], ids=cases())
def test_invalid(sol, which):
    """Bad shapes, dtypes or label values raise ValueError naming logits or labels."""
    logits, labels = random_case(10, 2, 4, 5, scored=1.0)
    match = "labels"
    if which == "2-D logits":
        logits, match = logits[0], "logits"
    elif which == "empty vocabulary":
        logits, labels, match = np.zeros((2, 4, 0)), np.full((2, 4), -100), "logits"
    elif which == "labels shape":
        labels = labels[:, :3]
    elif which == "label >= V":
        labels[1, 2] = 5
    elif which == "label -1":
        labels[0, 3] = -1
    else:
        labels = labels.astype(np.float64)
    expect_raises(ValueError, sol.masked_lm_metrics, logits, labels, match=match)
