"""Hidden tests for causal_mask_rect: expected values come from a loop over the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def by_definition(q_len, k_len, align):
    offset = 0 if align == "top_left" else k_len - q_len
    out = np.zeros((q_len, k_len), dtype=bool)
    for i in range(q_len):
        for j in range(k_len):
            out[i, j] = j <= i + offset
    return out


SHAPES = [(1, 1), (1, 7), (7, 1), (3, 8), (8, 3), (6, 6), (4, 13), (13, 4), (16, 40)]


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("q_len,k_len", SHAPES, ids=cases())
def test_top_left_definition(sol, q_len, k_len):
    """top_left: allowed[i, j] == (j <= i) for several shapes."""
    expect_array(sol.causal_mask_rect(q_len, k_len, align="top_left"),
                 by_definition(q_len, k_len, "top_left"),
                 name=f"causal_mask_rect({q_len}, {k_len}, align='top_left')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("q_len,k_len", SHAPES, ids=cases())
def test_bottom_right_definition(sol, q_len, k_len):
    """bottom_right: allowed[i, j] == (j <= i + k_len - q_len) for several shapes."""
    expect_array(sol.causal_mask_rect(q_len, k_len, align="bottom_right"),
                 by_definition(q_len, k_len, "bottom_right"),
                 name=f"causal_mask_rect({q_len}, {k_len}, align='bottom_right')")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_default_is_bottom_right(sol):
    """Called without align, the mask is bottom-right aligned."""
    expect_array(sol.causal_mask_rect(3, 7), by_definition(3, 7, "bottom_right"),
                 name="causal_mask_rect(3, 7) with the default align")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_decoding_step_sees_whole_cache(sol):
    """One new query over 9 keys (bottom_right): a single row of True."""
    expect_array(sol.causal_mask_rect(1, 9), np.ones((1, 9), dtype=bool), name="causal_mask_rect(1, 9)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_empty_rows_kept(sol):
    """q_len > k_len, bottom_right: the first q_len - k_len rows stay all False."""
    got = sol.causal_mask_rect(9, 4, align="bottom_right")
    expect_array(got, by_definition(9, 4, "bottom_right"),
                 name="causal_mask_rect(9, 4, align='bottom_right')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("q_len,k_len", [(0, 0), (0, 5), (5, 0)], ids=cases())
def test_zero_lengths(sol, q_len, k_len):
    """Zero lengths give empty bool arrays of shape (q_len, k_len) under both alignments."""
    for align in ("top_left", "bottom_right"):
        expect_array(sol.causal_mask_rect(q_len, k_len, align=align), np.zeros((q_len, k_len), dtype=bool),
                     name=f"causal_mask_rect({q_len}, {k_len}, align='{align}')")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_square_alignments_agree(sol):
    """With q_len == k_len both alignments give the square causal mask."""
    expected = np.tril(np.ones((11, 11), dtype=bool))
    for align in ("top_left", "bottom_right"):
        expect_array(sol.causal_mask_rect(11, 11, align=align), expected,
                     name=f"causal_mask_rect(11, 11, align='{align}')")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A large KV-cache shape (512 queries, 3000 keys) is exact and fast."""
    q_len, k_len = 512, 3000
    i = np.arange(q_len)[:, None]
    j = np.arange(k_len)[None, :]
    expect_array(sol.causal_mask_rect(q_len, k_len), j <= i + (k_len - q_len),
                 name="causal_mask_rect(512, 3000)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("args,name", [((-1, 4), "q_len"), ((4, -1), "k_len"), ((-3, 2), "q_len")], ids=cases())
def test_negative_lengths(sol, args, name):
    """A negative length raises ValueError naming that argument."""
    expect_raises(ValueError, sol.causal_mask_rect, *args, match=name)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("align", ["bottom-right", "causal", "", "BOTTOM_RIGHT", "lower_right"], ids=cases())
def test_unknown_align(sol, align):
    """Any align other than 'top_left' / 'bottom_right' raises ValueError naming align."""
    expect_raises(ValueError, sol.causal_mask_rect, 3, 5, align=align, match="align")
