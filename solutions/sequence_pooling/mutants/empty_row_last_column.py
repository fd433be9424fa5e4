"""Mistake: the rightmost real token, but a row without one pools the last column (a search from the
right that falls back to -1) instead of position 0 as `(arange(T) * mask).argmax(-1)` gives (PR #35911)."""

import numpy as np

METHODS = ("first", "mean", "last")


def sequence_pooling(hidden_states: np.ndarray, attention_mask: np.ndarray, method: str) -> np.ndarray:
    hidden = np.asarray(hidden_states)
    if hidden.ndim != 3 or hidden.shape[1] == 0 or not np.issubdtype(hidden.dtype, np.floating):
        raise ValueError(f"hidden_states must be a float array of shape (B, T, D) with T >= 1, got {hidden.shape}")
    mask = np.asarray(attention_mask)
    if mask.shape != hidden.shape[:2]:
        raise ValueError(f"attention_mask must have shape {hidden.shape[:2]} (B, T), got {mask.shape}")
    if not (mask.dtype == bool or np.issubdtype(mask.dtype, np.integer)):
        raise ValueError(f"attention_mask must be bool or integer 0/1, got dtype {mask.dtype}")
    if mask.size and not np.isin(mask, (0, 1)).all():
        raise ValueError("attention_mask must hold only 0 and 1")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    hidden = hidden.astype(np.float64)
    real = mask.astype(bool)
    batch, length, _ = hidden.shape
    if method == "first":
        return hidden[:, 0, :].copy()
    if method == "mean":
        weights = real.astype(np.float64)[:, :, None]
        counts = np.maximum(weights.sum(axis=1), 1.0)  # a row with no real token: 0 / 1 = zeros
        return (hidden * weights).sum(axis=1) / counts
    # last: the rightmost real position; (arange(T) * mask).argmax() is 0 for a row with no real token
    last = np.where(real.any(axis=1), length - 1 - real[:, ::-1].argmax(axis=1), length - 1)
    return hidden[np.arange(batch), last, :]
