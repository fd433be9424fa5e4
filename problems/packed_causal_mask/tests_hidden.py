"""Hidden tests for packed_causal_mask: expected values come from loops over the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def docs_of_row(row):
    """Document number of every token of one row: +1 at the row start and at every change of id."""
    docs, current = [], -1
    for t, v in enumerate(row):
        if t == 0 or v != row[t - 1]:
            current += 1
        docs.append(current)
    return docs


def mask_by_definition(seg):
    rows = seg.reshape(-1, seg.shape[-1])
    T = seg.shape[-1]
    out = np.zeros((rows.shape[0], T, T), dtype=bool)
    for b, row in enumerate(rows):
        d = docs_of_row(list(row))
        for i in range(T):
            for j in range(T):
                out[b, i, j] = d[i] == d[j] and j <= i
    return out.reshape(seg.shape[:-1] + (T, T))


def positions_by_definition(seg):
    rows = seg.reshape(-1, seg.shape[-1])
    out = np.zeros(rows.shape, dtype=np.int64)
    for b, row in enumerate(rows):
        d = docs_of_row(list(row))
        for t in range(len(d)):
            out[b, t] = 0 if t == 0 or d[t] != d[t - 1] else out[b, t - 1] + 1
    return out.reshape(seg.shape)


def random_segments(seed, shape, n_ids=3):
    """Runs of length 1..5 with ids from a small set, so ids often reappear later in a row."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(int(np.prod(shape[:-1], dtype=np.int64))):
        row = []
        while len(row) < shape[-1]:
            row += [int(rng.integers(n_ids))] * int(rng.integers(1, 6))
        rows.append(row[: shape[-1]])
    return np.array(rows, dtype=np.int64).reshape(shape)


CASES = [(1, (12,)), (2, (30,)), (3, (4, 16)), (4, (3, 25))]


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,shape", CASES, ids=cases())
def test_mask_random(sol, seed, shape):
    """Random packed rows (ids reappear): the mask matches the definition."""
    seg = random_segments(seed, shape)
    expect_array(sol.packed_causal_mask(seg), mask_by_definition(seg), name=f"packed_causal_mask(random {shape})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,shape", CASES, ids=cases())
def test_positions_random(sol, seed, shape):
    """Random packed rows (ids reappear): positions match the definition."""
    seg = random_segments(seed, shape)
    expect_array(sol.packed_position_ids(seg), positions_by_definition(seg),
                 name=f"packed_position_ids(random {shape})")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_reappearing_id_is_new_document(sol):
    """[0, 0, 1, 0, 0]: the second run of 0 is a new document (mask and positions)."""
    seg = np.array([0, 0, 1, 0, 0])
    expect_array(sol.packed_causal_mask(seg), mask_by_definition(seg), name="packed_causal_mask([0, 0, 1, 0, 0])")
    expect_array(sol.packed_position_ids(seg), np.array([0, 1, 0, 0, 1], dtype=np.int64),
                 name="packed_position_ids([0, 0, 1, 0, 0])")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_rows_are_independent(sol):
    """A row that starts with the id the previous row ended with still starts a new document."""
    seg = np.array([[5, 5, 6, 6], [6, 6, 6, 2], [2, 2, 2, 2]])
    expect_array(sol.packed_position_ids(seg), positions_by_definition(seg),
                 name="packed_position_ids(rows continuing the previous row's id)")
    expect_array(sol.packed_causal_mask(seg), mask_by_definition(seg),
                 name="packed_causal_mask(rows continuing the previous row's id)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_document_is_causal(sol):
    """One document per row: the causal mask and positions 0..T-1."""
    seg = np.full((2, 10), 3, dtype=np.int64)
    expect_array(sol.packed_causal_mask(seg), np.broadcast_to(np.tril(np.ones((10, 10), dtype=bool)), (2, 10, 10)),
                 name="packed_causal_mask(one document per row)")
    expect_array(sol.packed_position_ids(seg), np.tile(np.arange(10, dtype=np.int64), (2, 1)),
                 name="packed_position_ids(one document per row)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_all_distinct_is_identity(sol):
    """Every token its own document: the identity mask and all-zero positions."""
    seg = np.arange(8)
    expect_array(sol.packed_causal_mask(seg), np.eye(8, dtype=bool), name="packed_causal_mask(arange(8))")
    expect_array(sol.packed_position_ids(seg), np.zeros(8, dtype=np.int64), name="packed_position_ids(arange(8))")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("dtype", ["int32", "uint8", "int16"], ids=cases())
def test_other_integer_dtypes(sol, dtype):
    """Any integer dtype is accepted; positions are still int64."""
    seg = random_segments(9, (2, 11)).astype(dtype)
    ref = seg.astype(np.int64)
    expect_array(sol.packed_causal_mask(seg), mask_by_definition(ref), name=f"packed_causal_mask({dtype} ids)")
    expect_array(sol.packed_position_ids(seg), positions_by_definition(ref), name=f"packed_position_ids({dtype} ids)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_negative_ids(sol):
    """Negative ids (e.g. -1 for padding runs) are ordinary ids."""
    seg = np.array([-1, -1, 4, 4, 4, -1, -1, -1])
    expect_array(sol.packed_causal_mask(seg), mask_by_definition(seg), name="packed_causal_mask(with -1 ids)")
    expect_array(sol.packed_position_ids(seg), positions_by_definition(seg), name="packed_position_ids(with -1 ids)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_length_one(sol):
    """T = 1: a (1, 1) True mask and position 0, unbatched and batched."""
    expect_array(sol.packed_causal_mask(np.array([4])), np.ones((1, 1), dtype=bool), name="packed_causal_mask([4])")
    expect_array(sol.packed_position_ids(np.array([[4], [9]])), np.zeros((2, 1), dtype=np.int64),
                 name="packed_position_ids([[4], [9]])")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4)], ids=cases())
def test_empty(sol, shape):
    """Empty inputs: masks of shape (..., T, T) and positions of the input's shape."""
    seg = np.zeros(shape, dtype=np.int64)
    expect_array(sol.packed_causal_mask(seg), np.zeros(shape[:-1] + (shape[-1], shape[-1]), dtype=bool),
                 name=f"packed_causal_mask(shape {shape})")
    expect_array(sol.packed_position_ids(seg), np.zeros(shape, dtype=np.int64),
                 name=f"packed_position_ids(shape {shape})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_mask_rows_count_positions(sol):
    """Consistency: row i of the mask holds position_ids[i] + 1 True values (long batch)."""
    seg = random_segments(11, (4, 256), n_ids=4)
    expect_array(sol.packed_causal_mask(seg).sum(axis=-1) - 1, positions_by_definition(seg),
                 name="row sums of packed_causal_mask(4 x 256) minus 1")
    expect_array(sol.packed_position_ids(seg), positions_by_definition(seg), name="packed_position_ids(4 x 256)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", [np.int64(3), np.zeros((2, 2, 2), dtype=np.int64), np.zeros((1, 1, 1, 1), dtype=int)],
                         ids=cases())
def test_bad_ndim(sol, bad):
    """segment_ids with 0 or more than 2 dimensions raise ValueError naming segment_ids (both functions)."""
    expect_raises(ValueError, sol.packed_causal_mask, bad, match="segment_ids")
    expect_raises(ValueError, sol.packed_position_ids, bad, match="segment_ids")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_non_integer_dtype(sol):
    """Float or bool segment_ids raise ValueError naming segment_ids (both functions)."""
    for bad in (np.array([0.0, 0.0, 1.0]), np.array([True, True, False])):
        expect_raises(ValueError, sol.packed_causal_mask, bad, match="segment_ids")
        expect_raises(ValueError, sol.packed_position_ids, bad, match="segment_ids")
