"""Hidden tests of prompt_label_scoring. Expected values come from loops over the definitions with math.exp and
math.log (one number at a time, shifted by the maximum), never from the reference."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def softmax(values):
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    return [x / sum(exps) for x in exps]


def log_softmax_at(row, index):
    row = [float(x) for x in row]
    top = max(row)
    return row[index] - top - math.log(sum(math.exp(x - top) for x in row))


def cloze_by_definition(mask_logits, verbalizer):
    out = np.zeros((mask_logits.shape[0], len(verbalizer)))
    for b in range(mask_logits.shape[0]):
        out[b] = softmax([float(mask_logits[b, v]) for v in verbalizer])
    return out


def causal_by_definition(logits, ids, prompt_length, lengths):
    scores = []
    for c in range(logits.shape[0]):
        total = 0.0
        for t in range(prompt_length, prompt_length + int(lengths[c])):
            total += log_softmax_at(logits[c, t - 1], int(ids[c, t]))
        scores.append(total)
    return np.array(scores), np.array(softmax(scores))


def calibration_by_definition(probs, free):
    k, n = free.shape
    p_cf = [sum(float(free[i, c]) for i in range(k)) / k for c in range(n)]
    p_cf = [x / sum(p_cf) for x in p_cf]
    out = np.zeros(probs.shape)
    for b in range(probs.shape[0]):
        row = [float(x) / sum(float(y) for y in probs[b]) for x in probs[b]]
        divided = [row[c] / p_cf[c] for c in range(n)]
        out[b] = [x / sum(divided) for x in divided]
    return out


def label_batch(rng, n_labels, length, vocab, prompt_length, scale=1.0):
    """Logits and ids of C candidate sequences; padding holds ids outside the vocabulary (never read)."""
    logits = rng.normal(size=(n_labels, length, vocab)) * scale
    lengths = rng.integers(1, length - prompt_length + 1, size=n_labels)
    ids = np.full((n_labels, length), -100, dtype=np.int64)
    prompt = rng.integers(0, vocab, size=prompt_length)
    for c in range(n_labels):
        ids[c, :prompt_length] = prompt
        ids[c, prompt_length:prompt_length + lengths[c]] = rng.integers(0, vocab, size=lengths[c])
    return logits, ids, lengths


def check_causal(got, expected, name):
    got = expect_sequence(got, 2, name=name)
    expect_allclose(got[0], expected[0], rtol=1e-12, atol=1e-12, name=f"scores of {name}")
    expect_allclose(got[1], expected[1], rtol=1e-10, atol=1e-300, name=f"probs of {name}")


# cloze_label_probs

@pytest.mark.points(3)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n_labels", [2, 3, 5], ids=cases())
def test_cloze_random(sol, n_labels):
    """Random masked-LM logits and verbalizers: the softmax over the label words only."""
    rng = np.random.default_rng(20 + n_labels)
    mask_logits = rng.normal(size=(7, 30)) * 3
    verbalizer = rng.permutation(30)[:n_labels]
    expect_allclose(sol.cloze_label_probs(mask_logits, verbalizer), cloze_by_definition(mask_logits, verbalizer),
                    rtol=1e-12, atol=1e-15, name="cloze_label_probs of random logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_cloze_large_logits(sol):
    """Logits in the thousands give finite probabilities (a softmax shifted by the maximum)."""
    mask_logits = np.array([[1000.0, 0.0, 999.0, 5.0], [-3000.0, 2.0, -3001.0, 7.0], [800.0, 800.0, 0.0, 0.0]])
    verbalizer = np.array([0, 2])
    expect_allclose(sol.cloze_label_probs(mask_logits, verbalizer), cloze_by_definition(mask_logits, verbalizer),
                    rtol=1e-12, atol=1e-15, name="cloze_label_probs with large logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_cloze_label_order(sol):
    """Column c follows verbalizer[c], in the verbalizer's order (not sorted by id)."""
    mask_logits = np.array([[0.0, 1.0, 2.0, 3.0]])
    expect_allclose(sol.cloze_label_probs(mask_logits, np.array([3, 0, 1])),
                    np.array([softmax([3.0, 0.0, 1.0])]), rtol=1e-12, atol=0,
                    name="cloze_label_probs with an unsorted verbalizer")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_cloze_one_label_and_empty_batch(sol):
    """One label gets probability 1; B = 0 gives a (0, C) float64 array."""
    expect_allclose(sol.cloze_label_probs(np.array([[5.0, -2.0]]), np.array([1])), np.ones((1, 1)), rtol=1e-12,
                    atol=0, name="cloze_label_probs with one label")
    expect_allclose(sol.cloze_label_probs(np.zeros((0, 6)), np.array([1, 4])), np.zeros((0, 2)), rtol=0, atol=0,
                    name="cloze_label_probs of an empty batch")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_cloze_float32(sol):
    """float32 logits give float64 probabilities."""
    rng = np.random.default_rng(24)
    mask_logits = rng.normal(size=(4, 9)).astype(np.float32)
    verbalizer = np.array([8, 1, 4], dtype=np.int32)
    expect_allclose(sol.cloze_label_probs(mask_logits, verbalizer), cloze_by_definition(mask_logits, verbalizer),
                    rtol=1e-6, atol=1e-9, name="cloze_label_probs of float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["one_dim", "empty_vocab", "integers"], ids=cases())
def test_cloze_bad_logits(sol, case):
    """mask_logits not a float (B, V >= 1) array raises ValueError naming mask_logits."""
    logits, verbalizer = {"one_dim": (np.zeros(5), np.array([1])), "empty_vocab": (np.zeros((2, 0)), np.array([0])),
                          "integers": (np.zeros((2, 5), dtype=np.int64), np.array([1]))}[case]
    expect_raises(ValueError, sol.cloze_label_probs, logits, verbalizer, match="mask_logits")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["too_large", "negative", "repeated", "two_dim", "empty", "floats"], ids=cases())
def test_cloze_bad_verbalizer(sol, case):
    """A verbalizer that is not distinct 1-D integer ids in [0, V) raises ValueError naming verbalizer."""
    verbalizer = {"too_large": np.array([1, 5]), "negative": np.array([-1, 2]), "repeated": np.array([3, 0, 3]),
                  "two_dim": np.array([[1, 2]]), "empty": np.zeros(0, dtype=np.int64),
                  "floats": np.array([1.0, 2.0])}[case]
    expect_raises(ValueError, sol.cloze_label_probs, np.zeros((2, 5)), verbalizer, match="verbalizer")


# causal_label_probs

@pytest.mark.points(3)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("prompt_length", [1, 3, 6], ids=cases())
def test_causal_random(sol, prompt_length):
    """Random logits, labels of different lengths and padding ids never read: sums of shifted log-probs."""
    rng = np.random.default_rng(30 + prompt_length)
    logits, ids, lengths = label_batch(rng, 4, 10, 12, prompt_length)
    lengths[0], lengths[1] = 1, 10 - prompt_length  # the shortest and the longest label
    ids[1, prompt_length:] = rng.integers(0, 12, size=10 - prompt_length)
    ids[0, prompt_length + 1:] = 99
    check_causal(sol.causal_label_probs(logits, ids, prompt_length, lengths),
                 causal_by_definition(logits, ids, prompt_length, lengths), "causal_label_probs of random logits")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_causal_shift(sol):
    """The token at t is scored by the logits at t - 1, never by its own position's logits."""
    logits = np.zeros((2, 5, 4))
    logits[0, 2, 3] = 5.0  # predicts position 3, label 0's only token
    logits[0, 3, 1] = 9.0  # its own position: must not matter
    logits[1, 2, 0] = 2.0
    logits[1, 3, 2] = 4.0
    ids = np.array([[1, 2, 0, 3, 0], [1, 2, 0, 0, 2]])
    lengths = np.array([1, 2])
    check_causal(sol.causal_label_probs(logits, ids, 3, lengths), causal_by_definition(logits, ids, 3, lengths),
                 "causal_label_probs with one peaked row per label")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_causal_sum_not_mean(sol):
    """A longer label's score is the sum over its tokens: equal per-token log-probs, longer label less likely."""
    logits = np.zeros((3, 6, 5))
    ids = np.array([[0, 1, 2, 0, 0, 0], [0, 1, 2, 3, 4, 0], [0, 1, 4, 4, 4, 4]])
    lengths = np.array([1, 3, 4])
    check_causal(sol.causal_label_probs(logits, ids, 2, lengths), causal_by_definition(logits, ids, 2, lengths),
                 "causal_label_probs with uniform logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_causal_very_negative_scores(sol):
    """Scores below -1000 still give probabilities that sum to 1 (a softmax shifted by the maximum, no 0 / 0)."""
    rng = np.random.default_rng(35)
    logits, ids, lengths = label_batch(rng, 3, 14, 50, 2, scale=60.0)
    lengths[:] = [12, 10, 11]
    for c in range(3):
        ids[c, 2:2 + lengths[c]] = np.argmin(logits[c, 1:1 + lengths[c]], axis=1)  # the least likely tokens
    expected = causal_by_definition(logits, ids, 2, lengths)
    assert expected[0].max() < -1000
    check_causal(sol.causal_label_probs(logits, ids, 2, lengths), expected, "causal_label_probs of unlikely labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_causal_large_logits(sol):
    """Logits of magnitude 1e4 give finite log-probabilities (a stable log-softmax)."""
    rng = np.random.default_rng(36)
    logits, ids, lengths = label_batch(rng, 2, 6, 8, 2, scale=1e4)
    check_causal(sol.causal_label_probs(logits, ids, 2, lengths), causal_by_definition(logits, ids, 2, lengths),
                 "causal_label_probs with large logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_causal_one_label_float32(sol):
    """One label (probability 1) from float32 logits and int32 ids."""
    rng = np.random.default_rng(37)
    logits, ids, lengths = label_batch(rng, 1, 5, 6, 2)
    got = sol.causal_label_probs(logits.astype(np.float32), ids.astype(np.int32), 2, lengths)
    expected = causal_by_definition(logits.astype(np.float32), ids, 2, lengths)
    got = expect_sequence(got, 2, name="causal_label_probs with one label")
    expect_allclose(got[0], expected[0], rtol=1e-6, atol=1e-9, name="scores of causal_label_probs with one label")
    expect_allclose(got[1], np.ones(1), rtol=1e-12, atol=0, name="probs of causal_label_probs with one label")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["two_dim", "no_labels", "empty_vocab", "integers"], ids=cases())
def test_causal_bad_logits(sol, case):
    """logits not a float (C, T, V) array with C, V >= 1 raises ValueError naming logits."""
    logits, ids = {"two_dim": (np.zeros((4, 3)), np.zeros((1, 4), dtype=np.int64)),
                   "no_labels": (np.zeros((0, 4, 3)), np.zeros((0, 4), dtype=np.int64)),
                   "empty_vocab": (np.zeros((1, 4, 0)), np.zeros((1, 4), dtype=np.int64)),
                   "integers": (np.zeros((1, 4, 3), dtype=np.int64), np.zeros((1, 4), dtype=np.int64))}[case]
    expect_raises(ValueError, sol.causal_label_probs, logits, ids, 2, np.ones(ids.shape[0], dtype=np.int64),
                  match="logits")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["shape", "floats", "out_of_vocab", "negative"], ids=cases())
def test_causal_bad_input_ids(sol, case):
    """input_ids not an integer (C, T) array, or a label token outside [0, V), raises ValueError naming input_ids."""
    ids = {"shape": np.zeros((2, 5), dtype=np.int64), "floats": np.zeros((2, 4)),
           "out_of_vocab": np.array([[0, 0, 1, 0], [0, 0, 3, 0]]),
           "negative": np.array([[0, 0, -1, 0], [0, 0, 1, 0]])}[case]
    expect_raises(ValueError, sol.causal_label_probs, np.zeros((2, 4, 3)), ids, 2, np.array([1, 1]),
                  match="input_ids")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("prompt_length", [0, 4, -1], ids=cases())
def test_causal_bad_prompt_length(sol, prompt_length):
    """prompt_length outside [1, T) raises ValueError naming prompt_length."""
    expect_raises(ValueError, sol.causal_label_probs, np.zeros((2, 4, 3)), np.zeros((2, 4), dtype=np.int64),
                  prompt_length, np.array([1, 1]), match="prompt_length")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["zero", "too_long", "shape", "floats"], ids=cases())
def test_causal_bad_label_lengths(sol, case):
    """label_lengths not integers in [1, T - P] of shape (C,) raises ValueError naming label_lengths."""
    lengths = {"zero": np.array([0, 1]), "too_long": np.array([1, 3]), "shape": np.array([1, 1, 1]),
               "floats": np.array([1.0, 1.0])}[case]
    expect_raises(ValueError, sol.causal_label_probs, np.zeros((2, 4, 3)), np.zeros((2, 4), dtype=np.int64), 2,
                  lengths, match="label_lengths")


# contextual_calibration

@pytest.mark.points(3)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n_free", [1, 3], ids=cases())
def test_calibration_random(sol, n_free):
    """Random unnormalized label probabilities and content-free rows of different sums."""
    rng = np.random.default_rng(40 + n_free)
    probs = rng.uniform(0.01, 1.0, size=(8, 4)) * rng.uniform(0.1, 3.0, size=(8, 1))
    free = rng.uniform(0.01, 1.0, size=(n_free, 4)) * rng.uniform(0.05, 2.0, size=(n_free, 1))
    expect_allclose(sol.contextual_calibration(probs, free), calibration_by_definition(probs, free), rtol=1e-12,
                    atol=1e-15, name="contextual_calibration of random probabilities")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_calibration_average_before_normalizing(sol):
    """Content-free rows are averaged as given, then normalized (Zhao et al.'s get_p_content_free)."""
    probs = np.array([[0.5, 0.5], [0.2, 0.8]])
    free = np.array([[0.9, 0.05], [0.01, 0.04]])  # mean [0.455, 0.045]; row-normalized first would be [0.625, 0.375]
    expect_allclose(sol.contextual_calibration(probs, free), calibration_by_definition(probs, free), rtol=1e-12,
                    atol=0, name="contextual_calibration with content-free rows of different sums")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_calibration_divides_and_renormalizes(sol):
    """q = W p / sum(W p) with W = diag(p_cf)^-1: a ratio, not a softmax, a difference or a product."""
    probs = np.array([[0.6, 0.3, 0.1], [0.1, 0.1, 0.8], [1.0, 0.0, 0.0]])
    free = np.array([[0.5, 0.3, 0.2]])
    expect_allclose(sol.contextual_calibration(probs, free), calibration_by_definition(probs, free), rtol=1e-12,
                    atol=1e-15, name="contextual_calibration with three labels")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_calibration_uniform_and_empty(sol):
    """A uniform p_cf changes nothing but the normalization; B = 0 gives (0, C)."""
    probs = np.array([[2.0, 6.0], [1.0, 1.0]])
    expect_allclose(sol.contextual_calibration(probs, np.array([[0.3, 0.3], [0.1, 0.1]])),
                    np.array([[0.25, 0.75], [0.5, 0.5]]), rtol=1e-12, atol=0,
                    name="contextual_calibration with a uniform p_cf")
    expect_allclose(sol.contextual_calibration(np.zeros((0, 3)), np.ones((2, 3))), np.zeros((0, 3)), rtol=0, atol=0,
                    name="contextual_calibration of an empty batch")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["negative", "zero_row", "one_dim", "integers", "no_labels"], ids=cases())
def test_calibration_bad_label_probs(sol, case):
    """label_probs not a float (B, C >= 1) array of non-negative rows with positive sums raises ValueError."""
    probs = {"negative": np.array([[0.5, -0.1]]), "zero_row": np.array([[0.5, 0.5], [0.0, 0.0]]),
             "one_dim": np.array([0.5, 0.5]), "integers": np.array([[1, 2]]), "no_labels": np.zeros((2, 0))}[case]
    free = np.ones((1, probs.shape[-1]))
    expect_raises(ValueError, sol.contextual_calibration, probs, free, match="label_probs")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["columns", "no_rows", "negative", "zero_mean", "one_dim", "integers"],
                         ids=cases())
def test_calibration_bad_content_free(sol, case):
    """content_free_probs not a float (K >= 1, C) array of non-negative values with a positive mean per label."""
    free = {"columns": np.ones((1, 3)), "no_rows": np.zeros((0, 2)), "negative": np.array([[0.5, -0.5]]),
            "zero_mean": np.array([[0.5, 0.0], [0.2, 0.0]]), "one_dim": np.array([0.5, 0.5]),
            "integers": np.array([[1, 1]])}[case]
    expect_raises(ValueError, sol.contextual_calibration, np.array([[0.3, 0.7]]), free, match="content_free_probs")
