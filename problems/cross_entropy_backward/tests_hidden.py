"""Hidden tests for cross_entropy_backward.

Expected gradients come from a per-item loop over the closed form (softmax - q), and independently from central
differences of the forward loss, which is written here in Python floats by its definition.
"""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises
from judge.checkers.case_ids import cases

TOL = {"rtol": 1e-9, "atol": 1e-12}
FD_TOL = {"rtol": 1e-5, "atol": 1e-7}  # central differences, h = 1e-5: truncation ~1e-10, rounding ~1e-11


def log_probs(row):
    """log_softmax of a list of Python floats (max shift, fsum)."""
    m = max(v for v in row)
    lse = m + math.log(math.fsum(math.exp(v - m) for v in row))
    return [v - lse for v in row]


def forward(logits, targets, ignore_index=-100, reduction="mean", eps=0.0):
    """The cross_entropy loss by its definition; a float for mean/sum."""
    c = logits.shape[-1]
    z = logits.reshape(-1, c)
    y = targets.reshape(-1)
    losses = []
    for i in range(z.shape[0]):
        if y[i] == ignore_index:
            continue
        lp = log_probs([float(v) for v in z[i]])
        nll = -lp[int(y[i])]
        smooth = -math.fsum(lp) / c
        losses.append((1.0 - eps) * nll + eps * smooth)
    total = math.fsum(losses)
    return total / len(losses) if reduction == "mean" else total


def closed_form(logits, targets, ignore_index=-100, reduction="mean", eps=0.0):
    """(softmax - q) per valid item, zero rows elsewhere, divided by the valid count for mean."""
    c = logits.shape[-1]
    z = np.asarray(logits, dtype=np.float64).reshape(-1, c)
    y = targets.reshape(-1)
    out = np.zeros(z.shape)
    n = 0
    for i in range(z.shape[0]):
        if y[i] == ignore_index:
            continue
        n += 1
        lp = log_probs([float(v) for v in z[i]])
        for k in range(c):
            q = (1.0 - eps) * (k == y[i]) + eps / c
            out[i, k] = math.exp(lp[k]) - q
    if reduction == "mean" and n:
        out /= n
    return out.reshape(logits.shape)


def central_differences(logits, targets, h=1e-5, **kw):
    grad = np.zeros(logits.shape)
    for index in np.ndindex(*logits.shape):
        plus, minus = logits.copy(), logits.copy()
        plus[index] += h
        minus[index] -= h
        grad[index] = (forward(plus, targets, **kw) - forward(minus, targets, **kw)) / (2 * h)
    return grad


def random_case(seed, shape, num_classes, ignored_share=0.3, scale=2.0):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, scale, size=shape + (num_classes,))
    targets = rng.integers(0, num_classes, size=shape)
    targets[rng.random(shape) < ignored_share] = -100
    return logits, targets


@pytest.mark.points(3)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("reduction,eps", [("mean", 0.0), ("sum", 0.0), ("mean", 0.1), ("sum", 0.25)],
                         ids=["mean", "sum", "mean-smoothing", "sum-smoothing"])
def test_central_differences(sol, reduction, eps):
    """The gradient agrees with central differences of the forward loss (h = 1e-5)."""
    logits, targets = random_case(7, (2, 3), 5)
    targets[0, 0], targets[1, 2] = -100, 4
    expected = central_differences(logits, targets, reduction=reduction, eps=eps)
    got = sol.cross_entropy_backward(logits, targets, reduction=reduction, label_smoothing=eps)
    expect_allclose(got, expected, name=f"dlogits vs central differences ({reduction}, eps={eps})", **FD_TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,shape,num_classes", [(1, (10,), 4), (2, (4, 6), 7), (3, (2, 3, 4), 3)],
                         ids=cases())
def test_closed_form(sol, seed, shape, num_classes):
    """Random logits with ignored items match (softmax - onehot) / N."""
    logits, targets = random_case(seed, shape, num_classes)
    expect_allclose(sol.cross_entropy_backward(logits, targets), closed_form(logits, targets),
                    name=f"dlogits for logits of shape {logits.shape}", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_mean_counts_valid_items_over_all_axes(sol):
    """(B, T, C) logits: 'mean' divides by the valid (b, t) pairs, not by B or B*T."""
    logits, targets = random_case(11, (3, 8), 6, ignored_share=0.5)
    expect_allclose(sol.cross_entropy_backward(logits, targets), closed_form(logits, targets),
                    name="dlogits for (3, 8, 6) logits", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_none_equals_sum(sol):
    """reduction='none' gives the per-item gradients, the same array as 'sum'."""
    logits, targets = random_case(12, (2, 5), 4)
    expected = closed_form(logits, targets, reduction="sum")
    expect_allclose(sol.cross_entropy_backward(logits, targets, reduction="none"), expected,
                    name="dlogits (none)", **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("eps", [0.1, 0.5, 1.0], ids=cases())
def test_label_smoothing(sol, eps):
    """Label smoothing spreads eps over all C classes, the target included."""
    logits, targets = random_case(13, (6,), 5)
    expect_allclose(sol.cross_entropy_backward(logits, targets, label_smoothing=eps),
                    closed_form(logits, targets, eps=eps), name=f"dlogits with label_smoothing={eps}", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_ignored_every_reduction(sol):
    """Every target ignored: zeros for mean, sum and none."""
    logits, _ = random_case(14, (2, 3), 4)
    targets = np.full((2, 3), -100)
    for reduction in ("mean", "sum", "none"):
        got = sol.cross_entropy_backward(logits, targets, reduction=reduction, label_smoothing=0.1)
        expect_allclose(got, np.zeros((2, 3, 4)), rtol=0, atol=0, name=f"dlogits, all ignored ({reduction})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batch(sol):
    """No items at all: an empty (0, C) gradient."""
    got = sol.cross_entropy_backward(np.zeros((0, 5)), np.zeros(0, dtype=np.int64))
    expect_allclose(got, np.zeros((0, 5)), rtol=0, atol=0, name="dlogits of an empty batch")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_item_no_batch_axis(sol):
    """1-D logits (C,) with a 0-d target is one item."""
    logits = np.array([0.3, -1.2, 2.0, 0.0])
    expect_allclose(sol.cross_entropy_backward(logits, np.array(2)), closed_form(logits, np.array(2)),
                    name="dlogits of a single item", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("ignore_index", [-1, 0], ids=cases())
def test_custom_ignore_index(sol, ignore_index):
    """Another ignore_index (also one inside [0, C)) is ignored; -100 is then an invalid target."""
    logits, targets = random_case(15, (8,), 4, ignored_share=0.0)
    targets[[1, 5]] = ignore_index
    expect_allclose(sol.cross_entropy_backward(logits, targets, ignore_index=ignore_index),
                    closed_form(logits, targets, ignore_index=ignore_index),
                    name=f"dlogits with ignore_index={ignore_index}", **TOL)
    targets[3] = -100
    expect_raises(ValueError, sol.cross_entropy_backward, logits, targets, ignore_index=ignore_index,
                  match="targets")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_logits(sol):
    """Logits of magnitude 1e4 give a finite, exact gradient."""
    logits = np.array([[1e4, 1e4 - 1.0, -1e4], [-1e4, 0.0, 1e4], [5e3, 5e3, 5e3]])
    targets = np.array([1, 0, 2])
    expect_allclose(sol.cross_entropy_backward(logits, targets, label_smoothing=0.1),
                    closed_form(logits, targets, eps=0.1), name="dlogits for logits of magnitude 1e4", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_negative_infinity_logits(sol):
    """-inf logits at non-target classes get probability 0 and a gradient of 0 (eps = 0)."""
    logits = np.array([[0.0, -np.inf, 1.0, -np.inf], [-np.inf, 2.0, -np.inf, -np.inf]])
    targets = np.array([2, 1])
    finite = np.where(np.isinf(logits), -1e300, logits)
    expect_allclose(sol.cross_entropy_backward(logits, targets), closed_form(finite, targets),
                    name="dlogits with -inf logits", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_negative_infinity_logits_with_smoothing(sol):
    """-inf logits with label smoothing: probability 0, so the entry is -q_c / N (eps / C over all C classes)."""
    logits = np.array([[0.0, -np.inf, 1.0, -np.inf], [-np.inf, 2.0, -np.inf, -np.inf], [1.0, 0.5, -np.inf, 0.0]])
    targets = np.array([2, 1, 0])
    finite = np.where(np.isinf(logits), -1e300, logits)
    expect_allclose(sol.cross_entropy_backward(logits, targets, label_smoothing=0.2),
                    closed_form(finite, targets, eps=0.2), name="dlogits with -inf logits and label_smoothing=0.2",
                    **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_other_integer_target_dtypes(sol):
    """targets may be any integer dtype: int32 (with ignored items) and uint8 are accepted."""
    logits, targets = random_case(21, (3, 4), 5)
    expect_allclose(sol.cross_entropy_backward(logits, targets.astype(np.int32)), closed_form(logits, targets),
                    name="dlogits with int32 targets", **TOL)
    positive = np.abs(targets) % 5
    expect_allclose(sol.cross_entropy_backward(logits, positive.astype(np.uint8), reduction="sum"),
                    closed_form(logits, positive, reduction="sum"), name="dlogits with uint8 targets", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_ignored_rows_exactly_zero(sol):
    """Ignored rows are 0 even when their logits are all -inf (no nan leaks from them)."""
    logits = np.array([[-np.inf, -np.inf, -np.inf], [1.0, 2.0, 3.0], [-np.inf, -np.inf, -np.inf]])
    targets = np.array([-100, 0, -100])
    expected = closed_form(np.nan_to_num(logits), targets)
    expect_allclose(sol.cross_entropy_backward(logits, targets), expected, name="dlogits with -inf padding rows",
                    **TOL)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_logits_give_float64(sol):
    """float32 logits: the gradient is float64."""
    logits, targets = random_case(16, (4,), 3)
    logits32 = logits.astype(np.float32)
    expected = closed_form(logits32.astype(np.float64), targets)
    expect_allclose(sol.cross_entropy_backward(logits32, targets), expected, rtol=1e-6, atol=1e-7,
                    name="dlogits for float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_batch(sol):
    """A (8, 64, 50) batch of logits."""
    logits, targets = random_case(17, (8, 64), 50, ignored_share=0.2, scale=4.0)
    expect_allclose(sol.cross_entropy_backward(logits, targets), closed_form(logits, targets),
                    name="dlogits for an (8, 64, 50) batch", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", [[0, 1, -1, 2], [0, 3, 1, 2], [0, 1, 2, 7]], ids=cases())
def test_invalid_targets(sol, bad):
    """A valid target outside [0, C) raises ValueError naming targets."""
    logits, _ = random_case(18, (4,), 3)
    expect_raises(ValueError, sol.cross_entropy_backward, logits, np.array(bad), match="targets")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_targets_shape_or_dtype(sol):
    """targets of the wrong shape, or of a float dtype, raise ValueError naming targets."""
    logits, targets = random_case(19, (2, 3), 4)
    expect_raises(ValueError, sol.cross_entropy_backward, logits, targets.reshape(-1), match="targets")
    expect_raises(ValueError, sol.cross_entropy_backward, logits, np.abs(targets).astype(np.float64),
                  match="targets")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("kw,name", [({"reduction": "avg"}, "reduction"), ({"reduction": "MEAN"}, "reduction"),
                                     ({"label_smoothing": 1.5}, "label_smoothing"),
                                     ({"label_smoothing": -0.1}, "label_smoothing")],
                         ids=cases())
def test_invalid_options(sol, kw, name):
    """An unknown reduction or a label_smoothing outside [0, 1] raises ValueError naming it."""
    logits, targets = random_case(20, (3,), 4)
    expect_raises(ValueError, sol.cross_entropy_backward, logits, targets, match=name, **kw)
