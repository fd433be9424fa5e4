"""Public tests for kv_cache_attention: run them with `judge test kv_cache_attention`."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_array, expect_raises, expect_sequence

F64 = {"rtol": 1e-6, "atol": 1e-12}  # float64: closed form, tight


def full_causal(q, k, v):
    """Causal self-attention over a whole (B, H, T, d) sequence, one query row at a time (loop definition)."""
    b_size, h_size, t_size, d = q.shape
    out = np.zeros(q.shape)
    for b in range(b_size):
        for h in range(h_size):
            for i in range(t_size):
                scores = [float(np.dot(q[b, h, i], k[b, h, j])) / math.sqrt(d) for j in range(i + 1)]
                top = max(scores)
                w = [math.exp(s - top) for s in scores]
                out[b, h, i] = sum(w[j] * v[b, h, j] for j in range(i + 1)) / sum(w)
    return out


def sequence(seed, b, h, t, d):
    rng = np.random.default_rng(seed)
    return tuple(rng.normal(size=(b, h, t, d)) for _ in range(3))


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_statement_example(sol):
    """Statement example: 2 new tokens after 2 cached ones, uniform weights, means 20 and 30."""
    z = np.zeros((1, 1, 2, 1))
    v_cache = np.array([10.0, 20.0]).reshape(1, 1, 2, 1)
    v_new = np.array([30.0, 60.0]).reshape(1, 1, 2, 1)
    out, k_all, v_all = expect_sequence(sol.kv_cache_attention(z, z, v_new, z, v_cache), 3,
                                        name="kv_cache_attention(...)")
    expect_allclose(out, np.array([20.0, 30.0]).reshape(1, 1, 2, 1), **F64, name="out")
    expect_array(k_all, np.zeros((1, 1, 4, 1)), name="k_cache_new")
    expect_array(v_all, np.array([10.0, 20.0, 30.0, 60.0]).reshape(1, 1, 4, 1), name="v_cache_new")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_prefill_empty_cache(sol):
    """L_past = 0 (prefill): out equals ordinary causal attention over the new tokens."""
    q, k, v = sequence(1, 1, 2, 4, 3)
    empty = np.zeros((1, 2, 0, 3))
    out, _, _ = expect_sequence(sol.kv_cache_attention(q, k, v, empty, empty), 3, name="kv_cache_attention(...)")
    expect_allclose(out, full_causal(q, k, v), **F64, name="out of a prefill of 4 tokens")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_token_decode(sol):
    """One new token after 5 cached ones attends to all 6 keys (the last row of full causal attention)."""
    q, k, v = sequence(2, 1, 2, 6, 3)
    got = sol.kv_cache_attention(q[:, :, 5:], k[:, :, 5:], v[:, :, 5:], k[:, :, :5], v[:, :, :5])
    out, _, _ = expect_sequence(got, 3, name="kv_cache_attention(...)")
    expect_allclose(out, full_causal(q, k, v)[:, :, 5:], **F64, name="out of decoding token 5")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_caches_appended(sol):
    """The returned caches are the old caches followed by the new keys and values (axis 2)."""
    q, k, v = sequence(3, 2, 1, 5, 2)
    got = sol.kv_cache_attention(q[:, :, 3:], k[:, :, 3:], v[:, :, 3:], k[:, :, :3], v[:, :, :3])
    _, k_all, v_all = expect_sequence(got, 3, name="kv_cache_attention(...)")
    expect_array(k_all, k, name="k_cache_new")
    expect_array(v_all, v, name="v_cache_new")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_cache_raises(sol):
    """A k_cache with another head size d raises ValueError naming k_cache."""
    q, k, v = sequence(4, 1, 2, 3, 4)
    expect_raises(ValueError, sol.kv_cache_attention, q, k, v, np.zeros((1, 2, 2, 5)), np.zeros((1, 2, 2, 5)),
                  match="k_cache")
