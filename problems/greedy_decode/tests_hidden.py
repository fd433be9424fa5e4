"""Hidden tests for greedy_decode. Expected values come from a loop over the definition, not the reference."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises
from judge.checkers.case_ids import cases


def first_max(row):
    best = 0
    for j in range(1, len(row)):
        if row[j] > row[best]:
            best = j
    return best


def by_definition(table, prompt, max_new_tokens, eos_id, pad_id):
    rows = []
    for r in range(prompt.shape[0]):
        seq = [int(t) for t in prompt[r]]
        done = False
        for _ in range(max_new_tokens):
            if done:
                seq.append(pad_id)
                continue
            nxt = first_max(table[seq[-1]])
            seq.append(nxt)
            done = nxt == eos_id
        rows.append(seq)
    return np.array(rows, dtype=np.int64).reshape(prompt.shape[0], prompt.shape[1] + max_new_tokens)


CHAIN = np.array(
    [
        [0.0, 2.0, 1.0, 2.0, 0.0],
        [0.0, 0.0, 3.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 3.0, 1.0],
        [1.0, 0.0, 0.0, 0.0, 2.0],
        [0.0, 5.0, 0.0, 0.0, 0.0],
    ]
)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [0, 1, 2], ids=cases())
def test_random_tables(sol, seed):
    """Random float tables and prompts match the step-by-step definition."""
    rng = np.random.default_rng(100 + seed)
    vocab, batch, plen, steps = 12, 7, 3, 15
    table = rng.normal(size=(vocab, vocab))
    prompt = rng.integers(0, vocab, size=(batch, plen))
    eos = int(seed)
    got = sol.greedy_decode(table, prompt, steps, eos, vocab)
    expect_array(got, by_definition(table, prompt, steps, eos, vocab), name="greedy_decode on a random table")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_ties_lowest_id(sol):
    """Ties in a row of the table go to the lowest token id."""
    table = np.zeros((6, 6))
    table[:, 2] = table[:, 4] = 1.0  # 2 and 4 tie everywhere
    table[2, 5] = table[2, 3] = 3.0  # after 2: 3 and 5 tie
    prompt = np.array([[0], [2], [5]])
    got = sol.greedy_decode(table, prompt, 4, 1, 0)
    expect_array(got, by_definition(table, prompt, 4, 1, 0), name="greedy_decode with tied logits")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_integer_table_many_ties(sol):
    """A table of small integers (ties everywhere) on a larger batch."""
    rng = np.random.default_rng(7)
    table = rng.integers(0, 3, size=(9, 9)).astype(np.float64)
    prompt = rng.integers(0, 9, size=(20, 2))
    got = sol.greedy_decode(table, prompt, 12, 8, 0)
    expect_array(got, by_definition(table, prompt, 12, 8, 0), name="greedy_decode on an integer table")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_pad_not_fed_back(sol):
    """After eos a row stays padded even when the pad id has a successor in the table."""
    prompt = np.array([[2], [3]])
    expected = np.array([[2, 3, 4, 1, 1, 1, 1], [3, 4, 1, 1, 1, 1, 1]], dtype=np.int64)
    expect_array(sol.greedy_decode(CHAIN, prompt, 6, 4, 1), expected, name="greedy_decode with pad_id 1")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_prompt_eos_does_not_finish(sol):
    """An eos inside the prompt, even last, does not finish the row."""
    prompt = np.array([[4, 4], [0, 4]])
    expect_array(sol.greedy_decode(CHAIN, prompt, 3, 4, 0), by_definition(CHAIN, prompt, 3, 4, 0),
                 name="greedy_decode with eos in the prompt")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_full_width_after_all_finish(sol):
    """The result keeps P + max_new_tokens columns when every row finishes early."""
    prompt = np.array([[3], [3]])
    expected = np.array([[3, 4] + [7] * 9, [3, 4] + [7] * 9], dtype=np.int64)
    expect_array(sol.greedy_decode(CHAIN, prompt, 10, 4, 7), expected,
                 name="greedy_decode(chain, [[3], [3]], 10, 4, 7)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_pad_equals_eos(sol):
    """pad_id == eos_id (GPT-2 style) works: the row stays finished."""
    prompt = np.array([[2], [0]])
    expect_array(sol.greedy_decode(CHAIN, prompt, 6, 4, 4), by_definition(CHAIN, prompt, 6, 4, 4),
                 name="greedy_decode with pad_id == eos_id")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_minus_inf_transitions(sol):
    """-inf entries (forbidden transitions) are never chosen."""
    table = np.full((4, 4), -np.inf)
    table[0, 3] = -50.0
    table[3, 1] = 0.0
    table[3, 2] = -1.0
    table[1, 0] = 2.0
    table[2, 2] = 1.0
    prompt = np.array([[0], [2]])
    expect_array(sol.greedy_decode(table, prompt, 5, 9, 0), by_definition(table, prompt, 5, 9, 0),
                 name="greedy_decode with -inf logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_dtypes(sol):
    """int32 prompt and float32 table still give an int64 result."""
    prompt = np.array([[1, 0], [2, 2]], dtype=np.int32)
    got = sol.greedy_decode(CHAIN.astype(np.float32), prompt, 3, 4, 0)
    expect_array(got, by_definition(CHAIN, prompt, 3, 4, 0), name="greedy_decode with int32 prompt")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_empty_batch(sol):
    """B = 0 gives an int64 array of shape (0, P + max_new_tokens)."""
    got = sol.greedy_decode(CHAIN, np.zeros((0, 3), dtype=np.int64), 4, 4, 0)
    expect_array(got, np.zeros((0, 7), dtype=np.int64), name="greedy_decode with an empty batch")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A larger batch and vocabulary over many steps is exact and fast."""
    rng = np.random.default_rng(11)
    vocab = 200
    table = rng.normal(size=(vocab, vocab))
    prompt = rng.integers(0, vocab, size=(64, 5))
    got = sol.greedy_decode(table, prompt, 150, 17, 0)
    expect_array(got, by_definition(table, prompt, 150, 17, 0), name="greedy_decode, 64 rows, 150 steps")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["empty_prompt", "one_dim", "out_of_vocab", "negative_id"], ids=cases())
def test_bad_prompt(sol, case):
    """A prompt that is not (B, P >= 1) with ids in [0, V) raises ValueError naming prompt."""
    prompt = {
        "empty_prompt": np.zeros((2, 0), dtype=np.int64),
        "one_dim": np.array([1, 2]),
        "out_of_vocab": np.array([[1, 5]]),
        "negative_id": np.array([[-1, 2]]),
    }[case]
    expect_raises(ValueError, sol.greedy_decode, CHAIN, prompt, 2, 4, 0, match="prompt")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["not_square", "one_dim", "three_dim", "empty_vocab"], ids=cases())
def test_bad_table(sol, case):
    """A table that is not (V, V) with V >= 1 raises ValueError naming bigram_logits."""
    table, prompt = {
        "not_square": (np.zeros((3, 4)), np.array([[1]])),
        "one_dim": (np.zeros(4), np.array([[1]])),
        "three_dim": (np.zeros((3, 3, 3)), np.array([[1]])),
        # V = 0 with an empty batch: the prompt (0, 1) is valid, only the table is wrong.
        "empty_vocab": (np.zeros((0, 0)), np.zeros((0, 1), dtype=np.int64)),
    }[case]
    expect_raises(ValueError, sol.greedy_decode, table, prompt, 2, 0, 0, match="bigram_logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_new_tokens_int32(sol):
    """max_new_tokens 0 with an int32 prompt still returns int64 (the prompt converted)."""
    prompt = np.array([[1, 0, 3], [4, 4, 2]], dtype=np.int32)
    expect_array(sol.greedy_decode(CHAIN, prompt, 0, 4, 0), prompt.astype(np.int64),
                 name="greedy_decode(chain, int32 prompt, 0, 4, 0)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_negative_steps_hidden(sol):
    """max_new_tokens -3 raises ValueError naming max_new_tokens."""
    expect_raises(ValueError, sol.greedy_decode, CHAIN, np.array([[1], [2]]), -3, 4, 0,
                  match="max_new_tokens")
