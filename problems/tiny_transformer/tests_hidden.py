"""Hidden tests for tiny_transformer.

Logits come from an independent loop over batch rows and queries (Python floats for the softmax); the loss from a
loop over targets. Gradients are checked against central differences of the learner's own forward, through the
proxy, with the loss computed here from the returned logits: along random directions one parameter array at a
time (a wrong block is named) and all at once. Central differences with h = 1e-5 of a smooth loss have truncation
error ~1e-10 and rounding error ~1e-11 here, far inside rtol 1e-5, atol 1e-8.
"""

import math

import numpy as np
import pytest

from judge.checkers import (
    CheckFailure,
    expect_allclose,
    expect_float,
    expect_raises,
    expect_sequence,
)
from judge.checkers.case_ids import cases

TOL = {"rtol": 1e-9, "atol": 1e-12}
KEYS = ("tok", "pos", "wq", "wk", "wv", "wo", "out")


def random_params(seed, vocab=7, d=4, t_max=8, scale=0.7):
    rng = np.random.default_rng(seed)
    params = {"tok": rng.normal(size=(vocab, d)), "pos": rng.normal(size=(t_max, d)),
              "out": rng.normal(size=(d, vocab))}
    for key in ("wq", "wk", "wv", "wo"):
        params[key] = rng.normal(scale=scale, size=(d, d))
    return params


def reference_logits(params, ids, mask):
    """The model by its definition: loops over batch rows and queries."""
    b, t = ids.shape
    d = params["tok"].shape[1]
    out = np.zeros((b, t, params["out"].shape[1]))
    for r in range(b):
        x = np.array([params["tok"][ids[r, i]] + params["pos"][i] for i in range(t)])
        q, k, v = x @ params["wq"], x @ params["wk"], x @ params["wv"]
        for i in range(t):
            allowed = [j for j in range(t) if mask[i, j]]
            scores = [float(q[i] @ k[j]) / math.sqrt(d) for j in allowed]
            m = max(scores)
            w = [math.exp(s - m) for s in scores]
            total = math.fsum(w)
            attended = sum((wj / total) * v[j] for wj, j in zip(w, allowed, strict=True))
            out[r, i] = (x[i] + attended @ params["wo"]) @ params["out"]
    return out


def loss_from_logits(logits, targets):
    total, n = [], 0
    for index in np.ndindex(*targets.shape):
        if targets[index] == -100:
            continue
        row = [float(v) for v in logits[index]]
        m = max(row)
        total.append(m + math.log(math.fsum(math.exp(v - m) for v in row)) - row[int(targets[index])])
        n += 1
    return math.fsum(total) / n


def batch(seed, b, t, vocab=7, ignored=0.3):
    rng = np.random.default_rng(seed)
    ids = rng.integers(0, vocab, size=(b, t))
    targets = rng.integers(0, vocab, size=(b, t))
    targets[rng.random((b, t)) < ignored] = -100
    return ids, targets


def call_grads(sol, params, ids, mask, targets):
    loss, grads = expect_sequence(sol.loss_and_grads(params, ids, mask, targets), 2, name="loss_and_grads(...)")
    if not isinstance(grads, dict) or set(grads) != set(KEYS):
        raise CheckFailure("grads of loss_and_grads must be a dict with exactly the keys of params")
    for key in KEYS:
        if type(grads[key]) is not np.ndarray or grads[key].dtype != np.float64 \
                or grads[key].shape != params[key].shape:
            raise CheckFailure.elided(f"grads['{key}'] must be a float64 array of shape {params[key].shape}")
    return loss, grads


def directional_check(sol, params, ids, mask, targets, grads, keys, seed, name):
    rng = np.random.default_rng(seed)
    u = {key: (rng.normal(size=params[key].shape) if key in keys else np.zeros(params[key].shape))
         for key in KEYS}
    h = 1e-5
    plus = {key: params[key] + h * u[key] for key in KEYS}
    minus = {key: params[key] - h * u[key] for key in KEYS}
    fd = (loss_from_logits(sol.forward(plus, ids, mask), targets)
          - loss_from_logits(sol.forward(minus, ids, mask), targets)) / (2 * h)
    got = math.fsum(float(np.sum(grads[key] * u[key])) for key in KEYS)
    expect_float(got, fd, rtol=1e-5, atol=1e-8, name=name)


CAUSAL = np.tril(np.ones((6, 6), bool))
MASKS = {
    "causal": CAUSAL,
    "bidirectional": np.ones((6, 6), bool),
    "window": CAUSAL & ~np.tril(np.ones((6, 6), bool), -3),  # each query sees itself and 2 keys before
}


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("kind", sorted(MASKS), ids=cases())
def test_forward_matches_definition(sol, kind):
    """Logits equal the model's definition, for a causal, a bidirectional and a banded mask."""
    params = random_params(11)
    ids, _ = batch(12, 3, 6)
    expect_allclose(sol.forward(params, ids, MASKS[kind]), reference_logits(params, ids, MASKS[kind]),
                    name=f"forward with the {kind} mask", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_forward_shorter_than_t_max(sol):
    """T < T_max uses pos[:T] only; a batch of one position attends to itself."""
    params = random_params(13, t_max=8)
    ids, _ = batch(14, 2, 1)
    mask = np.ones((1, 1), bool)
    expect_allclose(sol.forward(params, ids, mask), reference_logits(params, ids, mask), name="forward, T = 1",
                    **TOL)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("kind", ["causal", "bidirectional"], ids=cases())
def test_loss_matches_definition(sol, kind):
    """The loss is the mean over targets other than -100 of -log softmax[target], with no shift."""
    params = random_params(21)
    ids, targets = batch(22, 3, 6)
    loss, _ = call_grads(sol, params, ids, MASKS[kind], targets)
    expected = loss_from_logits(reference_logits(params, ids, MASKS[kind]), targets)
    expect_float(loss, expected, rtol=1e-9, atol=1e-12, name=f"loss ({kind})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("key", KEYS, ids=cases())
@pytest.mark.parametrize("kind", ["causal", "bidirectional"], ids=cases())
def test_gradient_of_each_array(sol, key, kind):
    """The gradient of one parameter array agrees with central differences of your forward."""
    params = random_params(31)
    ids, targets = batch(32, 3, 6)
    _, grads = call_grads(sol, params, ids, MASKS[kind], targets)
    directional_check(sol, params, ids, MASKS[kind], targets, grads, {key}, 33,
                      f"grads['{key}'] ({kind}) along a random direction vs central differences")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_gradient_all_arrays_banded_mask(sol):
    """All gradients at once, with a banded mask and T < T_max."""
    params = random_params(41, t_max=9)
    ids, targets = batch(42, 4, 6, ignored=0.5)
    _, grads = call_grads(sol, params, ids, MASKS["window"], targets)
    directional_check(sol, params, ids, MASKS["window"], targets, grads, set(KEYS), 43,
                      "all grads (banded mask) along a random direction vs central differences")
    expect_allclose(grads["pos"][6:], np.zeros((3, 4)), rtol=0, atol=0, name="grads['pos'] beyond T")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_gradient_repeated_tokens(sol):
    """Every position holds one of two ids: the token gradient adds all occurrences."""
    params = random_params(51)
    rng = np.random.default_rng(52)
    ids = rng.integers(2, 4, size=(3, 6))
    targets = rng.integers(0, 7, size=(3, 6))
    _, grads = call_grads(sol, params, ids, CAUSAL, targets)
    directional_check(sol, params, ids, CAUSAL, targets, grads, {"tok"}, 53,
                      "grads['tok'] with repeated ids vs central differences")
    absent = [0, 1, 4, 5, 6]
    expect_allclose(grads["tok"][absent], np.zeros((5, 4)), rtol=0, atol=0, name="grads['tok'] of absent ids")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_gradient_one_target(sol):
    """A single target (N = 1) in a large batch: the mean is over the targets, not the positions."""
    params = random_params(61)
    ids, _ = batch(62, 4, 6)
    targets = np.full((4, 6), -100)
    targets[2, 3] = 5
    loss, grads = call_grads(sol, params, ids, CAUSAL, targets)
    expect_float(loss, loss_from_logits(reference_logits(params, ids, CAUSAL), targets), rtol=1e-9, atol=1e-12,
                 name="loss with one target")
    directional_check(sol, params, ids, CAUSAL, targets, grads, set(KEYS), 63,
                      "all grads with one target vs central differences")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_target(sol):
    """Every target is -100: the loss is nan and every gradient is exactly zero."""
    params = random_params(71)
    ids, _ = batch(72, 2, 6)
    loss, grads = call_grads(sol, params, ids, CAUSAL, np.full((2, 6), -100))
    if not (isinstance(loss, float) and math.isnan(loss)):
        raise CheckFailure("loss with no target must be the float nan")
    for key in KEYS:
        expect_allclose(grads[key], np.zeros(params[key].shape), rtol=0, atol=0, name=f"grads['{key}'] (no target)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_params_not_changed_and_extra_keys(sol):
    """An extra key in params is ignored; the arrays of params are not mutated."""
    params = random_params(81)
    params["note"] = np.ones(3)
    ids, targets = batch(82, 2, 6)
    expect_allclose(sol.forward(params, ids, CAUSAL), reference_logits(params, ids, CAUSAL),
                    name="forward with an extra key", **TOL)
    sol.loss_and_grads(params, ids, CAUSAL, targets)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["missing_key", "ids_range", "too_long", "mask_shape", "mask_dtype",
                                  "empty_row", "targets_shape", "targets_range", "ids_dims", "ids_dtype",
                                  "targets_dtype"], ids=cases())
def test_errors(sol, case):
    """Each documented bad argument raises ValueError naming it."""
    params = random_params(91, t_max=6)
    ids, targets = batch(92, 2, 6)
    mask = CAUSAL
    if case == "missing_key":
        del params["wv"]
        expect_raises(ValueError, sol.forward, params, ids, mask, match="params")
    elif case == "ids_range":
        ids[0, 0] = 7
        expect_raises(ValueError, sol.forward, params, ids, mask, match="ids")
    elif case == "too_long":
        expect_raises(ValueError, sol.forward, params, np.zeros((1, 7), np.int64), np.ones((7, 7), bool),
                      match="ids")
    elif case == "mask_shape":
        expect_raises(ValueError, sol.forward, params, ids, np.ones((5, 5), bool), match="attn_mask")
    elif case == "mask_dtype":
        expect_raises(ValueError, sol.forward, params, ids, CAUSAL.astype(np.int64), match="attn_mask")
    elif case == "empty_row":
        bad = CAUSAL.copy()
        bad[2] = False
        expect_raises(ValueError, sol.forward, params, ids, bad, match="attn_mask")
    elif case == "targets_shape":
        expect_raises(ValueError, sol.loss_and_grads, params, ids, mask, targets[:, :5], match="targets")
    elif case == "ids_dims":
        expect_raises(ValueError, sol.forward, params, ids[0], mask, match="ids")
    elif case == "ids_dtype":
        expect_raises(ValueError, sol.forward, params, ids.astype(np.float64), mask, match="ids")
    elif case == "targets_dtype":
        expect_raises(ValueError, sol.loss_and_grads, params, ids, mask, targets.astype(np.float64), match="targets")
    else:
        targets[1, 1] = 7
        expect_raises(ValueError, sol.loss_and_grads, params, ids, mask, targets, match="targets")
