"""Hidden tests for scaled_dot_product_attention. Expected values come from an explicit loop over batch
entries, queries and keys (math.exp per score), not from the reference."""

import math

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_raises
from judge.checkers.case_ids import cases

F64 = {"rtol": 1e-6, "atol": 1e-12}  # float64: closed form, tight
F32 = {"rtol": 1e-4, "atol": 1e-5}   # float32 results


def by_definition(q, k, v, allowed=None, is_causal=False, scale=None):
    """Loop version of the contract, in float64; cast to the dtype of q at the end."""
    dtype = np.asarray(q).dtype
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    batch = np.broadcast_shapes(q.shape[:-2], k.shape[:-2], v.shape[:-2])
    lq, lk, d, dv = q.shape[-2], k.shape[-2], q.shape[-1], v.shape[-1]
    s = 1.0 / math.sqrt(d) if scale is None else float(scale)
    if is_causal:
        allowed = np.array([[j <= i for j in range(lk)] for i in range(lq)], dtype=bool).reshape(lq, lk)
    elif allowed is None:
        allowed = np.ones((lq, lk), dtype=bool)
    mask = np.broadcast_to(allowed, batch + (lq, lk))
    qb = np.broadcast_to(q, batch + (lq, d))
    kb = np.broadcast_to(k, batch + (lk, d))
    vb = np.broadcast_to(v, batch + (lk, dv))
    out = np.zeros(batch + (lq, dv))
    for idx in np.ndindex(*batch):
        for i in range(lq):
            keep = [j for j in range(lk) if mask[idx + (i, j)]]
            if not keep:
                continue
            score = {j: s * sum(float(qb[idx + (i, t)]) * float(kb[idx + (j, t)]) for t in range(d)) for j in keep}
            top = max(score.values())
            w = {j: math.exp(score[j] - top) for j in keep}
            total = sum(w.values())
            for c in range(dv):
                out[idx + (i, c)] = sum(w[j] * float(vb[idx + (j, c)]) for j in keep) / total
    return out.astype(dtype)


def qkv(seed, q_shape, k_shape, v_shape, dtype=np.float64, magnitude=1.0):
    rng = np.random.default_rng(seed)
    return tuple((rng.normal(size=s) * magnitude).astype(dtype) for s in (q_shape, k_shape, v_shape))


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("shapes", [
    ((4, 3), (6, 3), (6, 2)),
    ((2, 3, 5, 8), (2, 3, 7, 8), (2, 3, 7, 4)),
    ((1, 1), (1, 1), (1, 1)),
], ids=cases())
def test_no_mask_matches_definition(sol, shapes):
    """Without a mask every key is attended; values match the loop definition."""
    q, k, v = qkv(len(shapes[1]) + shapes[0][-1], *shapes)
    expect_allclose(sol.scaled_dot_product_attention(q, k, v), by_definition(q, k, v), **F64,
                    name=f"scaled_dot_product_attention with q {q.shape}, k {k.shape}, v {v.shape}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_random_allowed_mask(sol):
    """A random full bool mask (with some fully masked query rows) matches the definition."""
    q, k, v = qkv(5, (2, 3, 6, 4), (2, 3, 5, 4), (2, 3, 5, 3))
    allowed = np.random.default_rng(6).random((2, 3, 6, 5)) < 0.5
    allowed[0, 1, 2] = False
    allowed[1, 2, 5] = False
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, allowed=allowed),
                    by_definition(q, k, v, allowed=allowed), **F64,
                    name="scaled_dot_product_attention with a random (2, 3, 6, 5) mask")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("lq, lk", [(5, 5), (2, 6), (6, 2), (1, 4), (4, 1)], ids=cases())
def test_causal_top_left(sol, lq, lk):
    """is_causal=True is top-left aligned (j <= i) for every Lq, Lk."""
    q, k, v = qkv(lq * 10 + lk, (2, lq, 4), (2, lk, 4), (2, lk, 3))
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, is_causal=True),
                    by_definition(q, k, v, is_causal=True), **F64,
                    name=f"scaled_dot_product_attention(is_causal=True) with Lq={lq}, Lk={lk}")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_causal_equals_tril_mask(sol):
    """is_causal=True gives the same result as allowed=tril(ones((Lq, Lk)))."""
    q, k, v = qkv(8, (3, 4, 5), (3, 7, 5), (3, 7, 2))
    tril = np.tril(np.ones((4, 7), dtype=bool))
    expected = by_definition(q, k, v, allowed=tril)
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, is_causal=True), expected, **F64,
                    name="scaled_dot_product_attention(is_causal=True)")
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, allowed=tril), expected, **F64,
                    name="scaled_dot_product_attention(allowed=tril)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_causal_ignores_future(sol):
    """With is_causal, changing keys and values after position i leaves output row i unchanged."""
    q, k, v = qkv(12, (6, 4), (6, 4), (6, 3))
    k2, v2 = k.copy(), v.copy()
    k2[4:] += 5.0
    v2[4:] -= 7.0
    a = sol.scaled_dot_product_attention(q, k, v, is_causal=True)
    b = sol.scaled_dot_product_attention(q, k2, v2, is_causal=True)
    expect_allclose(b[:4] if isinstance(b, np.ndarray) and b.shape == (6, 3) else b,
                    by_definition(q, k, v, is_causal=True)[:4], **F64,
                    name="rows 0-3 after changing keys/values 4-5")
    expect_allclose(a, by_definition(q, k, v, is_causal=True), **F64, name="causal attention of (6, 4)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("scale", [0.0, 0.3, 2.0, -1.0], ids=cases())
def test_explicit_scale(sol, scale):
    """An explicit scale multiplies the scores (0 gives a plain average of the allowed values)."""
    q, k, v = qkv(20, (2, 5, 6), (2, 7, 6), (2, 7, 3))
    allowed = np.random.default_rng(21).random((5, 7)) < 0.7
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, allowed=allowed, scale=scale),
                    by_definition(q, k, v, allowed=allowed, scale=scale), **F64,
                    name=f"scaled_dot_product_attention(..., scale={scale})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_default_scale_uses_d_not_dv(sol):
    """The default scale is 1/sqrt(d), d the size of q and k, even when dv differs."""
    q, k, v = qkv(30, (5, 9), (6, 9), (6, 2))
    expect_allclose(sol.scaled_dot_product_attention(q, k, v), by_definition(q, k, v), **F64,
                    name="scaled_dot_product_attention with d=9, dv=2")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("shapes", [
    ((2, 3, 4, 5), (2, 1, 6, 5), (2, 1, 6, 2)),
    ((3, 4, 5), (6, 5), (6, 2)),
    ((2, 1, 4, 5), (1, 3, 6, 5), (3, 6, 2)),
], ids=cases())
def test_broadcast_leading_dims(sol, shapes):
    """Leading dims of q, k, v broadcast (shared keys across heads, 2-D keys for a batch of queries)."""
    q, k, v = qkv(40, *shapes)
    expect_allclose(sol.scaled_dot_product_attention(q, k, v), by_definition(q, k, v), **F64,
                    name=f"scaled_dot_product_attention with q {q.shape}, k {k.shape}, v {v.shape}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_key_padding_mask(sol):
    """A (B, 1, 1, Lk) key-padding mask broadcasts over heads and queries."""
    q, k, v = qkv(50, (2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 4))
    allowed = np.array([[True] * 6, [True, True, True, False, False, False]]).reshape(2, 1, 1, 6)
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, allowed=allowed),
                    by_definition(q, k, v, allowed=allowed), **F64,
                    name="scaled_dot_product_attention with a (2, 1, 1, 6) padding mask")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_keys(sol):
    """Lk = 0: nothing to attend, every output row is zeros."""
    q, k, v = qkv(60, (2, 3, 4), (2, 0, 4), (2, 0, 5))
    expect_allclose(sol.scaled_dot_product_attention(q, k, v), np.zeros((2, 3, 5)), **F64,
                    name="scaled_dot_product_attention with Lk=0")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_no_queries(sol):
    """Lq = 0 gives an empty (..., 0, dv) result."""
    q, k, v = qkv(61, (2, 0, 4), (2, 3, 4), (2, 3, 5))
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, is_causal=True), np.zeros((2, 0, 5)), **F64,
                    name="scaled_dot_product_attention with Lq=0")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_large_scores_stable(sol):
    """Scores of magnitude up to 1e4 give no overflow or NaN."""
    q, k, v = qkv(70, (3, 5, 4), (3, 6, 4), (3, 6, 3))
    q = q * 40.0
    k = k * 40.0
    expected = by_definition(q, k, v, is_causal=True)
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, is_causal=True), expected, **F64,
                    name="scaled_dot_product_attention with scores of magnitude ~1e3-1e4")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_float32_random(sol):
    """float32 inputs give a float32 result within rtol 1e-4 (with a mask)."""
    q, k, v = qkv(80, (2, 2, 5, 8), (2, 2, 7, 8), (2, 2, 7, 4), dtype=np.float32)
    allowed = np.random.default_rng(81).random((5, 7)) < 0.6
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, allowed=allowed),
                    by_definition(q, k, v, allowed=allowed), **F32,
                    name="float32 scaled_dot_product_attention with a mask")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_causal(sol):
    """float32 causal attention: dtype kept, values within rtol 1e-4."""
    q, k, v = qkv(82, (3, 6, 4), (3, 6, 4), (3, 6, 4), dtype=np.float32)
    expect_allclose(sol.scaled_dot_product_attention(q, k, v, is_causal=True),
                    by_definition(q, k, v, is_causal=True), **F32, name="float32 causal attention")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_input(sol):
    """A (4, 8, 128, 64) causal attention is correct and fast."""
    q, k, v = qkv(90, (4, 8, 128, 64), (4, 8, 128, 64), (4, 8, 128, 64))
    got = sol.scaled_dot_product_attention(q, k, v, is_causal=True)
    # Independent form: query i attends to the prefix 0..i, one query index at a time.
    expected = np.zeros_like(q)
    for i in range(128):
        s = np.einsum("bhd,bhjd->bhj", q[:, :, i], k[:, :, : i + 1]) / 8.0
        w = np.exp(s - s.max(axis=-1, keepdims=True))
        w /= w.sum(axis=-1, keepdims=True)
        expected[:, :, i] = np.einsum("bhj,bhjd->bhd", w, v[:, :, : i + 1])
    expect_allclose(got, expected, **F64, name="causal attention of (4, 8, 128, 64)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", ["int", "float"], ids=cases())
def test_non_bool_mask_raises(sol, bad):
    """An int or additive float mask raises ValueError naming allowed."""
    x = np.zeros((3, 2))
    mask = np.ones((3, 3), dtype=np.int64) if bad == "int" else np.zeros((3, 3))
    expect_raises(ValueError, sol.scaled_dot_product_attention, x, x, x, allowed=mask, match="allowed")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("mask_shape", [(3, 4), (5, 2, 3, 3), (4,)], ids=cases())
def test_bad_mask_shape_raises(sol, mask_shape):
    """A mask that does not broadcast to batch + (Lq, Lk) (or would enlarge it) raises ValueError naming allowed."""
    q, k, v = qkv(1, (2, 3, 4), (2, 3, 4), (2, 3, 4))
    expect_raises(ValueError, sol.scaled_dot_product_attention, q, k, v, allowed=np.ones(mask_shape, dtype=bool),
                  match="allowed")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_shape_mismatch_raises(sol):
    """k with another feature size raises naming k; v with another length raises naming v."""
    q, k, v = qkv(2, (3, 4), (5, 4), (5, 2))
    expect_raises(ValueError, sol.scaled_dot_product_attention, q, np.zeros((5, 3)), v, match=r"\bk\b")
    expect_raises(ValueError, sol.scaled_dot_product_attention, q, k, np.zeros((4, 2)), match=r"\bv\b")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_inputs_raise(sol):
    """1-D q, k or v, integer q and non-broadcastable leading dims raise ValueError (naming q, k, v)."""
    q, k, v = qkv(3, (2, 3, 4), (3, 5, 4), (3, 5, 2))
    expect_raises(ValueError, sol.scaled_dot_product_attention, np.zeros(4), k[0], v[0], match=r"\bq\b")
    expect_raises(ValueError, sol.scaled_dot_product_attention, q[0], np.zeros(4), v[0], match=r"\bk\b")
    expect_raises(ValueError, sol.scaled_dot_product_attention, q[0], k[0], np.zeros(5), match=r"\bv\b")
    expect_raises(ValueError, sol.scaled_dot_product_attention, np.zeros((3, 4), dtype=np.int64), k[0], v[0],
                  match=r"\bq\b")
    expect_raises(ValueError, sol.scaled_dot_product_attention, q, k, v)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_mask_and_causal_together_raise(sol):
    """allowed plus is_causal=True raises ValueError naming is_causal, even when the mask is itself causal."""
    q, k, v = qkv(4, (2, 4, 3), (2, 4, 3), (2, 4, 3))
    expect_raises(ValueError, sol.scaled_dot_product_attention, q, k, v,
                  allowed=np.tril(np.ones((4, 4), dtype=bool)), is_causal=True, match="is_causal")
