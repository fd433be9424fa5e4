"""Hidden tests for beam_search. Expected values come from a loop over the statement's definition, written here,
not from the reference."""

import numpy as np
import pytest

from judge.checkers import expect_float, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def by_definition(table, prompt, num_beams, max_new_tokens, eos_id, length_penalty=1.0, early_stopping=False,
                  num_return_sequences=1):
    """The statement's search, step by step: candidates, the walk over the first 2 * num_beams, the stop test."""
    beams = [{"ids": [], "sum": 0.0}]
    done = []                                   # dicts with "ids" and "score", best first
    for t in range(max_new_tokens):
        n = t + 1
        candidates = []
        for rank, beam in enumerate(beams):
            previous = beam["ids"][-1] if beam["ids"] else int(prompt[-1])
            for b in range(table.shape[2]):
                candidates.append({"sum": beam["sum"] + float(table[t, previous, b]), "rank": rank, "tok": b,
                                   "ids": beam["ids"] + [b]})
        candidates.sort(key=lambda c: (-c["sum"], c["rank"], c["tok"]))
        next_beams = []
        for position in range(2 * num_beams):
            c = candidates[position]
            if c["tok"] == eos_id or n == max_new_tokens:
                if position < num_beams:
                    done.append({"ids": c["ids"], "score": c["sum"] / n ** length_penalty})
            elif len(next_beams) < num_beams:
                next_beams.append({"ids": c["ids"], "sum": c["sum"]})
        done = sorted(done, key=lambda d: -d["score"])[:num_beams]
        beams = next_beams
        if n == max_new_tokens:
            break
        if len(done) == num_beams:
            if early_stopping is True:
                break
            horizon = max_new_tokens if (early_stopping == "never" and length_penalty > 0) else n
            if beams[0]["sum"] / horizon ** length_penalty <= done[-1]["score"]:
                break
    return [(d["ids"], d["score"]) for d in done[:num_return_sequences]]


def check(got, expected, name):
    """got is a list of (ids, score) pairs equal to expected (ids exactly, scores to a relative 1e-9)."""
    assert isinstance(got, list), f"{name}: expected a list, got {type(got).__name__}"
    items = expect_sequence(got, len(expected), name=name)
    for k, (item, (ids, score)) in enumerate(zip(items, expected, strict=True)):
        pair = expect_sequence(item, 2, name=f"{name}[{k}]")
        assert isinstance(pair[0], list), f"{name}[{k}]: the generated ids must be a list"
        assert all(type(x) is int for x in pair[0]), f"{name}[{k}]: the generated ids must be Python ints"
        assert pair[0] == ids, f"{name}[{k}]: wrong generated ids"
        expect_float(pair[1], score, rtol=1e-9, atol=1e-12, name=f"{name}[{k}] score")


def random_table(seed, steps, vocab, eos_id, eos_boost, scale=2.0):
    """Normalized next-token log-probabilities, EOS made likelier by eos_boost nats."""
    gen = np.random.default_rng(seed)
    logits = gen.normal(size=(steps, vocab, vocab)) * scale
    logits[..., eos_id] += eos_boost
    return logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))


def run(sol, table, prompt, num_beams, steps, eos_id, name, **kwargs):
    got = sol.beam_search(table, prompt, num_beams, steps, eos_id, **kwargs)
    check(got, by_definition(np.asarray(table, dtype=np.float64), np.asarray(prompt), num_beams, steps, eos_id,
                             **kwargs), name=name)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("early_stopping", [False, True, "never"], ids=cases())
@pytest.mark.parametrize("length_penalty", [0.0, 1.0, 2.0, -0.5], ids=cases())
@pytest.mark.parametrize("seed", [0, 1, 2], ids=cases())
def test_random_tables(sol, seed, length_penalty, early_stopping):
    """Random tables match the definition for every length penalty and early_stopping mode."""
    gen = np.random.default_rng(1000 + seed)
    vocab = int(gen.integers(6, 11))
    num_beams = int(gen.integers(2, 4))
    eos_id = int(gen.integers(0, vocab))
    table = random_table(seed, 7, vocab, eos_id, eos_boost=1.0 + seed * 0.5)
    prompt = gen.integers(0, vocab, size=3).tolist()
    run(sol, table, prompt, num_beams, 7, eos_id, "beam_search on a random table", length_penalty=length_penalty,
        early_stopping=early_stopping, num_return_sequences=num_beams)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [3, 4, 5], ids=cases())
def test_prompt_length_never_counts(sol, seed):
    """A 40-token prompt: the length penalty divides by the generated length only."""
    gen = np.random.default_rng(seed)
    table = random_table(seed, 6, 8, 0, eos_boost=1.5)
    prompt = gen.integers(0, 8, size=40).tolist()
    run(sol, table, prompt, 2, 6, 0, "beam_search with a 40-token prompt", length_penalty=1.0,
        num_return_sequences=2)
    short = sol.beam_search(table, prompt[-1:], 2, 6, 0, length_penalty=1.0, num_return_sequences=2)
    check(short, by_definition(table, prompt[-1:], 2, 6, 0, 1.0, False, 2), name="beam_search with a 1-token prompt")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_eos_counts_in_the_length(sol):
    """The generated length in the score includes the EOS token."""
    probs = np.array([[0.05, 0.45, 0.45, 0.05], [0.5, 0.1, 0.2, 0.2], [0.3, 0.2, 0.3, 0.2], [0.25] * 4])
    table = np.log(np.broadcast_to(probs, (3, 4, 4)))
    expected = by_definition(table, [3], 2, 3, 0, 2.0, False, 2)
    check(sol.beam_search(table, [3], 2, 3, 0, length_penalty=2.0, num_return_sequences=2), expected,
          name="beam_search with length_penalty=2.0")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_late_eos_is_dropped(sol):
    """An EOS candidate ranked after the first num_beams is dropped, even if it would score best."""
    table = np.full((2, 4, 4), np.log(0.01))
    table[0, 3] = np.log([0.30, 0.345, 0.345, 0.01])   # step 0: 1, 2 then eos at position 2 of 4
    table[1, 1] = np.log([0.12, 0.10, 0.10, 0.11])      # every continuation is poor: log(0.345 * 0.12) / 2 < log 0.3
    table[1, 2] = np.log([0.10, 0.10, 0.10, 0.09])
    expected = by_definition(table, [3], 2, 2, 0, 1.0, False, 2)
    assert [0] not in [ids for ids, _ in expected]
    check(sol.beam_search(table, [3], 2, 2, 0, num_return_sequences=2), expected,
          name="beam_search with a late eos candidate")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_eos_never_continues(sol):
    """A beam that emitted EOS is finished: it is never extended as a running beam."""
    probs = np.array([[0.0001, 0.9997, 0.0001, 0.0001], [0.4, 0.2, 0.2, 0.2], [0.1, 0.3, 0.3, 0.3],
                      [0.6, 0.2, 0.1, 0.1]])
    table = np.log(np.broadcast_to(probs, (5, 4, 4)))
    for early_stopping in (False, "never"):
        run(sol, table, [3], 2, 5, 0, f"beam_search, early_stopping={early_stopping!r}", length_penalty=1.0,
            early_stopping=early_stopping, num_return_sequences=2)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_beams_without_eos_finish_at_max_length(sol):
    """When no beam emits EOS, the num_beams best beams of the last step are the finished hypotheses."""
    table = random_table(9, 5, 8, 7, eos_boost=-30.0)
    expected = by_definition(table, [1], 3, 5, 7, 1.0, False, 3)
    assert all(len(ids) == 5 for ids, _ in expected)
    check(sol.beam_search(table, [1], 3, 5, 7, num_return_sequences=3), expected,
          name="beam_search where eos is never likely")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("length_penalty", [0.5, 1.0, 3.0], ids=cases())
def test_never_looks_ahead(sol, length_penalty):
    """early_stopping='never' with a positive length penalty keeps searching where False stops."""
    probs = np.array([[0.3, 0.4, 0.2, 0.1], [0.5, 0.35, 0.1, 0.05], [0.35, 0.05, 0.5, 0.1],
                      [0.45, 0.25, 0.2, 0.1]])
    table = np.log(np.broadcast_to(probs, (8, 4, 4)))
    for early_stopping in (False, "never", True):
        run(sol, table, [3], 2, 8, 0, f"beam_search, early_stopping={early_stopping!r}",
            length_penalty=length_penalty, early_stopping=early_stopping, num_return_sequences=2)


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("seed", [0, 1, 2, 3], ids=cases())
def test_ties(sol, seed):
    """Tables of small integers (ties everywhere): earlier beam first, then the lower token id."""
    gen = np.random.default_rng(50 + seed)
    table = -gen.integers(1, 4, size=(6, 6, 6)).astype(np.float64)
    for early_stopping in (False, True):
        run(sol, table, [int(gen.integers(0, 6))], 3, 6, int(gen.integers(0, 6)), "beam_search on a tied table",
            length_penalty=float(seed % 2), early_stopping=early_stopping, num_return_sequences=3)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_one_beam(sol):
    """num_beams = 1 runs the same algorithm with one running beam and K = 2."""
    table = random_table(21, 6, 5, 2, eos_boost=0.5)
    for length_penalty in (0.0, 1.0):
        run(sol, table, [0], 1, 6, 2, "beam_search with num_beams=1", length_penalty=length_penalty)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_one_step(sol):
    """max_new_tokens = 1: the first num_beams candidates are all finished."""
    table = random_table(22, 3, 6, 4, eos_boost=0.0)
    run(sol, table, [5], 3, 1, 4, "beam_search with max_new_tokens=1", num_return_sequences=3)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_input_types(sol):
    """A float32 table and an int32 array prompt; S may exceed max_new_tokens."""
    table = random_table(23, 9, 6, 1, eos_boost=1.0).astype(np.float32)
    prompt = np.array([4, 0, 5], dtype=np.int32)
    run(sol, table, prompt, 2, 6, 1, "beam_search with a float32 table", num_return_sequences=2)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_large(sol):
    """A vocabulary of 120, 6 beams, 25 steps is exact and fast."""
    table = random_table(24, 25, 120, 3, eos_boost=2.5, scale=1.0)
    run(sol, table, [7, 8], 6, 25, 3, "beam_search with V=120", length_penalty=1.0, num_return_sequences=6)


GOOD = random_table(30, 4, 6, 0, eos_boost=0.0)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["two_dim", "not_square", "empty_vocab", "nan", "inf"], ids=cases())
def test_bad_logprobs(sol, case):
    """logprobs not (S, V, V) with V >= 1, or not finite, raises ValueError naming logprobs."""
    nan, inf = GOOD.copy(), GOOD.copy()
    nan[1, 2, 3] = np.nan
    inf[0, 0, 5] = -np.inf
    table = {"two_dim": GOOD[0], "not_square": GOOD[:, :, :5], "empty_vocab": np.zeros((4, 0, 0)),
             "nan": nan, "inf": inf}[case]
    expect_raises(ValueError, sol.beam_search, table, [0], 1, 2, 0, match="logprobs")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("prompt", [[], [[1, 2]], [6], [-1, 2]], ids=cases())
def test_bad_prompt(sol, prompt):
    """An empty, 2-D or out-of-vocabulary prompt raises ValueError naming prompt."""
    expect_raises(ValueError, sol.beam_search, GOOD, prompt, 2, 2, 0, match="prompt")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("kwargs,match", [
    ({"num_beams": 0}, "num_beams"),
    ({"num_beams": 4}, "num_beams"),
    ({"max_new_tokens": 0}, "max_new_tokens"),
    ({"max_new_tokens": 5}, "max_new_tokens"),
    ({"eos_id": 6}, "eos_id"),
    ({"eos_id": -1}, "eos_id"),
    ({"early_stopping": "always"}, "early_stopping"),
    ({"early_stopping": None}, "early_stopping"),
    ({"num_return_sequences": 3}, "num_return_sequences"),
    ({"num_return_sequences": 0}, "num_return_sequences"),
], ids=cases())
def test_bad_settings(sol, kwargs, match):
    """Each out-of-range setting raises ValueError naming it."""
    args = {"num_beams": 2, "max_new_tokens": 3, "eos_id": 0, "early_stopping": False, "num_return_sequences": 1}
    args.update(kwargs)
    expect_raises(ValueError, sol.beam_search, GOOD, [1], match=match, **args)
