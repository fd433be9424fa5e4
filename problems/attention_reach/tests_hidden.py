"""Hidden tests for attention_reach.

Expected values come from the layer-by-layer definition (dependency sets propagated one layer at a time), from
closed forms stated in the statement, or, for num_layers >= T, from Warshall's transitive closure.
"""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def reach_by_layers(allowed, num_layers):
    """Dependency sets, one layer at a time: deps_l(i) = deps_{l-1}(i) | union of deps_{l-1}(k), allowed[i, k]."""
    T = allowed.shape[0]
    deps = [{i} for i in range(T)]
    for _ in range(num_layers):
        deps = [set(deps[i]).union(*[deps[k] for k in range(T) if allowed[i, k]]) for i in range(T)]
    out = np.zeros((T, T), dtype=bool)
    for i in range(T):
        for j in deps[i]:
            out[i, j] = True
    return out


def closure(allowed):
    """Reflexive-transitive closure (Warshall): the reach for any num_layers >= T."""
    R = allowed | np.eye(allowed.shape[0], dtype=bool)
    for k in range(R.shape[0]):
        R = R | (R[:, k:k + 1] & R[k:k + 1, :])
    return R


def window(T, w):
    d = np.arange(T)[:, None] - np.arange(T)[None, :]
    return (d >= 0) & (d < w)


def random_mask(seed, T, density):
    return np.random.default_rng(seed).random((T, T)) < density


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,T,density,L", [(1, 9, 0.15, 1), (2, 12, 0.12, 2), (3, 12, 0.1, 3),
                                              (4, 20, 0.06, 5), (5, 16, 0.2, 2)], ids=cases())
def test_random_masks(sol, seed, T, density, L):
    """Random sparse masks (no diagonal guarantee, empty rows, future keys) match the layer-by-layer definition."""
    allowed = random_mask(seed, T, density)
    expect_array(sol.attention_reach(allowed, L), reach_by_layers(allowed, L),
                 name=f"attention_reach(random {T}x{T} mask, {L})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("T,w,L", [(30, 3, 4), (50, 5, 7), (40, 4, 1), (25, 1, 10)], ids=cases())
def test_sliding_window_closed_form(sol, T, w, L):
    """Sliding window w over L layers: reach[i, j] == (0 <= i - j <= L * (w - 1))."""
    d = np.arange(T)[:, None] - np.arange(T)[None, :]
    expect_array(sol.attention_reach(window(T, w), L), (d >= 0) & (d <= L * (w - 1)),
                 name=f"attention_reach(sliding window {w} on {T} tokens, {L})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("L", [1, 2, 6, 100], ids=cases())
def test_causal_never_sees_future(sol, L):
    """The causal mask gives the causal mask back at every depth."""
    causal = np.tril(np.ones((24, 24), dtype=bool))
    expect_array(sol.attention_reach(causal, L), causal, name=f"attention_reach(causal 24x24, {L})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("L", [100, 127], ids=cases())
def test_long_causal_stack(sol, L):
    """Causal 128x128 over 100+ layers: path counts (~1e66) overflow float32 and int64, the reach must not."""
    causal = np.tril(np.ones((128, 128), dtype=bool))
    expect_array(sol.attention_reach(causal, L), causal, name=f"attention_reach(causal 128x128, {L})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_bidirectional_one_layer(sol):
    """A full (BERT) mask reaches everything after one layer."""
    expect_array(sol.attention_reach(np.ones((10, 10), dtype=bool), 1), np.ones((10, 10), dtype=bool),
                 name="attention_reach(all True 10x10, 1)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_rows_with_nothing_allowed(sol):
    """Positions whose row allows nothing keep only their own token; others chain through them."""
    allowed = np.zeros((6, 6), dtype=bool)
    allowed[5, 4] = allowed[4, 2] = allowed[2, 0] = True       # rows 0, 1, 3 allow nothing
    for L in (1, 2, 3, 4):
        expect_array(sol.attention_reach(allowed, L), reach_by_layers(allowed, L),
                     name=f"attention_reach(chain 5<-4<-2<-0, {L})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_identity_at_zero_layers(sol):
    """num_layers 0 gives the identity whatever the mask."""
    allowed = random_mask(6, 11, 0.5)
    expect_array(sol.attention_reach(allowed, 0), np.eye(11, dtype=bool), name="attention_reach(random 11x11, 0)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_many_layers_dense(sol):
    """A dense 64x64 mask over 40 layers (path counts would overflow int64) matches the definition."""
    allowed = random_mask(7, 64, 0.5)
    expect_array(sol.attention_reach(allowed, 40), reach_by_layers(allowed, 40),
                 name="attention_reach(random dense 64x64, 40)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("L", [128, 10**9], ids=cases())
def test_huge_depth_saturates(sol, L):
    """num_layers >= T (up to 10**9) gives the transitive closure, quickly (T = 128)."""
    allowed = random_mask(8, 128, 0.01)
    expect_array(sol.attention_reach(allowed, L), closure(allowed), name=f"attention_reach(random 128x128, {L})")
    sw = window(128, 3)
    expect_array(sol.attention_reach(sw, L), np.tril(np.ones((128, 128), dtype=bool)),
                 name=f"attention_reach(sliding window 3 on 128 tokens, {L})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_tiny(sol):
    """T = 0 gives (0, 0); T = 1 gives [[True]] even if the token may not attend itself."""
    expect_array(sol.attention_reach(np.zeros((0, 0), dtype=bool), 3), np.zeros((0, 0), dtype=bool),
                 name="attention_reach(0x0, 3)")
    expect_array(sol.attention_reach(np.zeros((1, 1), dtype=bool), 2), np.ones((1, 1), dtype=bool),
                 name="attention_reach([[False]], 2)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("L", [-1, -5], ids=cases())
def test_negative_layers(sol, L):
    """A negative num_layers raises ValueError naming num_layers."""
    expect_raises(ValueError, sol.attention_reach, window(5, 2), L, match="num_layers")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", [np.ones((3, 4), dtype=bool), np.ones(4, dtype=bool), np.ones((2, 3, 3), dtype=bool),
                                 np.eye(3, dtype=np.int64)], ids=cases())
def test_bad_allowed(sol, bad):
    """A non-square, non-2-D or non-bool allowed raises ValueError naming allowed."""
    expect_raises(ValueError, sol.attention_reach, bad, 1, match="allowed")
