"""Mistake: document starts computed on the flattened batch, so a row whose first id equals the previous
row's last id does not start a new document there; its positions keep counting from the previous row."""

import numpy as np


def _checked(segment_ids: np.ndarray) -> np.ndarray:
    seg = np.asarray(segment_ids)
    if seg.ndim not in (1, 2):
        raise ValueError(f"segment_ids must have shape (T,) or (B, T), got shape {seg.shape}")
    if seg.dtype.kind not in "iu":
        raise ValueError(f"segment_ids must be an integer array, got dtype {seg.dtype}")
    return seg


def _starts(seg: np.ndarray) -> np.ndarray:
    flat = seg.reshape(-1)
    new = np.ones(flat.shape, dtype=bool)
    new[1:] = flat[1:] != flat[:-1]
    return new.reshape(seg.shape)


def packed_causal_mask(segment_ids: np.ndarray) -> np.ndarray:
    seg = _checked(segment_ids)
    doc = np.cumsum(_starts(seg), axis=-1)
    T = seg.shape[-1]
    same = doc[..., :, None] == doc[..., None, :]
    return same & np.tril(np.ones((T, T), dtype=bool))


def packed_position_ids(segment_ids: np.ndarray) -> np.ndarray:
    seg = _checked(segment_ids)
    flat_new = _starts(seg).reshape(-1)
    idx = np.arange(flat_new.size, dtype=np.int64)
    start = np.maximum.accumulate(np.where(flat_new, idx, 0)) if idx.size else idx
    return (idx - start).reshape(seg.shape).astype(np.int64)
