"""Sliding-window perplexity. Read the statement with `judge show strided_eval_windows`."""

import numpy as np


def strided_eval_windows(num_tokens: int, max_length: int, stride: int) -> np.ndarray:
    """int64 (W, 3) rows (begin, end, score_from): begin = 0, stride, 2*stride, ...;
    end = min(begin + max_length, num_tokens); stop after the first window whose end is num_tokens;
    score_from = max(end of the previous window, begin + 1) (1 for the first window).

    num_tokens == 0 gives shape (0, 3). Raises ValueError naming num_tokens (< 0), max_length (< 1) or
    stride (< 1 or > max_length).
    """
    raise NotImplementedError("strided_eval_windows is not implemented yet")


def strided_perplexity(token_logprobs_per_window, windows) -> float:
    """exp(-mean log-prob over all scored tokens), a Python float.

    token_logprobs_per_window[w] has end - begin entries; entry k is the log-probability of token begin + k
    given tokens begin .. begin + k - 1 of window w. Only entries of tokens in [score_from, end) count.
    No scored token at all gives nan. Raises ValueError naming windows (not (W, 3)) or
    token_logprobs_per_window (wrong number of arrays or wrong length).
    """
    raise NotImplementedError("strided_perplexity is not implemented yet")
