"""Mistake: is_greedy checks the argmax at every position, context included, not only the continuation."""

import numpy as np


def continuation_logprob(logits: np.ndarray, input_ids: np.ndarray, continuation_start: int) -> tuple[float, bool]:
    x = np.asarray(logits, dtype=np.float64)
    ids = np.asarray(input_ids)
    if ids.ndim != 1:
        raise ValueError(f"input_ids must be 1-D, got shape {ids.shape}")
    if x.ndim != 2 or x.shape[0] != ids.shape[0]:
        raise ValueError(f"logits must have shape (T, V) with T = len(input_ids) = {ids.shape[0]}, got {x.shape}")
    seq_len, vocab = x.shape
    if not 1 <= continuation_start <= seq_len:
        raise ValueError(f"continuation_start must be in [1, {seq_len}], got {continuation_start}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab):
        raise ValueError(f"input_ids must lie in [0, {vocab})")
    # Position t - 1 predicts token t: rows continuation_start - 1 .. T - 2 score tokens continuation_start .. T - 1.
    rows = x[continuation_start - 1 : seq_len - 1]
    targets = ids[continuation_start:]
    top = rows.max(axis=1, keepdims=True)
    log_z = top[:, 0] + np.log(np.exp(rows - top).sum(axis=1))
    picked = rows[np.arange(len(targets)), targets] - log_z
    greedy = bool(np.all(np.argmax(x[:-1], axis=1) == ids[1:])) if len(targets) else True
    return float(picked.sum()), greedy
