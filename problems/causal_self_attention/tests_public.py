"""Public tests for causal_self_attention: run them with `judge test causal_self_attention`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises

F64 = {"rtol": 1e-6, "atol": 1e-10}  # float64 results


def by_definition(x, w_qkv, w_out, n_heads):
    """Loop version of the contract: per batch entry, head and position; heads summed through their w_out rows."""
    b_size, t_size, d = x.shape
    hd = d // n_heads
    out = np.zeros((b_size, t_size, d))
    for h in range(n_heads):
        cols = slice(h * hd, (h + 1) * hd)
        wq, wk, wv = w_qkv[:, :d][:, cols], w_qkv[:, d:2 * d][:, cols], w_qkv[:, 2 * d:][:, cols]
        for b in range(b_size):
            keys = [x[b, j] @ wk for j in range(t_size)]
            values = [x[b, j] @ wv for j in range(t_size)]
            for i in range(t_size):
                qi = x[b, i] @ wq
                scores = [float(qi @ keys[j]) / math.sqrt(hd) for j in range(i + 1)]
                top = max(scores)
                w = [math.exp(s - top) for s in scores]
                head = sum(w[j] * values[j] for j in range(i + 1)) / sum(w)
                out[b, i] += head @ w_out[cols, :]
    return out


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example_two_heads(sol):
    """Statement example with n_heads=2: q = k = v = x, heads of one column each."""
    eye = np.eye(2)
    x = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    e = math.e
    expected = np.array([[[0.0, 1.0], [e / (1 + e), 0.5]]])
    expect_allclose(sol.causal_self_attention(x, np.hstack([eye, eye, eye]), eye, 2), expected, **F64,
                    name="causal_self_attention(x, [I|I|I], I, n_heads=2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_statement_example_one_head(sol):
    """Statement example with n_heads=1: scale 1/sqrt(2), one head over both columns."""
    eye = np.eye(2)
    x = np.array([[[0.0, 1.0], [1.0, 0.0]]])
    w1 = math.exp(1 / math.sqrt(2)) / (1 + math.exp(1 / math.sqrt(2)))
    expected = np.array([[[0.0, 1.0], [w1, 1 - w1]]])
    expect_allclose(sol.causal_self_attention(x, np.hstack([eye, eye, eye]), eye, 1), expected, **F64,
                    name="causal_self_attention(x, [I|I|I], I, n_heads=1)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_small_random(sol):
    """B=2, T=4, D=6, 3 heads with random weights match the loop definition."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 4, 6))
    w_qkv = rng.normal(size=(6, 18)) / 2
    w_out = rng.normal(size=(6, 6)) / 2
    expect_allclose(sol.causal_self_attention(x, w_qkv, w_out, 3), by_definition(x, w_qkv, w_out, 3), **F64,
                    name="causal_self_attention of (2, 4, 6) with 3 heads")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_past_ignores_future(sol):
    """Changing the tokens at positions 3.. leaves the outputs at positions 0-2 unchanged."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1, 5, 4))
    w_qkv = rng.normal(size=(4, 12))
    w_out = rng.normal(size=(4, 4))
    x2 = x.copy()
    x2[:, 3:] = rng.normal(size=(1, 2, 4)) * 3
    before = sol.causal_self_attention(x, w_qkv, w_out, 2)
    got = sol.causal_self_attention(x2, w_qkv, w_out, 2)
    if all(isinstance(a, np.ndarray) and a.shape == x.shape for a in (before, got)):
        # Causality first, on your own outputs: rows 0-2 must not move when only positions 3-4 change.
        expect_allclose(got[:, :3], before[:, :3], **F64,
                        name="outputs at positions 0-2 after changing positions 3-4 (must equal those before)")
    expected = by_definition(x2, w_qkv, w_out, 2)
    expected[:, :3] = by_definition(x, w_qkv, w_out, 2)[:, :3]
    expect_allclose(got, expected, **F64, name="causal_self_attention after changing positions 3-4")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_indivisible_heads_raise(sol):
    """D = 6 with 4 heads raises ValueError naming n_heads."""
    expect_raises(ValueError, sol.causal_self_attention, np.zeros((2, 3, 6)), np.zeros((6, 18)), np.zeros((6, 6)),
                  4, match="n_heads")
