"""Hidden tests for sample_lm_batch: exact invariants on every call, exact degenerate cases, and distributions
with fixed seeds (false-failure rate below 1e-9), so that any correct draw order passes."""

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises, expect_sequence, expect_uniform
from judge.checkers.case_ids import cases


def call(sol, data, batch_size, block_size, seed):
    what = f"sample_lm_batch(data of {len(data)}, {batch_size}, {block_size}, rng=default_rng({seed}))"
    x, y = expect_sequence(sol.sample_lm_batch(data, batch_size, block_size, rng=np.random.default_rng(seed)),
                           2, name=what)
    return x, y, what


def check_windows(data, x, y, batch_size, block_size, what):
    """x and y are int64 windows of data at one start per row, with the start in range; returns the starts.

    data holds distinct values, so a row's start is the index of its first token.
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.int64 and x.shape == (batch_size, block_size)):
        # reports the wrong type, dtype or shape
        expect_array(x, np.zeros((batch_size, block_size), dtype=np.int64), name=f"x of {what}")
    where = {int(v): i for i, v in enumerate(data)}
    starts = np.array([where.get(int(v), -1) for v in x[:, 0]], dtype=np.int64)
    last = len(data) - block_size - 1
    bad = np.flatnonzero((starts < 0) | (starts > last))
    if bad.size:
        raise CheckFailure.elided(f"{what}: row {bad[0]} does not start at an index in 0..{last} (N - block_size - 1)")
    index = starts[:, None] + np.arange(block_size)
    expect_array(x, data[index].astype(np.int64), name=f"x of {what} (rows must be data[s:s+block_size])")
    expect_array(y, data[index + 1].astype(np.int64), name=f"y of {what} (rows must be data[s+1:s+1+block_size])")
    return starts


def distinct_data(n, seed, dtype=np.int64):
    return np.random.default_rng(seed).permutation(np.arange(1000, 1000 + n)).astype(dtype)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,batch_size,block_size", [(9, 5, 8), (50, 16, 1), (300, 64, 32), (2000, 8, 256)],
                         ids=cases())
def test_windows_and_shift(sol, n, batch_size, block_size):
    """Every row is a window data[s:s+block_size] with s in range, and y is the same window one token later."""
    data = distinct_data(n, n)
    x, y, what = call(sol, data, batch_size, block_size, seed=n + batch_size)
    check_windows(data, x, y, batch_size, block_size, what)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_uint16_data(sol):
    """uint16 data (as nanoGPT stores it) gives int64 windows with the right values."""
    data = distinct_data(500, 7, dtype=np.uint16)
    x, y, what = call(sol, data, 10, 20, seed=3)
    check_windows(data, x, y, 10, 20, what)


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_start_exact(sol):
    """N = block_size + 1 (one possible start): exact rows for several sizes."""
    for block_size in (1, 3, 17):
        data = np.arange(5, 5 + block_size + 1, dtype=np.int64)
        x, y, what = call(sol, data, 3, block_size, seed=block_size)
        expect_array(x, np.tile(data[:-1], (3, 1)), name=f"x of {what}")
        expect_array(y, np.tile(data[1:], (3, 1)), name=f"y of {what}")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_zero_batch(sol):
    """batch_size 0 gives two int64 arrays of shape (0, block_size)."""
    x, y, what = call(sol, np.arange(20, dtype=np.int64), 0, 5, seed=0)
    expect_array(x, np.zeros((0, 5), dtype=np.int64), name=f"x of {what}")
    expect_array(y, np.zeros((0, 5), dtype=np.int64), name=f"y of {what}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_every_start_reachable(sol):
    """With 32 possible starts and 20,000 rows, every start from 0 to N - block_size - 1 appears."""
    data = np.arange(40, dtype=np.int64)
    x, y, what = call(sol, data, 20_000, 8, seed=304)
    starts = check_windows(data, x, y, 20_000, 8, what)
    missing = sorted(set(range(32)) - set(starts.tolist()))
    if missing:
        hint = "draw one start per row, uniformly over 0..N - block_size - 1"
        if missing == [31]:
            hint = "rng.integers excludes its upper bound: the starts are rng.integers(0, N - block_size)"
        elif missing == [0]:
            hint = "start 0 (the first window of the data) must be possible"
        raise CheckFailure.elided(f"{what}: starts {missing[:5]} never drawn in 20,000 rows (each should appear "
                           f"~625 times); {hint}")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_starts_uniform(sol):
    """The 32 possible starts are drawn uniformly (chi-square over 32,000 rows, z = 7)."""
    data = np.arange(40, dtype=np.int64)
    x, y, what = call(sol, data, 32_000, 8, seed=3041)
    starts = check_windows(data, x, y, 32_000, 8, what)
    expect_uniform(np.bincount(starts, minlength=32), name=f"start positions of {what}",
                   hint="each of the starts 0..N - block_size - 1 should have probability 1/(N - block_size)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_rows_independent(sol):
    """Rows get their own starts (not one start for the whole batch)."""
    data = np.arange(1000, dtype=np.int64)
    x, y, what = call(sol, data, 64, 16, seed=3042)
    starts = check_windows(data, x, y, 64, 16, what)
    if len(set(starts.tolist())) < 8:
        raise CheckFailure.elided(f"{what}: only {len(set(starts.tolist()))} distinct starts among 64 rows "
                           "(984 possible starts); draw one start per row")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_rows_drawn_with_replacement(sol):
    """64 rows over 64 possible starts repeat some start (all distinct has probability 64!/64^64 < 1e-26)."""
    data = np.arange(64 + 16, dtype=np.int64)
    x, y, what = call(sol, data, 64, 16, seed=3043)
    starts = check_windows(data, x, y, 64, 16, what)
    if len(set(starts.tolist())) == 64:
        raise CheckFailure.elided(f"{what}: the 64 rows use 64 distinct starts out of 64; independent draws with "
                           "replacement repeat some start (probability of no repeat < 1e-26): do not draw the "
                           "starts without replacement")


@pytest.mark.points(2)
@pytest.mark.category("statistics")
def test_consecutive_rows_independent(sol):
    """The step between the starts of consecutive rows, mod N - block_size, is uniform (chi-square, z = 7)."""
    data = np.arange(40, dtype=np.int64)
    x, y, what = call(sol, data, 32_000, 8, seed=3044)
    starts = check_windows(data, x, y, 32_000, 8, what)
    steps = (starts[1:] - starts[:-1]) % 32
    expect_uniform(np.bincount(steps, minlength=32), name=f"steps between consecutive rows' starts of {what}",
                   hint="for independent uniform starts the step (s[b + 1] - s[b]) mod 32 is uniform; "
                        "draw every row's start independently (no offset + arange, no shuffled cycles)")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_reproducible(sol):
    """Two fresh generators with the same seed give the same batch."""
    data = np.arange(500, dtype=np.int64)
    x1, y1, what = call(sol, data, 12, 10, seed=42)
    x2, y2, _ = call(sol, data, 12, 10, seed=42)
    expect_array(x2, x1, name=f"x of a second {what}")
    expect_array(y2, y1, name=f"y of a second {what}")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_seeds_differ(sol):
    """Different seeds give different batches (randomness comes from rng)."""
    data = np.arange(5000, dtype=np.int64)
    x1, _, what = call(sol, data, 16, 8, seed=1)
    x2, _, _ = call(sol, data, 16, 8, seed=2)
    if isinstance(x1, np.ndarray) and isinstance(x2, np.ndarray) and np.array_equal(x1, x2):
        raise CheckFailure("seeds 1 and 2 gave identical batches of 16 rows out of 4,992 starts: use rng")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_rng_advances(sol):
    """Two calls with one generator give different batches (the generator's state is used and advanced)."""
    data = np.arange(5000, dtype=np.int64)
    rng = np.random.default_rng(9)
    x1, _ = expect_sequence(sol.sample_lm_batch(data, 16, 8, rng=rng), 2, name="first call")
    x2, _ = expect_sequence(sol.sample_lm_batch(data, 16, 8, rng=rng), 2, name="second call")
    if isinstance(x1, np.ndarray) and isinstance(x2, np.ndarray) and np.array_equal(x1, x2):
        raise CheckFailure("two calls with the same rng gave identical batches: draw from rng itself")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_global_rng_untouched(sol):
    """The global np.random / random state is not used."""
    before = sol.global_random_state()
    sol.sample_lm_batch(np.arange(100, dtype=np.int64), 32, 8, rng=np.random.default_rng(5))
    if sol.global_random_state() != before:
        raise CheckFailure("the global random state changed: use only the rng argument")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_errors(sol):
    """Invalid arguments raise ValueError naming the argument."""
    rng = np.random.default_rng(0)
    expect_raises(ValueError, sol.sample_lm_batch, np.arange(8), 2, 8, rng=rng, match="block_size")
    expect_raises(ValueError, sol.sample_lm_batch, np.arange(10), 2, 0, rng=rng, match="block_size")
    expect_raises(ValueError, sol.sample_lm_batch, np.arange(10), -1, 4, rng=rng, match="batch_size")
    expect_raises(ValueError, sol.sample_lm_batch, np.zeros((4, 10), dtype=np.int64), 2, 4, rng=rng,
                  match="data")
