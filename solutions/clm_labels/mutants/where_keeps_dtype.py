"""Mistake: np.where(attention_mask == 1, input_ids, -100) keeps int32 for int32 ids (NumPy 2 weak scalars)."""

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
    return np.where(mask == 1, ids, IGNORE)


def shift_labels(labels: np.ndarray) -> np.ndarray:
    lab = np.asarray(labels)
    if lab.ndim != 2:
        raise ValueError(f"labels must be 2-D (B, T), got shape {lab.shape}")
    out = np.full(lab.shape, IGNORE, dtype=np.int64)
    out[:, :-1] = lab[:, 1:]
    return out
