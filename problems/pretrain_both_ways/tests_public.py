"""Public tests for pretrain_both_ways: run them with `judge test pretrain_both_ways`."""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_allclose, expect_band, expect_raises

KEYS = ("tok", "pos", "wq", "wk", "wv", "wo", "out")
V, MASK, D, T = 17, 16, 16, 8


def language(seed, rows, blocks=2):
    """Texts of blocks [a, L, R, b]: a, b uniform in 0..7, L = 8 + a % 4, R = 12 + b // 2."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 8, size=(rows, blocks))
    b = rng.integers(0, 8, size=(rows, blocks))
    return np.stack([a, 8 + a % 4, 12 + b // 2, b], axis=-1).reshape(rows, 4 * blocks)


def init_params(seed, d=D):
    rng = np.random.default_rng(seed)
    params = {"tok": rng.normal(scale=0.5, size=(V, d)), "pos": rng.normal(scale=0.5, size=(T, d)),
              "out": rng.normal(scale=d ** -0.5, size=(d, V))}
    for key in ("wq", "wk", "wv", "wo"):
        params[key] = rng.normal(scale=d ** -0.5, size=(d, d))
    return params


def model_logits(params, ids, mask):
    x = params["tok"][ids] + params["pos"][: ids.shape[1]]
    scores = np.einsum("bid,bjd->bij", x @ params["wq"], x @ params["wk"]) / math.sqrt(x.shape[-1])
    scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    return (x + np.einsum("bij,bjd->bid", weights, x @ params["wv"]) @ params["wo"]) @ params["out"]


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_clm_one_step_on_one_row(sol):
    """One row, one step: Adam's first step is lr * g / (|g| + 1e-8) with g from your loss_and_grads."""
    params = init_params(1, d=6)
    row = language(2, 1)
    got = sol.train_clm(params, row, np.random.default_rng(3), steps=1, batch_size=2, lr=0.05)
    batch = np.repeat(row, 2, axis=0)
    targets = np.full_like(batch, -100)
    targets[:, :-1] = batch[:, 1:]
    _, grads = sol.loss_and_grads(params, batch, np.tril(np.ones((T, T), bool)), targets)
    for key in KEYS:
        expected = params[key] - 0.05 * grads[key] / (np.abs(grads[key]) + 1e-8)
        expect_allclose(got[key], expected, rtol=1e-7, atol=1e-10, name=f"params['{key}'] after one step")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_clm_learns_the_left_rule(sol):
    """After 400 steps the causal LM predicts every L = 8 + a % 4 from the a before it (>= 90%)."""
    trained = sol.train_clm(init_params(4), language(5, 512), np.random.default_rng(6), steps=400, batch_size=32,
                            lr=0.02)
    texts = language(7, 500)
    logits = model_logits(trained, texts, np.tril(np.ones((T, T), bool)))
    share = float((logits[:, [0, 4]].argmax(axis=-1) == texts[:, [1, 5]]).mean())
    expect_band(share, 0.9, 1.0, name="next-token accuracy at L positions", n=1000,
                hint="is the attention mask causal (np.tril, no future token), and are the targets the next "
                     "tokens?")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_input_not_changed(sol):
    """train_mlm returns new arrays; the input params keep their values."""
    params = init_params(8, d=6)
    copy = {key: value.copy() for key, value in params.items()}
    got = sol.train_mlm(params, language(9, 8), np.random.default_rng(10), steps=2, batch_size=4, lr=0.1,
                        mask_id=MASK, vocab_size=V)
    if not isinstance(got, dict) or set(got) < set(KEYS):
        raise CheckFailure("train_mlm must return a dict with the keys of params")
    for key in KEYS:
        expect_allclose(params[key], copy[key], rtol=0, atol=0, name=f"the caller's params['{key}']")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_steps(sol):
    """steps = -1 raises ValueError naming steps."""
    expect_raises(ValueError, sol.train_clm, init_params(11, d=6), language(12, 4), np.random.default_rng(0),
                  steps=-1, batch_size=2, lr=0.1, match="steps")
