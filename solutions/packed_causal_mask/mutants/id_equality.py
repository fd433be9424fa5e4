"""Mistake: documents compared by raw id (seg[i] == seg[j]), so an id that reappears later joins the earlier run.

Positions count the earlier tokens with the same id instead of restarting at every run."""

import numpy as np


def _checked(segment_ids: np.ndarray) -> np.ndarray:
    seg = np.asarray(segment_ids)
    if seg.ndim not in (1, 2):
        raise ValueError(f"segment_ids must have shape (T,) or (B, T), got shape {seg.shape}")
    if seg.dtype.kind not in "iu":
        raise ValueError(f"segment_ids must be an integer array, got dtype {seg.dtype}")
    return seg


def _starts(seg: np.ndarray) -> np.ndarray:
    """True where a new document starts: the first token of the row and every change of id."""
    new = np.ones(seg.shape, dtype=bool)
    new[..., 1:] = seg[..., 1:] != seg[..., :-1]
    return new


def packed_causal_mask(segment_ids: np.ndarray) -> np.ndarray:
    seg = _checked(segment_ids)
    T = seg.shape[-1]
    same = seg[..., :, None] == seg[..., None, :]
    return same & np.tril(np.ones((T, T), dtype=bool))


def packed_position_ids(segment_ids: np.ndarray) -> np.ndarray:
    seg = _checked(segment_ids)
    T = seg.shape[-1]
    same = seg[..., :, None] == seg[..., None, :]
    return (same & np.tril(np.ones((T, T), dtype=bool))).sum(axis=-1).astype(np.int64) - 1
