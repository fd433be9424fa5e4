"""Public tests for tasks_both_ways: run them with `judge test tasks_both_ways`."""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises

V, MASK, T = 17, 16, 8


def init_params(seed, d=8):
    rng = np.random.default_rng(seed)
    params = {"tok": rng.normal(size=(V, d)), "pos": rng.normal(size=(T, d)),
              "out": rng.normal(scale=2 * d ** -0.5, size=(d, V))}
    for key in ("wq", "wk", "wv", "wo"):
        params[key] = rng.normal(scale=2 * d ** -0.5, size=(d, d))
    return params


def logits_of(params, ids, mask):
    """The model's logits at every position, written for the test."""
    x = params["tok"][ids] + params["pos"][: ids.shape[1]]
    scores = np.where(mask, (x @ params["wq"]) @ np.swapaxes(x @ params["wk"], 1, 2) / math.sqrt(x.shape[-1]),
                      -np.inf)
    w = np.exp(scores - scores.max(axis=-1, keepdims=True))
    w /= w.sum(axis=-1, keepdims=True)
    return (x + (w @ (x @ params["wv"])) @ params["wo"]) @ params["out"]


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_cloze_clm_reads_the_left_side(sol):
    """cloze_clm at position 3: the causal LM's logits at position 2, best of the candidates."""
    params = init_params(1)
    texts = np.random.default_rng(2).integers(0, MASK, size=(12, 6))
    candidates = np.array([12, 13, 14, 15])
    logits = logits_of(params, texts[:, :3], np.tril(np.ones((3, 3), bool)))[:, -1]
    expected = candidates[np.argmax(logits[:, candidates], axis=1)]
    expect_array(sol.cloze_clm(params, texts, 3, candidates), expected, name="cloze_clm(params, texts, 3, R ids)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_cloze_mlm_hides_the_answer(sol):
    """cloze_mlm at position 2: [MASK] there, all-True mask, the logits at position 2, best of the candidates."""
    params = init_params(3)
    texts = np.random.default_rng(4).integers(0, MASK, size=(12, 6))
    candidates = np.array([8, 9, 10, 11])
    blanked = texts.copy()
    blanked[:, 2] = MASK
    logits = logits_of(params, blanked, np.ones((6, 6), bool))[:, 2]
    expected = candidates[np.argmax(logits[:, candidates], axis=1)]
    expect_array(sol.cloze_mlm(params, texts, 2, candidates, MASK), expected,
                 name="cloze_mlm(params, texts, 2, L ids, 16)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_continuations_keep_the_prompt(sol):
    """Both continue functions return int64 (B, P + length), the prompts first, new ids in [0, V)."""
    params = init_params(5)
    prompts = np.array([[3, 11], [6, 10]])
    for name, out in (("continue_clm", sol.continue_clm(params, prompts, 3, np.random.default_rng(6))),
                      ("continue_mlm", sol.continue_mlm(params, prompts, 3, np.random.default_rng(6), MASK))):
        if type(out) is not np.ndarray or out.dtype != np.int64 or out.shape != (2, 5):
            raise CheckFailure(f"{name} must return an int64 array of shape (2, 5)")
        expect_array(out[:, :2], prompts, name=f"the prompt part of {name}")
        if out.min() < 0 or out.max() >= V:
            raise CheckFailure(f"{name} returned an id outside [0, {V})")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_cloze_clm_position_zero(sol):
    """cloze_clm at position 0 has nothing to read: ValueError naming position."""
    expect_raises(ValueError, sol.cloze_clm, init_params(7), np.zeros((2, 4), np.int64), 0, np.array([1, 2]),
                  match="position")
