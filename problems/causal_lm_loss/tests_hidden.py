"""Hidden tests for causal_lm_loss. Expected values come from a loop over (row, position) pairs written here,
never from the reference."""

import functools
import math

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises
from judge.checkers.case_ids import cases

RTOL = 1e-7  # float64 closed form


def nll(row, target):
    """-log softmax(row)[target] with a stable shift, in Python floats."""
    row = [float(v) for v in row]
    top = max(row)
    return top + math.log(math.fsum(math.exp(v - top) for v in row)) - row[target]


def loss_sum_count(logits, labels):
    """Sum of nll over every row b and position t < T - 1 whose target labels[b, t + 1] is not -100."""
    terms = []
    bsz, t_len, _ = logits.shape
    for b in range(bsz):
        for t in range(t_len - 1):
            target = int(labels[b, t + 1])
            if target != -100:
                terms.append(nll(logits[b, t], target))
    return math.fsum(terms), len(terms)


def by_definition(logits, labels, num_items_in_batch=None):
    total, count = loss_sum_count(np.asarray(logits, dtype=np.float64), labels)
    if num_items_in_batch is not None:
        return total / num_items_in_batch
    return total / count if count else math.nan


def random_case(seed, bsz, t_len, vocab, ignored=0.25):
    gen = np.random.default_rng(seed)
    logits = gen.normal(0.0, 2.5, size=(bsz, t_len, vocab))
    labels = gen.integers(0, vocab, size=(bsz, t_len))
    labels[gen.random((bsz, t_len)) < ignored] = -100
    return logits, labels


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,bsz,t_len,vocab", [(1, 1, 6, 5), (2, 3, 7, 11), (3, 5, 2, 4), (4, 2, 33, 17)],
                         ids=cases())
def test_matches_definition(sol, seed, bsz, t_len, vocab):
    """Random batches (several rows, ignored labels) match the shifted token-level mean."""
    logits, labels = random_case(seed, bsz, t_len, vocab)
    expect_float(sol.causal_lm_loss(logits, labels), by_definition(logits, labels), rtol=RTOL, atol=0.0,
                 name=f"causal_lm_loss(logits {logits.shape}, labels)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_shift_direction(sol):
    """Logits that predict the next label well give a tiny loss; the shift goes forward within each row."""
    labels = np.array([[3, 1, 4, 1, 5], [2, 6, 5, 3, 5]])
    logits = np.zeros((2, 5, 7))
    for b in range(2):
        for t in range(4):
            logits[b, t, labels[b, t + 1]] = 20.0
    logits[:, 4, :] = np.array([0.0, 9.0, -9.0, 4.0, 0.0, 1.0, 2.0])  # last position: never scored
    expected = nll([20.0] + [0.0] * 6, 0)
    expect_float(sol.causal_lm_loss(logits, labels), expected, rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(logits predicting the next token)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_token_level_mean_not_per_sequence(sol):
    """Rows with different numbers of targets: the mean is over tokens of the whole batch."""
    logits, labels = random_case(8, 3, 9, 6, ignored=0.0)
    labels[0, 2:] = -100  # row 0 has 1 target, rows 1 and 2 have 8
    expect_float(sol.causal_lm_loss(logits, labels), by_definition(logits, labels), rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(rows with 1, 8 and 8 targets)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_cross_row_prediction(sol):
    """The last position of one row never predicts the first label of the next row."""
    logits, labels = random_case(9, 4, 5, 8, ignored=0.0)
    expect_float(sol.causal_lm_loss(logits, labels), by_definition(logits, labels), rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(4 rows, no ignored label)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_first_label_and_last_logits_unused(sol):
    """labels[:, 0] and logits[:, -1] do not change the loss."""
    logits, labels = random_case(10, 3, 6, 9)
    base = sol.causal_lm_loss(logits, labels)
    expected = by_definition(logits, labels)
    expect_float(base, expected, rtol=RTOL, atol=0.0, name="causal_lm_loss(logits, labels)")
    other_logits, other_labels = logits.copy(), labels.copy()
    other_labels[:, 0] = np.array([-100, 0, 8])
    other_logits[:, -1] = np.random.default_rng(11).normal(0.0, 10.0, size=(3, 9))
    expect_float(sol.causal_lm_loss(other_logits, other_labels), expected, rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(other labels[:, 0] and logits[:, -1])")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n", [1, 7, 100], ids=cases())
def test_num_items_in_batch(sol, n):
    """With num_items_in_batch the sum of the scored nll is divided by it."""
    logits, labels = random_case(12, 2, 8, 6)
    expect_float(sol.causal_lm_loss(logits, labels, num_items_in_batch=n), by_definition(logits, labels, n),
                 rtol=RTOL, atol=0.0, name=f"causal_lm_loss(logits, labels, num_items_in_batch={n})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_num_items_numpy_integer(sol):
    """num_items_in_batch may be a NumPy integer."""
    logits, labels = random_case(13, 2, 5, 4)
    expect_float(sol.causal_lm_loss(logits, labels, num_items_in_batch=np.int64(9)), by_definition(logits, labels, 9),
                 rtol=RTOL, atol=0.0, name="causal_lm_loss(logits, labels, num_items_in_batch=np.int64(9))")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_gradient_accumulation_adds_up(sol):
    """Two micro-batches divided by the total count add up to the full-batch mean."""
    logits, labels = random_case(14, 6, 10, 7, ignored=0.4)
    _, n1 = loss_sum_count(logits[:2], labels[:2])
    _, n2 = loss_sum_count(logits[2:], labels[2:])
    first = sol.causal_lm_loss(logits[:2], labels[:2], num_items_in_batch=n1 + n2)
    second = sol.causal_lm_loss(logits[2:], labels[2:], num_items_in_batch=n1 + n2)
    expect_float(first, by_definition(logits[:2], labels[:2], n1 + n2), rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(micro-batch 1, num_items_in_batch=total)")
    expect_float(first + second, by_definition(logits, labels), rtol=RTOL, atol=0.0,
                 name="sum of the two micro-batch losses")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_ignored(sol):
    """Every target -100: nan without num_items_in_batch, 0.0 with it."""
    logits, _ = random_case(15, 2, 4, 3)
    labels = np.full((2, 4), -100)
    labels[:, 0] = 1  # the first label is never a target
    expect_float(sol.causal_lm_loss(logits, labels), math.nan, rtol=0.0, atol=0.0,
                 name="causal_lm_loss with every target ignored")
    expect_float(sol.causal_lm_loss(logits, labels, num_items_in_batch=5), 0.0, rtol=0.0, atol=0.0,
                 name="causal_lm_loss with every target ignored and num_items_in_batch given")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("t_len", [0, 1], ids=cases())
def test_too_short(sol, t_len):
    """T == 0 or T == 1: nothing is scored, nan (0.0 with num_items_in_batch)."""
    logits = np.zeros((3, t_len, 5))
    labels = np.zeros((3, t_len), dtype=np.int64)
    expect_float(sol.causal_lm_loss(logits, labels), math.nan, rtol=0.0, atol=0.0,
                 name=f"causal_lm_loss(T == {t_len})")
    expect_float(sol.causal_lm_loss(logits, labels, num_items_in_batch=2), 0.0, rtol=0.0, atol=0.0,
                 name=f"causal_lm_loss(T == {t_len}, num_items_in_batch=2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_logits_stable(sol):
    """Logits of magnitude 1e4 and -inf give exact finite results."""
    logits = np.array([[[1e4, 0.0, -1e4], [1e4, 1e4, -np.inf], [-1e4, 0.0, 1e4], [0.0, 0.0, 0.0]]])
    labels = np.array([[0, 1, 0, 1]])
    expect_float(sol.causal_lm_loss(logits, labels), (1e4 + math.log(2.0) + 1e4) / 3, rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(logits of magnitude 1e4)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits(sol):
    """float32 logits are upcast; the result is a float close to the float64 computation (rtol 1e-6)."""
    logits, labels = random_case(16, 2, 9, 13)
    logits32 = logits.astype(np.float32)
    expect_float(sol.causal_lm_loss(logits32, labels.astype(np.int32)), by_definition(logits32, labels),
                 rtol=1e-6, atol=0.0, name="causal_lm_loss(float32 logits, int32 labels)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_confident_predictions(sol):
    """float32 logits are upcast before the log-softmax: losses near 1e-5 keep their digits (rtol 1e-6)."""
    gen = np.random.default_rng(21)
    labels = gen.integers(0, 6, size=(3, 7))
    logits = np.zeros((3, 7, 6), dtype=np.float32)
    for b in range(3):
        for t in range(6):
            logits[b, t, labels[b, t + 1]] = 12.0 + (b + t) / 8  # exact in float32; nll ~ 3e-5
    expect_float(sol.causal_lm_loss(logits, labels), by_definition(logits, labels), rtol=1e-6, atol=0.0,
                 name="causal_lm_loss(float32 logits of confident predictions)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_first_label_not_checked(sol):
    """labels[:, 0] is never a target, so it is not range-checked: -1 or V there changes nothing."""
    logits, labels = random_case(22, 2, 5, 4)
    expected = by_definition(logits, labels)
    labels[:, 0] = [-1, 4]
    expect_float(sol.causal_lm_loss(logits, labels), expected, rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(labels[:, 0] = [-1, V])")


@functools.cache
def large_case() -> tuple[np.ndarray, np.ndarray, float]:
    """Inputs and expected loss of test_large, computed once per test session (the arrays are only read)."""
    gen = np.random.default_rng(17)
    logits = gen.normal(0.0, 3.0, size=(4, 256, 512))
    labels = gen.integers(0, 512, size=(4, 256))
    labels[:, :40] = -100  # a prompt that is not scored
    targets = labels[:, 1:]
    valid = targets != -100
    scores = logits[:, :-1]
    top = scores.max(axis=-1)
    lse = top + np.log(np.exp(scores - top[..., None]).sum(axis=-1))  # stable log-sum-exp, float64
    picked = np.take_along_axis(scores, np.where(valid, targets, 0)[..., None], axis=-1)[..., 0]
    return logits, labels, math.fsum((lse - picked)[valid]) / valid.sum()


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A batch of 4 x 256 tokens over a vocabulary of 512 is accurate and fast."""
    logits, labels, expected = large_case()
    expect_float(sol.causal_lm_loss(logits, labels), expected, rtol=RTOL, atol=0.0,
                 name="causal_lm_loss(logits (4, 256, 512))")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("which", ["2-D logits", "labels shape", "label >= V", "label -1", "float labels"], ids=cases())
def test_invalid_logits_or_labels(sol, which):
    """Bad shapes, dtypes or target values raise ValueError naming logits or labels."""
    logits, labels = random_case(18, 2, 4, 5, ignored=0.0)
    match = "labels"
    if which == "2-D logits":
        logits, match = logits[0], "logits"
    elif which == "labels shape":
        labels = labels[:, :3]
    elif which == "label >= V":
        labels[1, 2] = 5
    elif which == "label -1":
        labels[0, 3] = -1
    else:
        labels = labels.astype(np.float64)
    expect_raises(ValueError, sol.causal_lm_loss, logits, labels, match=match)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("n", [0, -4, 2.5, 4.0, True], ids=cases())
def test_invalid_num_items(sol, n):
    """num_items_in_batch that is not an integer >= 1 raises ValueError naming it."""
    logits, labels = random_case(19, 2, 4, 5)
    expect_raises(ValueError, sol.causal_lm_loss, logits, labels, num_items_in_batch=n, match="num_items_in_batch")
