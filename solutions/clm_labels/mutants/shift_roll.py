"""Mistake: shift with np.roll(labels, -1, axis=1): the last column wraps around to the first label."""

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
    return np.roll(lab, -1, axis=1).astype(np.int64)
