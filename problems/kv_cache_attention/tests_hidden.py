"""Hidden tests for kv_cache_attention. Expected values are rows of causal self-attention over the whole
sequence, computed by a loop (math.exp per score), not from the reference."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_array, expect_raises, expect_sequence
from judge.checkers.case_ids import cases

F64 = {"rtol": 1e-6, "atol": 1e-12}  # float64: closed form, tight
F32 = {"rtol": 1e-4, "atol": 1e-5}   # float32 results


def full_causal(q, k, v):
    """Causal self-attention over a whole (B, H, T, d) sequence in float64, one query row at a time."""
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
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


def sequence(seed, b, h, t, d, dtype=np.float64, gain=1.0):
    rng = np.random.default_rng(seed)
    return tuple((rng.normal(size=(b, h, t, d)) * gain).astype(dtype) for _ in range(3))


def step(sol, q, k, v, k_cache, v_cache, start, stop, what):
    """Run one call on positions start..stop-1 of the sequence; returns (out, k_cache_new, v_cache_new)."""
    got = sol.kv_cache_attention(q[:, :, start:stop], k[:, :, start:stop], v[:, :, start:stop], k_cache, v_cache)
    return expect_sequence(got, 3, name=f"kv_cache_attention {what}")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_prefill_then_decode(sol):
    """Prefill 4 tokens, then decode 5 tokens one by one: every step equals full causal attention."""
    q, k, v = sequence(10, 2, 3, 9, 4)
    expected = full_causal(q, k, v)
    empty = np.zeros((2, 3, 0, 4))
    out, kc, vc = step(sol, q, k, v, empty, empty, 0, 4, "prefill")
    expect_allclose(out, expected[:, :, :4], **F64, name="out of the prefill (positions 0-3)")
    for t in range(4, 9):
        out, kc, vc = step(sol, q, k, v, kc, vc, t, t + 1, f"decoding position {t}")
        expect_allclose(out, expected[:, :, t:t + 1], **F64, name=f"out of decoding position {t}")
    expect_array(kc, k, name="k cache after decoding")
    expect_array(vc, v, name="v cache after decoding")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_chunked_prefill(sol):
    """Chunks of 3, 4, 1, 2, 5 tokens on a growing cache reproduce full causal attention."""
    q, k, v = sequence(11, 1, 2, 15, 3)
    expected = full_causal(q, k, v)
    kc = vc = np.zeros((1, 2, 0, 3))
    start = 0
    for size in (3, 4, 1, 2, 5):
        out, kc, vc = step(sol, q, k, v, kc, vc, start, start + size, f"chunk {start}-{start + size - 1}")
        expect_allclose(out, expected[:, :, start:start + size], **F64,
                        name=f"out of chunk {start}-{start + size - 1}")
        start += size
    expect_array(kc, k, name="k cache after all chunks")
    expect_array(vc, v, name="v cache after all chunks")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("l_past, l_new", [(5, 3), (1, 6), (7, 7), (2, 1)], ids=cases())
def test_bottom_right_alignment(sol, l_past, l_new):
    """New query i sees keys 0..L_past+i (bottom-right), for several cache and chunk sizes."""
    q, k, v = sequence(l_past * 10 + l_new, 2, 2, l_past + l_new, 5)
    out, k_all, v_all = step(sol, q, k, v, k[:, :, :l_past], v[:, :, :l_past], l_past, l_past + l_new,
                             f"with L_past={l_past}, L_new={l_new}")
    expect_allclose(out, full_causal(q, k, v)[:, :, l_past:], **F64,
                    name=f"out with L_past={l_past}, L_new={l_new}")
    expect_array(k_all, k, name="k_cache_new")
    expect_array(v_all, v, name="v_cache_new")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_first_token(sol):
    """The very first token (empty cache, L_new = 1) attends only to itself: out equals v_new."""
    q, k, v = sequence(12, 3, 2, 1, 4)
    empty = np.zeros((3, 2, 0, 4))
    out, k_all, v_all = step(sol, q, k, v, empty, empty, 0, 1, "on the first token")
    expect_allclose(out, v, **F64, name="out of the first token")
    expect_array(k_all, k, name="k_cache_new")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_no_new_tokens(sol):
    """L_new = 0: out is (B, H, 0, d) and the caches come back with the same contents."""
    q, k, v = sequence(13, 2, 2, 3, 4)
    none = np.zeros((2, 2, 0, 4))
    out, k_all, v_all = expect_sequence(sol.kv_cache_attention(none, none, none, k, v), 3,
                                        name="kv_cache_attention with L_new=0")
    expect_allclose(out, np.zeros((2, 2, 0, 4)), **F64, name="out with L_new=0")
    expect_array(k_all, k, name="k_cache_new with L_new=0")
    expect_array(v_all, v, name="v_cache_new with L_new=0")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_float32(sol):
    """float32 inputs: out and caches are float32, out within rtol 1e-4 of the float64 loop."""
    q, k, v = sequence(14, 2, 2, 7, 8, dtype=np.float32)
    out, k_all, v_all = step(sol, q, k, v, k[:, :, :4], v[:, :, :4], 4, 7, "in float32")
    expect_allclose(out, full_causal(q, k, v)[:, :, 4:].astype(np.float32), **F32, name="float32 out")
    expect_array(k_all, k, name="float32 k_cache_new")
    expect_array(v_all, v, name="float32 v_cache_new")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_scores_stable(sol):
    """Scores of magnitude ~1e3 do not overflow."""
    q, k, v = sequence(15, 1, 2, 6, 4, gain=25.0)
    out, _, _ = step(sol, q, k, v, k[:, :, :2], v[:, :, :2], 2, 6, "with large scores")
    expect_allclose(out, full_causal(q, k, v)[:, :, 2:], **F64, name="out with large scores")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_long_cache(sol):
    """A 400-token cache, 4 new tokens, B=2, H=4, d=32: correct and fast."""
    q, k, v = sequence(16, 2, 4, 404, 32)
    out, _, _ = step(sol, q, k, v, k[:, :, :400], v[:, :, :400], 400, 404, "with a 400-token cache")
    expected = np.zeros((2, 4, 4, 32))
    for i in range(4):  # query 400 + i sees keys 0..400 + i (vectorized over batch and heads)
        s = np.einsum("bhd,bhjd->bhj", q[:, :, 400 + i], k[:, :, : 401 + i]) / math.sqrt(32)
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        w /= w.sum(axis=-1, keepdims=True)
        expected[:, :, i] = np.einsum("bhj,bhjd->bhd", w, v[:, :, : 401 + i])
    expect_allclose(out, expected, **F64, name="out with a 400-token cache")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_new_shapes(sol):
    """A 3-D or integer q_new, or k_new / v_new of another shape, raise ValueError naming the argument."""
    q, k, v = sequence(17, 1, 2, 3, 4)
    kc, vc = np.zeros((1, 2, 2, 4)), np.zeros((1, 2, 2, 4))
    expect_raises(ValueError, sol.kv_cache_attention, q[0], k[0], v[0], kc[0], vc[0], match="q_new")
    expect_raises(ValueError, sol.kv_cache_attention, np.ones((1, 2, 3, 4), dtype=np.int64), k, v, kc, vc,
                  match="q_new")
    expect_raises(ValueError, sol.kv_cache_attention, q, k[:, :, :2], v, kc, vc, match="k_new")
    expect_raises(ValueError, sol.kv_cache_attention, q, k, v[..., :3], kc, vc, match="v_new")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_cache_shapes(sol):
    """Caches with another B, H or d, or a v_cache of another length, raise ValueError naming it."""
    q, k, v = sequence(18, 1, 2, 3, 4)
    good = np.zeros((1, 2, 2, 4))
    expect_raises(ValueError, sol.kv_cache_attention, q, k, v, np.zeros((1, 3, 2, 4)), np.zeros((1, 3, 2, 4)),
                  match="k_cache")
    expect_raises(ValueError, sol.kv_cache_attention, q, k, v, np.zeros((2, 2, 2, 4)), np.zeros((2, 2, 2, 4)),
                  match="k_cache")
    expect_raises(ValueError, sol.kv_cache_attention, q, k, v, good, np.zeros((1, 2, 3, 4)), match="v_cache")
