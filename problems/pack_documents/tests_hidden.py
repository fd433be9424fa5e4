"""Hidden tests for pack_documents. Expected values come from a token-level simulation written here."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def pack_by_loop(docs, max_len, pad_id):
    """Place pieces token by token into rows of (token, position, label) triples."""
    rows, room = [], 0
    for doc in docs:
        doc = [int(t) for t in doc]
        for start in range(0, len(doc), max_len):
            piece = doc[start : start + max_len]
            if len(piece) > room:
                rows.append([])
                room = max_len
            for k, token in enumerate(piece):
                rows[-1].append((token, k, -100 if k == 0 else token))
            room -= len(piece)
    ids = np.full((len(rows), max_len), pad_id, dtype=np.int64)
    pos = np.zeros((len(rows), max_len), dtype=np.int64)
    labels = np.full((len(rows), max_len), -100, dtype=np.int64)
    for r, row in enumerate(rows):
        for c, (token, p, label) in enumerate(row):
            ids[r, c], pos[r, c], labels[r, c] = token, p, label
    return ids, pos, labels


def check(got, docs, max_len, pad_id, what):
    expected = pack_by_loop(docs, max_len, pad_id)
    got = expect_sequence(got, 3, name=what)
    for g, e, part in zip(got, expected, ("input_ids", "position_ids", "labels"), strict=True):
        expect_array(g, e, name=f"{part} of {what}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_exact_fit_stays(sol):
    """A document that exactly fills the rest of the row stays in that row."""
    docs = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], [11]]
    check(sol.pack_documents(docs, 5, 0), docs, 5, 0, "pack_documents with exact fits")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_no_going_back(sol):
    """A later short document never goes back into an earlier row with room (greedy, in order)."""
    docs = [[1, 2], [3, 4, 5, 6], [7], [8, 9, 10, 11, 12], [13]]
    check(sol.pack_documents(docs, 5, 0), docs, 5, 0, "pack_documents keeping the order")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_long_documents_split_from_start(sol):
    """Long documents are split from their start into pieces of max_len, each with its own -100 and positions."""
    docs = [[1, 2], list(range(100, 111)), [7, 8, 9], list(range(200, 208))]
    check(sol.pack_documents(docs, 4, 0), docs, 4, 0, "pack_documents with long documents")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_real_token_equal_to_pad(sol):
    """A real token whose id equals pad_id keeps its label and position (padding is where nothing was placed)."""
    docs = [[5, 0, 6], [0, 0], [7, 0]]
    check(sol.pack_documents(docs, 4, 0), docs, 4, 0, "pack_documents with real tokens equal to pad_id")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_pad_id_value(sol):
    """Padding uses pad_id (here 50256) in input_ids, 0 in position_ids, -100 in labels."""
    docs = [[1, 2, 3], [4, 5, 6, 7]]
    check(sol.pack_documents(docs, 6, 50256), docs, 6, 50256, "pack_documents(.., pad_id=50256)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_documents_skipped(sol):
    """Empty documents are skipped and do not start rows."""
    docs = [[], [1, 2], [], [3], [], []]
    check(sol.pack_documents(docs, 4, 0), docs, 4, 0, "pack_documents with empty documents")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_no_tokens(sol):
    """No tokens at all: three arrays of shape (0, max_len)."""
    for docs in ([], [[], []]):
        got = expect_sequence(sol.pack_documents(docs, 6, 0), 3, name=f"pack_documents({docs}, 6, 0)")
        for g, part in zip(got, ("input_ids", "position_ids", "labels"), strict=True):
            expect_array(g, np.zeros((0, 6), dtype=np.int64), name=f"{part} of pack_documents({docs}, 6, 0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_max_len_one(sol):
    """max_len 1: every token is its own piece and row, label -100, position 0."""
    docs = [[4, 5, 6], [7]]
    check(sol.pack_documents(docs, 1, 0), docs, 1, 0, "pack_documents(docs, 1, 0)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_array_documents(sol):
    """Documents given as int32 arrays in a tuple give int64 outputs."""
    docs = (np.array([3, 4, 5], dtype=np.int32), np.array([6, 7], dtype=np.int32), np.arange(9, dtype=np.int32))
    check(sol.pack_documents(docs, 5, 1), docs, 5, 1, "pack_documents of int32 array documents")


@pytest.mark.points(3)
@pytest.mark.category("correctness")
def test_random_corpora(sol):
    """Random corpora (short, long and empty documents) match the simulation."""
    rng = np.random.default_rng(303)
    for _ in range(8):
        max_len = int(rng.integers(1, 24))
        docs = [rng.integers(1, 500, size=int(rng.integers(0, 3 * max_len))).tolist()
                for _ in range(int(rng.integers(0, 25)))]
        pad_id = int(rng.integers(0, 3))
        check(sol.pack_documents(docs, max_len, pad_id), docs, max_len, pad_id,
              f"pack_documents(random docs, {max_len}, {pad_id})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_tokens_in_order(sol):
    """Reading the non-padding tokens row by row gives the documents concatenated in order."""
    rng = np.random.default_rng(3031)
    docs = [rng.integers(1, 1000, size=int(n)).tolist() for n in rng.integers(0, 70, size=200)]
    got = expect_sequence(sol.pack_documents(docs, 64, 0), 3, name="pack_documents(200 docs, 64, 0)")
    ids = got[0]
    expect_array(ids, pack_by_loop(docs, 64, 0)[0], name="input_ids of pack_documents(200 docs, 64, 0)")
    stream = np.array([t for doc in docs for t in doc], dtype=np.int64)
    expect_array(ids[ids != 0], stream, name="non-padding tokens of pack_documents(200 docs, 64, 0), in order")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("max_len", [0, -1], ids=cases())
def test_bad_max_len(sol, max_len):
    """max_len < 1 raises ValueError naming max_len."""
    expect_raises(ValueError, sol.pack_documents, [[1, 2, 3]], max_len, 0, match="max_len")
