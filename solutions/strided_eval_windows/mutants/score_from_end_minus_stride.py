"""Mistake: later windows score their last `stride` tokens (score_from = end - stride), which double-counts
tokens in a last window cut short by num_tokens."""

import math

import numpy as np


def strided_eval_windows(num_tokens: int, max_length: int, stride: int) -> np.ndarray:
    if num_tokens < 0:
        raise ValueError(f"num_tokens must be >= 0, got {num_tokens}")
    if max_length < 1:
        raise ValueError(f"max_length must be >= 1, got {max_length}")
    if stride < 1 or stride > max_length:
        raise ValueError(f"stride must be in [1, max_length={max_length}], got {stride}")
    rows = []
    begin = 0
    while num_tokens > 0:
        end = min(begin + max_length, num_tokens)
        rows.append((begin, end, 1 if begin == 0 else max(end - stride, begin + 1)))
        if end == num_tokens:
            break
        begin += stride
    return np.array(rows, dtype=np.int64).reshape(len(rows), 3)


def strided_perplexity(token_logprobs_per_window, windows) -> float:
    windows = np.asarray(windows)
    if windows.ndim != 2 or windows.shape[1] != 3:
        raise ValueError(f"windows must have shape (W, 3), got {windows.shape}")
    if len(token_logprobs_per_window) != len(windows):
        raise ValueError(
            f"token_logprobs_per_window has {len(token_logprobs_per_window)} arrays for {len(windows)} windows"
        )
    total = 0.0
    count = 0
    for lp, (begin, end, score_from) in zip(token_logprobs_per_window, windows, strict=True):
        lp = np.asarray(lp, dtype=np.float64)
        if lp.shape != (end - begin,):
            raise ValueError(f"token_logprobs_per_window: expected {end - begin} values for window "
                             f"({begin}, {end}), got shape {lp.shape}")
        scored = lp[score_from - begin :]
        total += float(scored.sum())
        count += scored.size
    if count == 0:
        return float("nan")
    return math.exp(-total / count)
