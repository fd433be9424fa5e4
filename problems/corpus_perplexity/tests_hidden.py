"""Hidden tests for corpus_perplexity. Expected values: a loop over every (row, position) in Python floats."""

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


def total_nll(logits, labels):
    losses = []
    for b in range(labels.shape[0]):
        for t in range(labels.shape[1] - 1):
            y = int(labels[b, t + 1])
            if y != -100:
                losses.append(target_loss(logits[b, t], y))
    return math.fsum(losses), len(losses)


def perplexity(logits, labels):
    s, n = total_nll(logits, labels)
    if n == 0:
        return math.nan
    mean = s / n
    return math.exp(mean) if mean < 709.0 else float(np.exp(mean))


def corpus(seed, rows, length, vocab, scale=2.0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, scale, size=(rows, length, vocab))
    labels = rng.integers(0, vocab, size=(rows, length))
    for b in range(rows):
        labels[b, rng.integers(1, length + 1):] = -100
    return logits, labels


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,rows,length,vocab", [(1, 4, 10, 6), (2, 8, 3, 11), (3, 1, 40, 5)],
                         ids=cases())
def test_random_corpus(sol, seed, rows, length, vocab):
    """Random logits and padded sequences: exp of the token-weighted mean loss."""
    logits, labels = corpus(seed, rows, length, vocab)
    expect_float(sol.corpus_perplexity(logits, labels), perplexity(logits, labels),
                 name=f"corpus_perplexity of a {rows}x{length} corpus", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_token_weighting(sol):
    """One long and several short sequences: the token-weighted mean, not a mean over sequences."""
    logits, labels = corpus(4, 6, 30, 8, scale=3.0)
    labels[0, :] = np.arange(30) % 8
    labels[1:, 3:] = -100
    expect_float(sol.corpus_perplexity(logits, labels), perplexity(logits, labels),
                 name="corpus_perplexity of uneven sequences", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_shift_alignment(sol):
    """A perfect next-token predictor (one-hot logits at t for labels[t + 1]) has perplexity close to 1."""
    labels = np.array([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]])
    logits = np.full((2, 5, 5), -20.0)
    for b in range(2):
        for t in range(4):
            logits[b, t, labels[b, t + 1]] = 20.0
    expect_float(sol.corpus_perplexity(logits, labels), perplexity(logits, labels),
                 name="corpus_perplexity of a perfect predictor", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_first_label_never_scored(sol):
    """labels[:, 0] is not a target: -100 there changes nothing."""
    logits, labels = corpus(5, 3, 6, 4)
    other = labels.copy()
    other[:, 0] = -100
    expect_float(sol.corpus_perplexity(logits, other), perplexity(logits, labels),
                 name="corpus_perplexity with labels[:, 0] = -100", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_padding_is_nan(sol):
    """Every target -100: nan."""
    labels = np.array([[5, -100, -100], [1, -100, -100]])
    expect_float(sol.corpus_perplexity(np.ones((2, 3, 6)), labels), math.nan, rtol=0, atol=0,
                 name="corpus_perplexity with every target ignored")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_logits(sol):
    """Logits of magnitude 1e4 with mostly right predictions: finite and exact."""
    logits = np.array([[[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4 - 3.0], [0.0, 0.0, 0.0]]])
    labels = np.array([[2, 0, 2]])
    expect_float(sol.corpus_perplexity(logits, labels), perplexity(logits, labels),
                 name="corpus_perplexity with logits of magnitude 1e4", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_overflow_is_inf(sol):
    """A mean loss of 2e4 nats: the perplexity overflows to inf (no exception)."""
    logits = np.array([[[1e4, -1e4], [1e4, -1e4], [0.0, 0.0]]])
    labels = np.array([[0, 1, 1]])
    expect_float(sol.corpus_perplexity(logits, labels), math.inf, rtol=0, atol=0,
                 name="corpus_perplexity of a confidently wrong model")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits(sol):
    """float32 logits are accepted; the result is a float."""
    logits, labels = corpus(6, 3, 8, 5)
    logits32 = logits.astype(np.float32)
    expect_float(sol.corpus_perplexity(logits32, labels), perplexity(logits32.astype(np.float64), labels),
                 rtol=1e-6, atol=1e-7, name="corpus_perplexity of float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_other_integer_label_dtypes(sol):
    """labels may be any integer dtype: int32 and int16 are accepted."""
    logits, labels = corpus(9, 3, 7, 6)
    expected = perplexity(logits, labels)
    for dtype in (np.int32, np.int16):
        expect_float(sol.corpus_perplexity(logits, labels.astype(dtype)), expected,
                     name=f"corpus_perplexity with {np.dtype(dtype).name} labels", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_corpus(sol):
    """A (32, 128, 64) corpus."""
    logits, labels = corpus(7, 32, 128, 64, scale=2.5)
    expect_float(sol.corpus_perplexity(logits, labels), perplexity(logits, labels),
                 name="corpus_perplexity of a (32, 128, 64) corpus", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_invalid_labels(sol):
    """Out-of-range or float labels, or a wrong shape, raise ValueError naming labels."""
    logits = np.zeros((2, 3, 4))
    good = np.array([[0, 1, 2], [3, -100, -100]])
    for bad in (np.array([[4, 1, 2], [3, -100, -100]]), np.array([[0, 1, 2], [3, -7, -100]]),
                good.astype(np.float64), good[:1]):
        expect_raises(ValueError, sol.corpus_perplexity, logits, bad, match="labels")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_logits_not_3d(sol):
    """2-D logits raise ValueError naming logits."""
    expect_raises(ValueError, sol.corpus_perplexity, np.zeros((3, 4)), np.zeros((3, 4), dtype=np.int64),
                  match="logits")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("nll,num_bytes", [(0.0, 1), (17.25, 3), (123456.789, 98765), (1.0, np.int64(2))],
                         ids=["zero", "small", "large", "numpy-int"])
def test_bits_per_byte_values(sol, nll, num_bytes):
    """bits_per_byte is total_nll / (ln 2 * num_bytes)."""
    expect_float(sol.bits_per_byte(nll, num_bytes), nll / math.log(2) / int(num_bytes),
                 name=f"bits_per_byte({nll}, {num_bytes})", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_bits_per_byte_matches_corpus(sol):
    """Bits per byte of a corpus equals log2(perplexity) * tokens / bytes."""
    logits, labels = corpus(8, 4, 12, 9)
    s, n = total_nll(logits, labels)
    expect_float(sol.bits_per_byte(s, 3 * n), math.log2(perplexity(logits, labels)) * n / (3 * n),
                 name="bits_per_byte of a corpus of N tokens and 3N bytes", rtol=1e-9, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("num_bytes", [-5, 2.5, 10.0, True], ids=["negative", "float", "float-integral", "bool"])
def test_bits_per_byte_invalid_num_bytes(sol, num_bytes):
    """num_bytes that is not a positive integer raises ValueError naming num_bytes."""
    expect_raises(ValueError, sol.bits_per_byte, 10.0, num_bytes, match="num_bytes")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bits_per_byte_negative_nll(sol):
    """A negative total NLL raises ValueError naming total_nll_nats."""
    expect_raises(ValueError, sol.bits_per_byte, -0.5, 10, match="total_nll_nats")
