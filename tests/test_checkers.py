"""Every checker of judge/checkers/, called directly: what passes, what fails with which summary and detail, and
the statistical bands' false-failure rates, computed exactly (binomial and multinomial sums, the chi-square tail)
rather than sampled, so nothing here is flaky."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from judge.checkers import (
    CheckFailure,
    chi2_critical,
    chi_square,
    expect_allclose,
    expect_array,
    expect_band,
    expect_bool,
    expect_float,
    expect_int,
    expect_proportion,
    expect_raises,
    expect_sequence,
    expect_uniform,
    proportion_band,
)
from judge.checkers.base import index_text, show, type_name
from judge.checkers.statistics import FAIL_PROB

TARGET = 1e-9  # the false-failure rate every band must stay below (preamble, problems/AUTHORING.md)


def _fails(fn, *args, **kwargs) -> CheckFailure:
    with pytest.raises(CheckFailure) as info:
        fn(*args, **kwargs)
    return info.value


# Exact comparison of arrays.

def test_expect_array_accepts_equal_arrays_and_nan_in_place():
    expect_array(np.array([[True, False]]), np.array([[True, False]]))
    expect_array(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    expect_array(np.zeros((0, 3), dtype=np.int64), np.zeros((0, 3), dtype=np.int64))


@pytest.mark.parametrize(("got", "summary"), [
    ([[True, False]], "wrong type: m should be a numpy.ndarray, got list"),
    (np.array([[1, 0]]), "wrong dtype: m should have dtype bool, got int64"),
    (np.array([True, False]), "wrong shape: m has shape (2,)"),
    (np.array([[True, True]]), "wrong values: m differs at 1 of 2 positions"),
])
def test_expect_array_checks_type_dtype_shape_then_values(got, summary):
    failure = _fails(expect_array, got, np.array([[True, False]]), name="m")
    assert failure.summary == summary


def test_expect_array_detail_shows_the_first_difference_and_a_grid():
    expected = np.tril(np.ones((3, 3), dtype=bool))
    failure = _fails(expect_array, np.ones((3, 3), dtype=bool), expected, name="mask")
    assert "first at index (0, 1): expected False, got True" in failure.detail
    assert "1 . ." in failure.detail and "1 1 1" in failure.detail
    assert "index" not in failure.summary  # the summary never shows positions or values
    batched = _fails(expect_array, np.ones((2, 3, 3), dtype=bool), np.stack([expected] * 2), name="m")
    assert "m[0]" in batched.detail


def test_expect_array_dtype_argument_and_subclass():
    expect_array(np.array([1, 2], dtype=np.int32), [1, 2], dtype=np.int32)
    assert _fails(expect_array, np.ma.array([1, 2]), np.array([1, 2])).summary.startswith("wrong type")


# Float arrays within a tolerance.

def test_expect_allclose_tolerance_is_atol_plus_rtol_times_expected():
    expected = np.array([1.0, 100.0])
    expect_allclose(expected + [9e-7, 9e-5], expected, rtol=1e-6, atol=0.0)
    failure = _fails(expect_allclose, expected + [0, 2e-4], expected, rtol=1e-6, atol=0.0, name="y")
    assert failure.summary == "wrong values: y is outside the tolerance at 1 of 2 positions"
    assert "rtol=1e-06" in failure.detail and "max abs error 0.0002" in failure.detail


def test_expect_allclose_nan_and_infinities_must_match_in_place():
    expected = np.array([np.nan, np.inf, -np.inf, 1.0])
    expect_allclose(expected.copy(), expected, rtol=1e-9, atol=0)
    assert "NaN where none" in _fails(expect_allclose, np.array([0.0, np.inf, -np.inf, 1.0]), expected,
                                      rtol=1e-9, atol=0).detail
    assert "infinity" in _fails(expect_allclose, np.array([np.nan, -np.inf, -np.inf, 1.0]), expected,
                                rtol=1e-9, atol=0).detail
    assert "infinity" in _fails(expect_allclose, np.array([np.nan, np.inf, -np.inf, np.inf]), expected,
                                rtol=1e-9, atol=0).detail


def test_expect_allclose_checks_form_and_requested_dtype():
    expected = np.zeros(2)
    assert _fails(expect_allclose, np.zeros(2, dtype=np.float32), expected, rtol=1e-6, atol=0).summary \
        .startswith("wrong dtype")
    expect_allclose(np.zeros(2, dtype=np.float32), expected, rtol=1e-6, atol=0, dtype=np.float32)
    assert _fails(expect_allclose, [0.0, 0.0], expected, rtol=1e-6, atol=0).summary.startswith("wrong type")
    assert _fails(expect_allclose, np.zeros(3), expected, rtol=1e-6, atol=0).summary.startswith("wrong shape")


# Scalars and sequences.

def test_expect_float():
    expect_float(0.1 + 0.2, 0.3, rtol=1e-12, atol=0)
    expect_float(np.float64(2.0), 2.0, rtol=0, atol=0)
    expect_float(float("nan"), float("nan"), rtol=0, atol=0)
    expect_float(float("-inf"), float("-inf"), rtol=0, atol=0)
    assert _fails(expect_float, np.array(1.0), 1.0, rtol=0, atol=0).summary.startswith("wrong type")
    assert _fails(expect_float, 1, 1.0, rtol=0, atol=0).summary.startswith("wrong type")
    assert _fails(expect_float, float("nan"), 1.0, rtol=0, atol=0).summary == "wrong value: result"
    assert _fails(expect_float, 1.0, float("nan"), rtol=0, atol=0).summary == "wrong value: result"
    assert _fails(expect_float, float("inf"), 1.0, rtol=0, atol=0).summary == "wrong value: result"
    failure = _fails(expect_float, 1.001, 1.0, rtol=1e-6, atol=0, name="loss")
    assert failure.summary == "wrong value: loss is outside the tolerance" and "1.001" in failure.detail


def test_expect_int_and_bool():
    expect_int(3, 3)
    expect_int(np.int64(3), 3)
    assert _fails(expect_int, True, 1).summary.startswith("wrong type")
    assert _fails(expect_int, 3.0, 3).summary.startswith("wrong type")
    assert "should be 4, got 3" in _fails(expect_int, 3, 4).detail
    expect_bool(np.bool_(True), True)
    expect_bool(False, False)
    assert _fails(expect_bool, 1, True).summary.startswith("wrong type")
    assert "should be True, got False" in _fails(expect_bool, False, True).detail


def test_expect_sequence():
    assert expect_sequence([1, 2], 2) == (1, 2)
    assert expect_sequence((1,), 1) == (1,)
    assert _fails(expect_sequence, np.array([1, 2]), 2).summary.startswith("wrong type")
    assert _fails(expect_sequence, (1, 2, 3), 2, name="pair").summary == \
        "wrong length: pair should have 2 items, got 3"


# The documented error.

def _raiser(exc: BaseException | None):
    def f(*args, **kwargs):
        if exc is not None:
            raise exc
        return args
    return f


def test_expect_raises():
    exc = expect_raises(ValueError, _raiser(ValueError("seq_len must be >= 0")), -1, match="seq_len")
    assert str(exc) == "seq_len must be >= 0"
    expect_raises(ValueError, _raiser(ValueError("SEQ_LEN bad")), match="seq_len")  # any case
    failure = _fails(expect_raises, ValueError, _raiser(ValueError("bad value")), match="seq_len")
    assert "does not name 'seq_len'" in failure.summary and "bad value" not in failure.summary
    assert "bad value" in failure.detail
    assert "returned normally" in _fails(expect_raises, ValueError, _raiser(None), 1).summary
    with pytest.raises(TypeError):  # another exception type is not swallowed
        expect_raises(ValueError, _raiser(TypeError("x")))


# Messages.

def test_value_descriptions():
    assert type_name(np.zeros((2, 3), dtype=np.int32)) == "numpy.ndarray of dtype int32 and shape (2, 3)"
    assert type_name([]) == "list" and type_name(np.float32(1)) == "numpy.float32"
    assert show(np.float64(0.5)) == "0.5" and show(np.int64(3)) == "3" and show(np.bool_(True)) == "True"
    assert show("x" * 500).endswith("...") and len(show("x" * 500)) == 200
    assert index_text((np.int64(1), 2)) == "(1, 2)" and index_text((4,)) == "[4]"


# Statistical bands: exact false-failure rates.

def _log_binom_pmf(n: int, p: float) -> np.ndarray:
    k = np.arange(n + 1)
    lg = np.vectorize(math.lgamma)
    with np.errstate(divide="ignore"):
        return lg(n + 1) - lg(k + 1) - lg(n - k + 1) + k * np.log(p) + (n - k) * np.log1p(-p)


def _outside_probability(n: int, p: float, low: float, high: float) -> float:
    """P(k / n outside [low, high]) for k ~ Binomial(n, p), with the checker's own float comparison."""
    logpmf = _log_binom_pmf(n, p)
    shares = np.arange(n + 1) / n
    outside = (shares < low) | (shares > high)
    return float(np.exp(logpmf[outside]).sum()) if outside.any() else 0.0


@pytest.mark.parametrize("n", [1, 10, 100, 1_000, 10_000, 100_000])
@pytest.mark.parametrize("p", [0.001, 0.01, 0.1, 0.15, 0.5, 0.8, 0.9, 0.999])
def test_proportion_band_false_failure_rate_is_below_target(n, p):
    """Exact binomial tail outside Bernstein's band: below FAIL_PROB (1e-10), so below the 1e-9 target."""
    low, high = proportion_band(n, p)
    assert 0.0 <= low <= p <= high <= 1.0
    assert _outside_probability(n, p, low, high) < FAIL_PROB < TARGET


@pytest.mark.parametrize(("n", "p", "bug"), [(50_000, 0.15, 0.12), (20_000, 0.8, 0.72), (100_000, 0.1, 0.085),
                                             (10_000, 0.5, 0.4)])
def test_proportion_band_catches_classic_bugs(n, p, bug):
    """The band is narrow enough to fail a typical wrong share (e.g. 80% of 15% applied twice): the exact
    probability that the buggy share lands inside the band is tiny too."""
    low, high = proportion_band(n, p)
    assert 1.0 - _outside_probability(n, bug, low, high) < 1e-6


def test_expect_proportion_and_band_messages():
    expect_proportion(1500, 10_000, 0.15, name="selected share")
    failure = _fails(expect_proportion, 1200, 10_000, 0.15, name="selected share", hint="80% of 15%?")
    assert failure.summary == failure.detail  # a statistical message holds no hidden input
    assert "selected share = 0.1200" in failure.summary and "over 10,000 samples" in failure.summary
    assert "(80% of 15%?)" in failure.summary
    assert "no samples" in _fails(expect_proportion, 0, 0, 0.5, name="x").summary
    expect_band(0.5, 0.4, 0.6, name="x")
    assert "expected within [0.4000, 0.6000]" in _fails(expect_band, 0.7, 0.4, 0.6, name="x").summary
    assert proportion_band(0, 0.5) == (0.0, 1.0)


def _chi2_sf(x: float, dof: int) -> float:
    """P(chi-square with dof degrees of freedom > x): the regularized upper incomplete gamma Q(dof/2, x/2), by
    its continued fraction (Lentz), accurate far into the tail."""
    a, z = dof / 2.0, x / 2.0
    if z < a + 1:  # series for P, then 1 - P (only used near the bulk)
        term = total = 1.0 / a
        for i in range(1, 10_000):
            term *= z / (a + i)
            total += term
            if term < total * 1e-17:
                break
        return 1.0 - total * math.exp(-z + a * math.log(z) - math.lgamma(a))
    b, c, d = z + 1.0 - a, 1e300, 1.0 / (z + 1.0 - a)
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1.0 / d
        h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return math.exp(-z + a * math.log(z) - math.lgamma(a)) * h


def test_chi2_sf_helper_matches_closed_forms():
    """The test's own tail function, checked where closed forms exist (dof 2: exp(-x/2); dof 1: erfc)."""
    for x in (0.5, 3.0, 40.0, 120.0):
        assert math.isclose(_chi2_sf(x, 2), math.exp(-x / 2), rel_tol=1e-10)
        assert math.isclose(_chi2_sf(x, 1), math.erfc(math.sqrt(x / 2)), rel_tol=1e-8)


@pytest.mark.parametrize("categories", [2, 3, 4, 8, 10, 20, 50, 90, 200, 1000])
def test_uniform_critical_value_tail_is_below_target(categories):
    """The chi-square tail beyond chi2_critical (Wilson-Hilferty at z = 7) is below 1e-9 for every size."""
    assert _chi2_sf(chi2_critical(categories - 1), categories - 1) < TARGET


@pytest.mark.parametrize(("categories", "max_total"), [(2, 400), (3, 60), (4, 24)])
def test_expect_uniform_exact_multinomial_false_failure_rate(categories, max_total):
    """For small samples, where the chi-square approximation is weakest, the exact multinomial probability that
    expect_uniform rejects truly uniform counts, enumerated over every outcome, is below 1e-9."""
    for total in range(categories, max_total + 1, max(1, max_total // 12)):
        rejected = 0.0
        log_norm = math.lgamma(total + 1) - total * math.log(categories)
        for head in itertools.product(range(total + 1), repeat=categories - 1):
            if sum(head) > total:
                continue
            counts = (*head, total - sum(head))
            try:
                expect_uniform(np.array(counts), name="c")
            except CheckFailure:
                rejected += math.exp(log_norm - sum(math.lgamma(c + 1) for c in counts))
        assert rejected < TARGET, (categories, total, rejected)


def test_expect_uniform_passes_uniform_draws_and_fails_a_bias():
    rng = np.random.default_rng(12345)  # fixed: deterministic, the rate above is what bounds a fresh seed
    expect_uniform(np.bincount(rng.integers(0, 20, size=100_000), minlength=20), name="ids")
    biased = np.bincount(rng.integers(0, 19, size=100_000), minlength=20)  # id 19 never drawn (an off-by-one)
    failure = _fails(expect_uniform, biased, name="ids", hint="is the upper bound exclusive?")
    assert "ids is not uniform" in failure.summary and "(is the upper bound exclusive?)" in failure.summary
    assert chi_square([10, 30], [20, 20]) == 10.0
