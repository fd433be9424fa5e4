"""Hidden tests for strided_eval_windows. Expected values come from loops over the definition written here."""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_float, expect_raises
from judge.checkers.case_ids import cases


def windows_by_loop(num_tokens, max_length, stride):
    """The perplexity guide's loop: trg_len = end - prev_end targets, minus a first token without context."""
    rows, prev_end = [], 0
    for begin in range(0, num_tokens, stride):
        end = min(begin + max_length, num_tokens)
        trg_len = end - prev_end  # the last trg_len tokens of the window are its targets
        first_target = end - trg_len
        # the window's own first token has no context: it can only be a target of an earlier window
        rows.append((begin, end, first_target if first_target > begin else begin + 1))
        prev_end = end
        if end == num_tokens:
            break
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3)


def perplexity_by_loop(lps, windows):
    total, count = 0.0, 0
    for lp, (begin, end, score_from) in zip(lps, windows, strict=True):
        for t in range(int(score_from), int(end)):
            total += float(lp[t - begin])
            count += 1
    return math.exp(-total / count) if count else float("nan")


def random_logprobs(rng, windows):
    """Log-probs per window; entry 0 is nan and tokens not scored in a window get a misleading -50."""
    out = []
    for begin, end, score_from in windows:
        lp = -rng.exponential(2.0, size=end - begin)
        lp[: score_from - begin] = -50.0
        lp[0] = np.nan
        out.append(lp)
    return out


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,max_length,stride", [(40, 16, 8), (40, 16, 4), (41, 16, 16), (7, 3, 1),
                                                  (100, 10, 7), (1000, 64, 48)], ids=cases())
def test_windows_match_loop(sol, n, max_length, stride):
    """Windows (begin, end, score_from) match the loop over the definition."""
    expect_array(sol.strided_eval_windows(n, max_length, stride), windows_by_loop(n, max_length, stride),
                 name=f"strided_eval_windows({n}, {max_length}, {stride})")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_short_text_one_window(sol):
    """num_tokens <= max_length: one window (0, num_tokens, 1)."""
    for n in (2, 5, 16):
        expect_array(sol.strided_eval_windows(n, 16, 8), np.array([[0, n, 1]], dtype=np.int64),
                     name=f"strided_eval_windows({n}, 16, 8)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_tiny_texts(sol):
    """num_tokens 0 gives shape (0, 3); num_tokens 1 gives one window that scores nothing."""
    expect_array(sol.strided_eval_windows(0, 4, 2), np.zeros((0, 3), dtype=np.int64),
                 name="strided_eval_windows(0, 4, 2)")
    expect_array(sol.strided_eval_windows(1, 4, 2), np.array([[0, 1, 1]], dtype=np.int64),
                 name="strided_eval_windows(1, 4, 2)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_ends_exactly(sol):
    """A window ending exactly at num_tokens is the last one (no trailing window)."""
    expect_array(sol.strided_eval_windows(12, 4, 4), windows_by_loop(12, 4, 4), name="strided_eval_windows(12, 4, 4)")
    expect_array(sol.strided_eval_windows(8, 4, 2), windows_by_loop(8, 4, 2), name="strided_eval_windows(8, 4, 2)")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_every_token_scored_once(sol):
    """With stride < max_length every token but the first is scored exactly once, with context in its window."""
    for n, max_length, stride in [(97, 10, 3), (200, 32, 31), (50, 8, 1)]:
        got = sol.strided_eval_windows(n, max_length, stride)
        expect_array(got, windows_by_loop(n, max_length, stride),
                     name=f"strided_eval_windows({n}, {max_length}, {stride})")
        times = np.zeros(n, dtype=np.int64)
        for begin, end, score_from in got:
            if not begin < score_from <= end:
                raise CheckFailure.elided(f"window ({begin}, {end}, {score_from}) scores a token without context")
            times[score_from:end] += 1
        expected = np.ones(n, dtype=np.int64)
        expected[0] = 0
        expect_array(times, expected, name=f"times each token is scored, strided_eval_windows({n}, ...)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_long_text_fast(sol):
    """A 1,000,000-token text with max_length 1024 and stride 512 is exact and fast."""
    expect_array(sol.strided_eval_windows(1_000_000, 1024, 512), windows_by_loop(1_000_000, 1024, 512),
                 name="strided_eval_windows(1_000_000, 1024, 512)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_window_errors(sol):
    """Invalid arguments raise ValueError naming the argument."""
    expect_raises(ValueError, sol.strided_eval_windows, -1, 4, 2, match="num_tokens")
    expect_raises(ValueError, sol.strided_eval_windows, 10, 0, 1, match="max_length")
    expect_raises(ValueError, sol.strided_eval_windows, 10, 4, 0, match="stride")
    expect_raises(ValueError, sol.strided_eval_windows, 10, 4, 9, match="stride")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n,max_length,stride", [(40, 16, 8), (40, 16, 16), (123, 20, 5)], ids=cases())
def test_perplexity_token_weighted(sol, n, max_length, stride):
    """Perplexity = exp(-sum / count) over scored tokens only, ignoring entry 0 and re-seen tokens (rtol 1e-9)."""
    windows = windows_by_loop(n, max_length, stride)
    lps = random_logprobs(np.random.default_rng(n + stride), windows)
    expect_float(sol.strided_perplexity(lps, windows), perplexity_by_loop(lps, windows), rtol=1e-9, atol=0.0,
                 name=f"strided_perplexity over windows ({n}, {max_length}, {stride})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_perplexity_uniform_model(sol):
    """A uniform model over 50 ids has perplexity exactly 50 however the windows overlap (rtol 1e-9)."""
    windows = windows_by_loop(30, 8, 3)
    lps = [np.full(end - begin, -math.log(50.0)) for begin, end, _ in windows]
    expect_float(sol.strided_perplexity(lps, windows), 50.0, rtol=1e-9, atol=0.0,
                 name="strided_perplexity of a uniform model over 50 ids")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_perplexity_nothing_scored(sol):
    """No scored token (a 1-token text) gives nan."""
    windows = np.array([[0, 1, 1]], dtype=np.int64)
    expect_float(sol.strided_perplexity([np.array([-1.0])], windows), float("nan"), rtol=1e-9, atol=0.0,
                 name="strided_perplexity with no scored token")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_perplexity_errors(sol):
    """Mismatched arguments raise ValueError naming the argument."""
    windows = np.array([[0, 4, 1], [2, 6, 4]], dtype=np.int64)
    lps = [np.zeros(4), np.zeros(4)]
    expect_raises(ValueError, sol.strided_perplexity, lps[:1], windows, match="token_logprobs_per_window")
    expect_raises(ValueError, sol.strided_perplexity, [np.zeros(4), np.zeros(3)], windows,
                  match="token_logprobs_per_window")
    expect_raises(ValueError, sol.strided_perplexity, lps, windows[:, :2], match="windows")
