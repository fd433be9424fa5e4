"""Hidden tests for logits_filter. Expected values come from a per-row loop over the definition."""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_allclose, expect_array, expect_proportion, expect_raises
from judge.checkers.case_ids import cases

NEG = -np.inf


def filter_row(row, temperature, top_k, top_p):
    """The definition, one row, plain Python. Also returns the smallest distance of a cumulative sum to top_p."""
    z = [float(v) / temperature for v in row]
    if 0 < top_k < len(z):
        cut = sorted(z, reverse=True)[top_k - 1]
        z = [v if v >= cut else NEG for v in z]
    margin = math.inf
    if top_p < 1.0:
        m = max(z)
        e = [math.exp(v - m) if v != NEG else 0.0 for v in z]
        total = sum(e)
        probs = [v / total for v in e]
        acc, q = 0.0, None
        for value in sorted(probs, reverse=True):
            acc += value
            margin = min(margin, abs(acc - top_p))
            q = value
            if acc >= top_p:
                break
        z = [v if pr >= q else NEG for v, pr in zip(z, probs, strict=True)]
    return z, margin


def by_definition(x, temperature=1.0, top_k=0, top_p=1.0):
    rows, margin = [], math.inf
    for row in np.asarray(x, dtype=np.float64):
        z, m = filter_row(row, temperature, top_k, top_p)
        rows.append(z)
        margin = min(margin, m)
    assert margin > 1e-9, "test data too close to the top_p boundary"
    return np.array(rows, dtype=np.float64).reshape(np.shape(x))


def check_filter(sol, x, name, **kw):
    expect_allclose(sol.filter_logits(x, **kw), by_definition(x, **kw), rtol=1e-12, atol=0, name=name)


# ---------------------------------------------------------------- filter_logits


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize(
    "temperature, top_k, top_p",
    [(1.0, 5, 1.0), (0.7, 0, 0.9), (1.3, 8, 0.75), (0.4, 3, 0.95), (2.5, 0, 0.5), (1.0, 20, 0.3)], ids=cases(),
)
def test_random_rows(sol, temperature, top_k, top_p):
    """Random logits match the definition for several (temperature, top_k, top_p)."""
    rng = np.random.default_rng(int(temperature * 100) + top_k * 7 + int(top_p * 1000))
    x = rng.normal(scale=2.0, size=(16, 30))
    check_filter(sol, x, f"filter_logits(x, temperature={temperature}, top_k={top_k}, top_p={top_p})",
                 temperature=temperature, top_k=top_k, top_p=top_p)


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_top_k_ties(sol):
    """Top-k keeps every entry tied with the k-th largest value."""
    x = np.array([[1.0, 3.0, 3.0, 3.0, 0.0, 2.0], [5.0, 4.0, 4.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0]])
    for k in (1, 2, 3, 4):
        check_filter(sol, x, f"filter_logits(x, top_k={k}) with ties", top_k=k)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_top_k_at_least_vocab(sol):
    """top_k >= V keeps everything; top_k 1 keeps the maximum."""
    x = np.array([[0.3, -2.0, 1.5, 0.0]])
    check_filter(sol, x, "filter_logits(x, top_k=4)", top_k=4)
    check_filter(sol, x, "filter_logits(x, top_k=50)", top_k=50)
    check_filter(sol, x, "filter_logits(x, top_k=1)", top_k=1)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_top_p_after_top_k(sol):
    """Top-p uses the probabilities renormalized over the top-k survivors."""
    # softmax of the whole row: 0.41, 0.41, 0.06, ... -> top_p 0.9 alone would keep 6 tokens;
    # after top_k=2 the two survivors have 0.5 each and both are kept.
    x = np.array([[3.0, 3.0, 1.0, 1.0, 1.0, 1.0, 0.0], [4.0, 2.0, 1.9, 1.8, 1.7, 0.0, -1.0]])
    check_filter(sol, x, "filter_logits(x, top_k=2, top_p=0.9)", top_k=2, top_p=0.9)
    check_filter(sol, x, "filter_logits(x, top_k=3, top_p=0.85)", top_k=3, top_p=0.85)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_temperature_before_top_p(sol):
    """Top-p is applied to softmax(logits / temperature), not to softmax(logits)."""
    x = np.array([[3.0, 2.0, 1.0, 0.0, -0.5], [1.0, 0.0, -1.0, -2.0, -3.0]])
    check_filter(sol, x, "filter_logits(x, temperature=2.0, top_p=0.8)", temperature=2.0, top_p=0.8)
    check_filter(sol, x, "filter_logits(x, temperature=0.25, top_p=0.99)", temperature=0.25, top_p=0.99)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_top_p_keeps_crossing_token(sol):
    """The token whose cumulative probability crosses top_p is kept; a tiny top_p keeps the top token."""
    x = np.log(np.array([[0.5, 0.3, 0.15, 0.05], [0.9, 0.05, 0.03, 0.02]]))
    check_filter(sol, x, "filter_logits(x, top_p=0.6)", top_p=0.6)
    check_filter(sol, x, "filter_logits(x, top_p=0.01)", top_p=0.01)
    check_filter(sol, x, "filter_logits(x, top_p=0.85)", top_p=0.85)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_top_p_ties(sol):
    """Entries tied in probability with the last kept one are kept."""
    x = np.array([[1.0, 1.0, 1.0, 1.0], [2.0, 1.0, 1.0, 1.0], [0.0, 2.0, 0.0, 2.0]])
    check_filter(sol, x, "filter_logits(x, top_p=0.3)", top_p=0.3)
    check_filter(sol, x, "filter_logits(x, top_p=0.6)", top_p=0.6)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_minus_inf_inputs(sol):
    """-inf inputs stay -inf, and count as candidates for top-k."""
    x = np.array([[NEG, 1.0, NEG, 0.5, 2.0], [NEG, NEG, 0.0, NEG, NEG]])
    check_filter(sol, x, "filter_logits(x, top_k=2)", top_k=2)
    check_filter(sol, x, "filter_logits(x, top_k=4, top_p=0.7)", top_k=4, top_p=0.7)
    check_filter(sol, x, "filter_logits(x, temperature=3.0)", temperature=3.0)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_logits(sol):
    """Logits around 1e4 with top-p do not overflow."""
    x = np.array([[1e4, 1e4 - 1.0, 1e4 - 2.0, 1e4 - 30.0], [-1e4, -1e4 + 0.5, -1e4 + 3.0, -1e4 + 1.0]])
    check_filter(sol, x, "filter_logits(x, top_p=0.9) with |x| ~ 1e4", top_p=0.9)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_input(sol):
    """float32 logits give a float64 result."""
    x = np.random.default_rng(3).normal(size=(4, 9)).astype(np.float32)
    check_filter(sol, x, "filter_logits(float32 x, temperature=0.8, top_k=5, top_p=0.9)",
                 temperature=0.8, top_k=5, top_p=0.9)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_filter_empty_batch(sol):
    """B = 0 gives an empty (0, V) float64 array."""
    expect_allclose(sol.filter_logits(np.zeros((0, 5)), top_k=2, top_p=0.5), np.zeros((0, 5)), rtol=1e-12, atol=0,
                    name="filter_logits(zeros((0, 5)), top_k=2, top_p=0.5)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize(
    "kw, word",
    [
        ({"temperature": -1.0}, "temperature"),
        ({"temperature": 0.0}, "temperature"),
        ({"top_k": -1}, "top_k"),
        ({"top_p": 0.0}, "top_p"),
        ({"top_p": 1.5}, "top_p"),
        ({"top_p": -0.2}, "top_p"),
    ],
    ids=["temperature_negative", "temperature_zero", "top_k_negative", "top_p_zero", "top_p_above_one",
         "top_p_negative"],
)
def test_bad_parameters(sol, kw, word):
    """Invalid temperature, top_k or top_p raise ValueError naming the parameter."""
    expect_raises(ValueError, sol.filter_logits, np.zeros((2, 3)), match=word, **kw)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_filter_not_2d(sol):
    """1-D logits raise ValueError naming logits."""
    expect_raises(ValueError, sol.filter_logits, np.zeros(4), match="logits")


# ---------------------------------------------------------------- sample


def draw(sol, x, rng):
    """Call sample and check the invariants that hold on every call."""
    got = sol.sample(x, rng=rng)
    if type(got) is not np.ndarray or got.dtype != np.int64 or got.shape != (x.shape[0],):
        expect_array(got, np.zeros(x.shape[0], dtype=np.int64), name="sample(x, rng=rng)")  # reports the form
    if got.size and (got.min() < 0 or got.max() >= x.shape[1]):
        raise CheckFailure("wrong values: sample returned an index outside [0, V)")
    if got.size and np.isneginf(x[np.arange(x.shape[0]), got]).any():
        raise CheckFailure("wrong values: sample drew an index whose logit is -inf")
    return got


LOGP = np.array([np.log(0.5), np.log(0.3), NEG, np.log(0.15), np.log(0.05)])  # index 2 has probability 0


@pytest.mark.points(3)
@pytest.mark.category("statistics")
def test_sample_distribution(sol):
    """20,000 draws from one row follow its softmax (band with false-failure rate < 1e-9)."""
    n = 20_000
    x = np.tile(LOGP, (n, 1))
    got = draw(sol, x, np.random.default_rng(2024))
    for j, p in enumerate([0.5, 0.3, 0.0, 0.15, 0.05]):
        if p == 0.0:
            continue
        expect_proportion(int((got == j).sum()), n, p, name=f"share of index {j} (softmax probability {p})",
                          hint="a share near 0.25 suggests sampling uniformly among finite entries; 1.0 for "
                               "index 0 suggests argmax; check that you exponentiate the logits")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_sample_per_row_distribution(sol):
    """Every row is drawn from its own softmax (alternating rows with different distributions)."""
    n = 20_000
    x = np.empty((n, 3))
    x[0::2] = np.log([0.7, 0.2, 0.1])
    x[1::2] = np.log([0.1, 0.1, 0.8])
    got = draw(sol, x, np.random.default_rng(77))
    expect_proportion(int((got[0::2] == 0).sum()), n // 2, 0.7, name="share of index 0 in even rows (p = 0.7)",
                      hint="every row must use its own logits, not those of row 0")
    expect_proportion(int((got[1::2] == 2).sum()), n // 2, 0.8, name="share of index 2 in odd rows (p = 0.8)",
                      hint="every row must use its own logits, not those of row 0")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_sample_rows_independent(sol):
    """Rows are drawn independently: two fair coins agree about half of the time."""
    n = 20_000
    x = np.zeros((n, 2))
    got = draw(sol, x, np.random.default_rng(5))
    agree = int((got[0::2] == got[1::2]).sum())
    expect_proportion(agree, n // 2, 0.5, name="share of row pairs drawing the same index (fair coins)",
                      hint="a share of 1.0 suggests one uniform number shared by every row")


@pytest.mark.points(1)
@pytest.mark.category("statistics")
def test_sample_large_logits(sol):
    """Logits of magnitude 1e4 are sampled stably (probabilities 1/4 and 3/4)."""
    n = 20_000
    x = np.tile(np.array([1e4, NEG, 1e4 + np.log(3.0)]), (n, 1))
    got = draw(sol, x, np.random.default_rng(8))
    expect_proportion(int((got == 2).sum()), n, 0.75, name="share of index 2 (p = 0.75) with logits ~ 1e4",
                      hint="subtract the row maximum before exponentiating")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_sample_reproducible(sol):
    """Two generators with the same seed give the same draws."""
    x = np.random.default_rng(1).normal(size=(300, 10))
    a = draw(sol, x, np.random.default_rng(42))
    b = draw(sol, x, np.random.default_rng(42))
    expect_array(b, a, name="sample with a second generator seeded like the first")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_sample_seeds_differ(sol):
    """Different seeds, and consecutive calls with one generator, give different draws."""
    x = np.zeros((300, 10))
    a = draw(sol, x, np.random.default_rng(1))
    b = draw(sol, x, np.random.default_rng(2))
    assert not np.array_equal(a, b), "sample gave identical draws for seeds 1 and 2 (300 uniform rows over 10)"
    rng = np.random.default_rng(3)
    c, d = draw(sol, x, rng), draw(sol, x, rng)
    assert not np.array_equal(c, d), "two consecutive calls with one generator gave identical draws"


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_sample_global_rng_untouched(sol):
    """sample uses only rng: the global np.random state is unchanged."""
    before = sol.global_random_state()
    draw(sol, np.zeros((50, 4)), np.random.default_rng(9))
    assert sol.global_random_state() == before, "sample changed the global np.random state; use rng only"


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_sample_empty_and_errors(sol):
    """B = 0 gives an empty int64 array; 1-D logits raise ValueError naming logits."""
    expect_array(sol.sample(np.zeros((0, 4)), rng=np.random.default_rng(0)), np.zeros(0, dtype=np.int64),
                 name="sample(zeros((0, 4)), rng=rng)")
    expect_raises(ValueError, sol.sample, np.zeros(4), rng=np.random.default_rng(0), match="logits")
