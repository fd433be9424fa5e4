"""Public tests for compare_objectives: run them with `judge test compare_objectives`."""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_allclose, expect_array

V, MASK, T = 17, 16, 8


def init_params(seed, d=8):
    rng = np.random.default_rng(seed)
    params = {"tok": rng.normal(size=(V, d)), "pos": rng.normal(size=(T, d)),
              "out": rng.normal(scale=2 * d ** -0.5, size=(d, V))}
    for key in ("wq", "wk", "wv", "wo"):
        params[key] = rng.normal(scale=2 * d ** -0.5, size=(d, d))
    return params


def last_log_probs(params, ids, mask):
    """Log-probabilities at every position: the model written for the test."""
    x = params["tok"][ids] + params["pos"][: ids.shape[1]]
    scores = np.where(mask, (x @ params["wq"]) @ np.swapaxes(x @ params["wk"], 1, 2) / math.sqrt(x.shape[-1]),
                      -np.inf)
    w = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    logits = (x + (w @ (x @ params["wv"])) @ params["wo"]) @ params["out"]
    m = logits.max(axis=-1, keepdims=True)
    return logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_next_token_report_position_one(sol):
    """Position 1 is predicted from position 0 alone; position 0 is nan."""
    params = init_params(1)
    texts = np.random.default_rng(2).integers(0, MASK, size=(10, 4))
    got = sol.next_token_report(params, texts)
    if not isinstance(got, dict) or set(got) != {"loss", "accuracy"}:
        raise CheckFailure("next_token_report must return a dict with the keys 'loss' and 'accuracy'")
    lp = last_log_probs(params, texts[:, :1], np.ones((1, 1), bool))[:, 0]
    expect_allclose(got["loss"][:2], np.array([np.nan, -lp[np.arange(10), texts[:, 1]].mean()]), rtol=1e-9,
                    atol=1e-12, name="next_token_report['loss'][:2]")
    expect_allclose(got["accuracy"][:2], np.array([np.nan, (lp.argmax(axis=1) == texts[:, 1]).mean()]),
                    rtol=1e-12, atol=1e-12, name="next_token_report['accuracy'][:2]")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_fill_in_report_last_position(sol):
    """The last position is filled from everything before it, with [MASK] in its place."""
    params = init_params(3)
    texts = np.random.default_rng(4).integers(0, MASK, size=(10, 4))
    got = sol.fill_in_report(params, texts, MASK)
    corrupted = texts.copy()
    corrupted[:, 3] = MASK
    lp = last_log_probs(params, corrupted, np.ones((4, 4), bool))[:, 3]
    expect_allclose(got["loss"][3:], -lp[np.arange(10), texts[:, 3]].mean(keepdims=True), rtol=1e-9, atol=1e-12,
                    name="fill_in_report['loss'][3:]")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_generate_keeps_the_prompt(sol):
    """generate returns int64 (B, P + length) starting with the prompts, ids in [0, V)."""
    prompts = np.array([[1, 2], [3, 4], [5, 6]])
    out = sol.generate(init_params(5), prompts, 3, np.random.default_rng(6))
    expect_array(out[:, :2], prompts, name="the prompt part of generate(...)")
    if out.shape != (3, 5) or out.dtype != np.int64 or out.min() < 0 or out.max() >= V:
        raise CheckFailure("generate must return int64 ids in [0, V) of shape (B, P + length)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_generate_cold_temperature_is_argmax(sol):
    """At temperature 1e-4 a clear favourite is sampled every time."""
    params = init_params(7)
    prompts = np.full((50, 1), 2)
    lp = last_log_probs(params, prompts[:1], np.ones((1, 1), bool))[0, 0]
    gap = np.sort(lp)[-1] - np.sort(lp)[-2]
    assert gap > 0.01, "test setup: the favourite must be clear"
    out = sol.generate(params, prompts, 1, np.random.default_rng(8), temperature=1e-4)
    expect_array(out[:, 1], np.full(50, int(lp.argmax()), dtype=np.int64), name="tokens sampled at temperature 1e-4")
