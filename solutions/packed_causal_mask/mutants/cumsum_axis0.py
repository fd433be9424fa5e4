"""Mistake: document numbers from np.cumsum(starts, axis=0): counted down the batch for a (B, T) input."""

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
    doc = np.cumsum(_starts(seg), axis=0)
    T = seg.shape[-1]
    same = doc[..., :, None] == doc[..., None, :]
    return same & np.tril(np.ones((T, T), dtype=bool))


def packed_position_ids(segment_ids: np.ndarray) -> np.ndarray:
    seg = _checked(segment_ids)
    idx = np.arange(seg.shape[-1], dtype=np.int64)
    start = np.maximum.accumulate(np.where(_starts(seg), idx, 0), axis=-1)  # index where each document began
    return (idx - start).astype(np.int64)
