"""Hidden tests for cross_entropy. Expected values come from a per-item loop over the definition (math.fsum with a
stable shift) or from PyTorch's observed outputs, never from the reference."""

import functools
import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_float, expect_raises
from judge.checkers.case_ids import cases

LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [1.0, 1.0, 1.0], [0.0, -1.0, 3.0]])
TARGETS = np.array([0, 1, -100, 2])
RTOL = 1e-7  # float64 closed form


def item_loss(row, target, eps):
    """Cost of one non-ignored item, by definition, in Python floats."""
    top = max(row)
    lse = top + math.log(math.fsum(math.exp(v - top) for v in row))
    neg_log_p = [lse - v for v in row]
    if eps == 0.0:
        return neg_log_p[target]
    return (1.0 - eps) * neg_log_p[target] + eps * math.fsum(neg_log_p) / len(row)


def by_definition(logits, targets, ignore_index=-100, reduction="mean", eps=0.0):
    flat_logits = np.asarray(logits, dtype=np.float64).reshape(-1, logits.shape[-1])
    flat_targets = np.asarray(targets).reshape(-1)
    per_item = np.zeros(flat_targets.shape[0])
    count = 0
    for i, y in enumerate(flat_targets):
        if y == ignore_index:
            continue
        per_item[i] = item_loss([float(v) for v in flat_logits[i]], int(y), eps)
        count += 1
    if reduction == "none":
        return per_item.reshape(np.asarray(targets).shape)
    total = math.fsum(per_item)
    if reduction == "sum":
        return total
    return total / count if count else math.nan


def random_case(seed, n, c, ignored=0.2, scale=3.0):
    gen = np.random.default_rng(seed)
    logits = gen.normal(0.0, scale, size=(n, c))
    targets = gen.integers(0, c, size=n)
    targets[gen.random(n) < ignored] = -100
    return logits, targets


# Values printed by torch 2.13 F.cross_entropy for LOGITS / TARGETS, rounded to 6 decimals.
PYTORCH = {
    ("mean", 0.0): 0.212031, ("sum", 0.0): 0.636092,
    ("mean", 0.1): 0.383142, ("sum", 0.1): 1.149426,
}
PYTORCH_NONE = {0.0: [0.417030, 0.153178, 0.0, 0.065884], 0.1: [0.513697, 0.336512, 0.0, 0.299217]}


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("reduction,eps", sorted(PYTORCH), ids=cases())
def test_pytorch_observed(sol, reduction, eps):
    """Matches PyTorch's printed mean / sum for the statement's example (6 decimals)."""
    expect_float(sol.cross_entropy(LOGITS, TARGETS, reduction=reduction, label_smoothing=eps), PYTORCH[reduction, eps],
                 rtol=0.0, atol=6e-7, name=f"cross_entropy(example, reduction={reduction!r}, label_smoothing={eps})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("eps", [0.0, 0.1], ids=cases())
def test_pytorch_observed_none(sol, eps):
    """Matches PyTorch's printed per-item losses for the statement's example (6 decimals)."""
    expect_allclose(sol.cross_entropy(LOGITS, TARGETS, reduction="none", label_smoothing=eps),
                    np.array(PYTORCH_NONE[eps]), rtol=0.0, atol=6e-7,
                    name=f"cross_entropy(example, reduction='none', label_smoothing={eps})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("eps", [0.0, 0.1, 0.35, 1.0], ids=cases())
@pytest.mark.parametrize("reduction", ["mean", "sum"], ids=cases())
def test_matches_definition(sol, reduction, eps):
    """Random logits with ~20% ignored targets match the definition (mean and sum, several eps)."""
    logits, targets = random_case(int(eps * 100) + 7, 60, 9)
    expect_float(sol.cross_entropy(logits, targets, reduction=reduction, label_smoothing=eps),
                 by_definition(logits, targets, reduction=reduction, eps=eps), rtol=RTOL, atol=0.0,
                 name=f"cross_entropy(logits (60, 9), reduction={reduction!r}, label_smoothing={eps})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("eps", [0.0, 0.2], ids=cases())
def test_none_matches_definition(sol, eps):
    """reduction='none': each item's cost, exactly 0.0 at ignored items."""
    logits, targets = random_case(41, 40, 6, ignored=0.4)
    expect_allclose(sol.cross_entropy(logits, targets, reduction="none", label_smoothing=eps),
                    by_definition(logits, targets, reduction="none", eps=eps), rtol=RTOL, atol=1e-12,
                    name=f"cross_entropy(logits (40, 6), reduction='none', label_smoothing={eps})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("reduction", ["mean", "none"], ids=cases())
def test_nd_classes_last(sol, reduction):
    """(B, T, C) logits with (B, T) targets: classes are on the last axis; 'none' has shape (B, T)."""
    gen = np.random.default_rng(5)
    logits = gen.normal(0.0, 2.0, size=(3, 5, 11))
    targets = gen.integers(0, 11, size=(3, 5))
    targets[0, 0] = targets[2, 4] = -100
    expected = by_definition(logits, targets, reduction=reduction)
    got = sol.cross_entropy(logits, targets, reduction=reduction)
    name = f"cross_entropy(logits (3, 5, 11), reduction={reduction!r})"
    if reduction == "none":
        expect_allclose(got, expected, rtol=RTOL, atol=1e-12, name=name)
    else:
        expect_float(got, expected, rtol=RTOL, atol=0.0, name=name)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("eps", [0.0, 0.1], ids=cases())
def test_all_ignored(sol, eps):
    """Every target ignored: mean nan, sum 0.0, none all zeros (with or without smoothing)."""
    targets = np.full(4, -100)
    expect_float(sol.cross_entropy(LOGITS, targets, label_smoothing=eps), math.nan, rtol=0.0, atol=0.0,
                 name=f"cross_entropy(all ignored, reduction='mean', label_smoothing={eps})")
    expect_float(sol.cross_entropy(LOGITS, targets, reduction="sum", label_smoothing=eps), 0.0, rtol=0.0, atol=0.0,
                 name=f"cross_entropy(all ignored, reduction='sum', label_smoothing={eps})")
    expect_allclose(sol.cross_entropy(LOGITS, targets, reduction="none", label_smoothing=eps), np.zeros(4),
                    rtol=0.0, atol=0.0, name=f"cross_entropy(all ignored, reduction='none', label_smoothing={eps})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batch(sol):
    """An empty batch (0, C): mean nan, sum 0.0, none a float64 array of shape (0,)."""
    logits, targets = np.zeros((0, 4)), np.zeros(0, dtype=np.int64)
    expect_float(sol.cross_entropy(logits, targets), math.nan, rtol=0.0, atol=0.0, name="cross_entropy(empty)")
    expect_float(sol.cross_entropy(logits, targets, reduction="sum"), 0.0, rtol=0.0, atol=0.0,
                 name="cross_entropy(empty, reduction='sum')")
    expect_allclose(sol.cross_entropy(logits, targets, reduction="none"), np.zeros(0), rtol=0.0, atol=0.0,
                    name="cross_entropy(empty, reduction='none')")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("eps", [0.0, 0.1], ids=cases())
def test_large_logits_stable(sol, eps):
    """Logits of magnitude 1e4 give exact finite results (no overflow to nan or inf)."""
    logits = np.array([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4], [1e4, 0.0, -1e4], [1e4, 1e4, -1e4], [-1e4, -1e4, -1e4]])
    targets = np.array([0, 1, 2, 1, 2])
    expect_allclose(sol.cross_entropy(logits, targets, reduction="none", label_smoothing=eps),
                    by_definition(logits, targets, reduction="none", eps=eps), rtol=RTOL, atol=1e-9,
                    name=f"cross_entropy(logits of magnitude 1e4, reduction='none', label_smoothing={eps})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_neg_inf_non_target_without_smoothing(sol):
    """A -inf logit on a non-target class costs nothing when label_smoothing is 0 (no 0 * inf = nan)."""
    logits = np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, -np.inf]])
    targets = np.array([0, 1])
    expected = np.array([item_loss([0.0, -math.inf, 1.0], 0, 0.0), 0.0])
    expect_allclose(sol.cross_entropy(logits, targets, reduction="none"), expected, rtol=RTOL, atol=1e-12,
                    name="cross_entropy(logits with -inf, reduction='none')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_neg_inf_cases(sol):
    """A -inf target logit costs inf; with smoothing any -inf logit costs inf; ignored -inf rows cost 0."""
    logits = np.array([[0.0, -np.inf, 1.0], [0.0, -np.inf, 1.0], [-np.inf, 0.0, -np.inf]])
    expect_allclose(sol.cross_entropy(logits, np.array([1, 0, -100]), reduction="none"),
                    np.array([np.inf, item_loss([0.0, -math.inf, 1.0], 0, 0.0), 0.0]), rtol=RTOL, atol=1e-12,
                    name="cross_entropy(-inf target logit, reduction='none')")
    expect_allclose(sol.cross_entropy(logits, np.array([2, 0, -100]), reduction="none", label_smoothing=0.1),
                    np.array([np.inf, np.inf, 0.0]), rtol=RTOL, atol=1e-12,
                    name="cross_entropy(-inf logits, reduction='none', label_smoothing=0.1)")
    expect_float(sol.cross_entropy(logits, np.array([1, 0, -100])), math.inf, rtol=0.0, atol=0.0,
                 name="cross_entropy(-inf target logit, reduction='mean')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("reduction", ["mean", "none"], ids=cases())
def test_float32_logits(sol, reduction):
    """float32 logits are upcast: a float / float64 array close to the float64 computation (rtol 1e-6)."""
    logits, targets = random_case(17, 30, 5)
    logits32 = logits.astype(np.float32)
    expected = by_definition(logits32.astype(np.float64), targets, reduction=reduction)
    got = sol.cross_entropy(logits32, targets, reduction=reduction)
    name = f"cross_entropy(float32 logits, reduction={reduction!r})"
    if reduction == "none":
        expect_allclose(got, expected, rtol=1e-6, atol=1e-9, name=name)
    else:
        expect_float(got, expected, rtol=1e-6, atol=0.0, name=name)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("reduction", ["mean", "none"], ids=cases())
def test_float32_confident_predictions(sol, reduction):
    """float32 logits are upcast before the log-softmax: losses near 1e-5 keep their digits (rtol 1e-6)."""
    gen = np.random.default_rng(31)
    targets = gen.integers(0, 5, size=12)
    logits = np.zeros((12, 5), dtype=np.float32)
    logits[np.arange(12), targets] = 12.0 + gen.integers(0, 8, size=12) / 8  # exact in float32; nll ~ 2e-5
    expected = by_definition(logits, targets, reduction=reduction)
    got = sol.cross_entropy(logits, targets, reduction=reduction)
    name = f"cross_entropy(float32 logits of confident predictions, reduction={reduction!r})"
    if reduction == "none":
        expect_allclose(got, expected, rtol=1e-6, atol=0.0, name=name)
    else:
        expect_float(got, expected, rtol=1e-6, atol=0.0, name=name)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", [np.int32, np.int16], ids=cases())
def test_targets_int_dtypes(sol, dtype):
    """targets of any integer dtype are accepted."""
    logits, targets = random_case(23, 20, 4)
    expect_float(sol.cross_entropy(logits, targets.astype(dtype)), by_definition(logits, targets), rtol=RTOL,
                 atol=0.0, name=f"cross_entropy(logits, {np.dtype(dtype).name} targets)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("ignore_index", [0, -1, 3], ids=cases())
def test_custom_ignore_index(sol, ignore_index):
    """Items whose target equals ignore_index (even a valid class) are ignored."""
    logits, _ = random_case(29, 24, 5)
    targets = np.random.default_rng(30).integers(0, 5, size=24)
    targets[::3] = ignore_index
    expect_float(sol.cross_entropy(logits, targets, ignore_index=ignore_index),
                 by_definition(logits, targets, ignore_index=ignore_index), rtol=RTOL, atol=0.0,
                 name=f"cross_entropy(logits, targets, ignore_index={ignore_index})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_class(sol):
    """C == 1: every item has probability 1, so the loss is 0 (with smoothing too)."""
    logits = np.array([[3.0], [-2.0], [0.5]])
    targets = np.array([0, -100, 0])
    expect_float(sol.cross_entropy(logits, targets, label_smoothing=0.3), 0.0, rtol=0.0, atol=1e-12,
                 name="cross_entropy(C == 1, label_smoothing=0.3)")


@functools.cache
def large_case() -> tuple[np.ndarray, np.ndarray, float]:
    """Inputs and expected loss of test_large, computed once per test session (the arrays are only read)."""
    gen = np.random.default_rng(99)
    logits = gen.normal(0.0, 4.0, size=(2048, 256))
    targets = gen.integers(0, 256, size=2048)
    targets[gen.random(2048) < 0.3] = -100
    valid = targets != -100
    top = logits.max(axis=1)
    lse = top + np.log(np.exp(logits - top[:, None]).sum(axis=1))  # stable log-sum-exp, float64
    per_item = lse[valid] - logits[valid, targets[valid]]
    smooth = lse[valid] - logits[valid].mean(axis=1)
    return logits, targets, math.fsum(0.9 * per_item + 0.1 * smooth) / valid.sum()


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A large batch (2048 items, 256 classes) is accurate and fast."""
    logits, targets, expected = large_case()
    expect_float(sol.cross_entropy(logits, targets, label_smoothing=0.1), expected, rtol=RTOL, atol=0.0,
                 name="cross_entropy(logits (2048, 256), label_smoothing=0.1)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("targets,kwargs,match", [
    (np.array([0, 1, -1, 2]), {}, "targets"),
    (np.array([0, 3, 1, 2]), {}, "targets"),
    (np.array([0, 1, -100, 2]), {"ignore_index": 0}, "targets"),
    (np.array([0, 1, 2]), {}, "targets"),
    (np.array([0.0, 1.0, 1.0, 2.0]), {}, "targets"),
    (np.array([0, 1, 1, 2]), {"reduction": "avg"}, "reduction"),
    (np.array([0, 1, 1, 2]), {"reduction": "Mean"}, "reduction"),
    (np.array([0, 1, 1, 2]), {"label_smoothing": -0.1}, "label_smoothing"),
    (np.array([0, 1, 1, 2]), {"label_smoothing": 1.5}, "label_smoothing"),
], ids=cases())
def test_invalid(sol, targets, kwargs, match):
    """Out-of-range or mis-shaped targets, an unknown reduction or a bad label_smoothing raise ValueError."""
    expect_raises(ValueError, sol.cross_entropy, LOGITS, targets, match=match, **kwargs)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_no_class_axis(sol):
    """0-d logits or C == 0 raise ValueError naming logits."""
    expect_raises(ValueError, sol.cross_entropy, np.array(1.0), np.array(0), match="logits")
    expect_raises(ValueError, sol.cross_entropy, np.zeros((3, 0)), np.array([-100, -100, -100]), match="logits")
