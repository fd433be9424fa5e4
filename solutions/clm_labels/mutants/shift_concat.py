"""Mistake: shift by concatenating labels[:, 1:] with a (B, 1) column of -100: T == 0 gives (B, 1)."""

import numpy as np

IGNORE = -100


def clm_labels(input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    ids = np.asarray(input_ids)
    mask = np.asarray(attention_mask)
    if ids.ndim != 2:
        raise ValueError(f"input_ids must be 2-D (B, T), got shape {ids.shape}")
    if mask.shape != ids.shape:
        raise ValueError(f"attention_mask must have the shape of input_ids {ids.shape}, got {mask.shape}")
    if not np.isin(mask, (0, 1)).all():
        raise ValueError("attention_mask must contain only 0 and 1")
    labels = ids.astype(np.int64, copy=True)
    labels[mask == 0] = IGNORE
    return labels


def shift_labels(labels: np.ndarray) -> np.ndarray:
    lab = np.asarray(labels)
    if lab.ndim != 2:
        raise ValueError(f"labels must be 2-D (B, T), got shape {lab.shape}")
    col = np.full((lab.shape[0], 1), IGNORE, dtype=np.int64)
    return np.concatenate([lab[:, 1:].astype(np.int64), col], axis=1)
