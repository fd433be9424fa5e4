"""Hidden tests for group_texts. Expected values come from a token-by-token loop written here."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def blocks_by_loop(docs, block_size, eos_id=None):
    """Walk the tokens one at a time, closing a block every block_size tokens; an open block is discarded."""
    blocks, current = [], []

    def push(token):
        current.append(int(token))
        if len(current) == block_size:
            blocks.append(list(current))
            current.clear()

    for doc in docs:
        for token in doc:
            push(token)
        if eos_id is not None:
            push(eos_id)
    out = np.zeros((len(blocks), block_size), dtype=np.int64)
    for i, block in enumerate(blocks):
        out[i] = block
    return out


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_eos_id_zero(sol):
    """eos_id=0 is a real id and is appended (not treated like None)."""
    docs = [[5, 6], [7], [8, 9, 10]]
    expect_array(sol.group_texts(docs, 3, eos_id=0), blocks_by_loop(docs, 3, 0),
                 name="group_texts(docs, 3, eos_id=0)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_blocks_span_documents(sol):
    """Blocks run across document boundaries (no per-document chunking)."""
    docs = [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11, 12], [13, 14, 15]]
    expect_array(sol.group_texts(docs, 4), blocks_by_loop(docs, 4), name="group_texts(docs, 4)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_eos_after_last_document(sol):
    """The last document is followed by eos_id too (a stream that divides evenly keeps it)."""
    docs = [[1, 2], [3, 4, 5]]
    expect_array(sol.group_texts(docs, 7, eos_id=99), np.array([[1, 2, 99, 3, 4, 5, 99]], dtype=np.int64),
                 name="group_texts([[1, 2], [3, 4, 5]], 7, eos_id=99)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_documents(sol):
    """An empty document adds nothing without eos_id and exactly one eos_id with it."""
    docs = [[], [1, 2, 3], [], [], [4]]
    expect_array(sol.group_texts(docs, 2), blocks_by_loop(docs, 2), name="group_texts with empty docs")
    expect_array(sol.group_texts(docs, 3, eos_id=7), blocks_by_loop(docs, 3, 7),
                 name="group_texts with empty docs and eos_id")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_no_documents(sol):
    """No documents at all: shape (0, block_size), with or without eos_id."""
    expect_array(sol.group_texts([], 5), np.zeros((0, 5), dtype=np.int64), name="group_texts([], 5)")
    expect_array(sol.group_texts([], 3, eos_id=1), np.zeros((0, 3), dtype=np.int64),
                 name="group_texts([], 3, eos_id=1)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_block_size_one(sol):
    """block_size 1: every token (and eos) is its own block, nothing dropped."""
    docs = [[4, 5], [6]]
    expect_array(sol.group_texts(docs, 1, eos_id=2), np.array([[4], [5], [2], [6], [2]], dtype=np.int64),
                 name="group_texts(docs, 1, eos_id=2)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_array_documents(sol):
    """Documents given as int32 / uint16 arrays in a tuple give int64 blocks."""
    docs = (np.array([1, 2, 3], dtype=np.int32), np.array([60000, 5], dtype=np.uint16), np.arange(6))
    expect_array(sol.group_texts(docs, 3, eos_id=50256), blocks_by_loop(docs, 3, 50256),
                 name="group_texts of array documents")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_narrow_dtype_documents(sol):
    """Documents that are all int32 (no eos_id) or all uint16 (with eos_id) still give int64 blocks."""
    docs32 = [np.array([1, 2, 3, 4], dtype=np.int32), np.array([5, 6], dtype=np.int32)]
    expect_array(sol.group_texts(docs32, 2), blocks_by_loop(docs32, 2),
                 name="group_texts of int32 documents (the result must be int64)")
    docs16 = (np.array([60000, 1, 2], dtype=np.uint16), np.array([65535], dtype=np.uint16))
    expect_array(sol.group_texts(docs16, 3, eos_id=0), blocks_by_loop(docs16, 3, 0),
                 name="group_texts of uint16 documents, eos_id=0 (the result must be int64)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_short_corpus_gives_no_block(sol):
    """A stream one token shorter than block_size gives shape (0, block_size), not one short block."""
    expect_array(sol.group_texts([[1, 2, 3], [4]], 5), np.zeros((0, 5), dtype=np.int64),
                 name="group_texts([[1, 2, 3], [4]], 5)")
    expect_array(sol.group_texts([[1, 2], [3]], 6, eos_id=9), np.zeros((0, 6), dtype=np.int64),
                 name="group_texts([[1, 2], [3]], 6, eos_id=9)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_random_corpora(sol):
    """Random corpora and block sizes match the loop, with and without eos_id."""
    rng = np.random.default_rng(302)
    for trial in range(6):
        n_docs = int(rng.integers(0, 30))
        docs = [rng.integers(0, 1000, size=int(rng.integers(0, 40))).tolist() for _ in range(n_docs)]
        block_size = int(rng.integers(1, 50))
        eos_id = None if trial % 2 == 0 else int(rng.integers(0, 3))
        expected = blocks_by_loop(docs, block_size, eos_id)
        expect_array(sol.group_texts(docs, block_size, eos_id=eos_id), expected,
                     name=f"group_texts(random docs, {block_size}, eos_id={eos_id})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large_corpus(sol):
    """A 200k-token corpus is exact and fast."""
    rng = np.random.default_rng(3021)
    docs = [rng.integers(0, 50000, size=int(n)) for n in rng.integers(1, 400, size=1000)]
    expected = blocks_by_loop(docs, 128, 50256)
    expect_array(sol.group_texts(docs, 128, eos_id=50256), expected, name="group_texts(large corpus, 128)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("block_size", [0, -3], ids=cases())
def test_bad_block_size(sol, block_size):
    """block_size < 1 raises ValueError naming block_size."""
    expect_raises(ValueError, sol.group_texts, [[1, 2, 3]], block_size, match="block_size")
