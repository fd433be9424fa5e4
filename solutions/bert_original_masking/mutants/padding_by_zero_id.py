"""Mistake: from_sparse_labels tells padding slots by label id 0 instead of by weight, so a real prediction of token
0 is dropped.
"""

import numpy as np


def choose_mask_positions(special_tokens_mask, *, masked_lm_prob, max_predictions, rng):
    special = np.asarray(special_tokens_mask)
    if special.ndim != 1:
        raise ValueError(f"special_tokens_mask must be 1-D (T,), got ndim {special.ndim}")
    if not 0.0 <= masked_lm_prob <= 1.0:
        raise ValueError(f"masked_lm_prob must be in [0, 1], got {masked_lm_prob}")
    if max_predictions < 0:
        raise ValueError(f"max_predictions must be >= 0, got {max_predictions}")
    num_tokens = special.shape[0]
    num_to_predict = min(max_predictions, max(1, round(num_tokens * masked_lm_prob)))
    candidates = np.flatnonzero(special == 0)
    k = min(num_to_predict, len(candidates))
    chosen = rng.choice(candidates, size=k, replace=False)
    return np.sort(chosen).astype(np.int64)


def to_sparse_labels(labels, max_predictions):
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"labels must be 1-D (T,), got ndim {labels.ndim}")
    if max_predictions < 0:
        raise ValueError(f"max_predictions must be >= 0, got {max_predictions}")
    selected = np.flatnonzero(labels != -100)
    n = len(selected)
    if n > max_predictions:
        raise ValueError(f"{n} selected labels do not fit in max_predictions={max_predictions}")
    positions = np.zeros(max_predictions, dtype=np.int64)
    label_ids = np.zeros(max_predictions, dtype=np.int64)
    weights = np.zeros(max_predictions, dtype=np.float64)
    positions[:n] = selected
    label_ids[:n] = labels[selected]
    weights[:n] = 1.0
    return positions, label_ids, weights


def from_sparse_labels(positions, label_ids, weights, seq_len):
    positions = np.asarray(positions)
    label_ids = np.asarray(label_ids)
    weights = np.asarray(weights)
    if positions.ndim != 1:
        raise ValueError(f"positions must be 1-D, got ndim {positions.ndim}")
    if label_ids.shape != positions.shape:
        raise ValueError(f"label_ids must have the shape of positions {positions.shape}, got {label_ids.shape}")
    if weights.shape != positions.shape:
        raise ValueError(f"weights must have the shape of positions {positions.shape}, got {weights.shape}")
    if seq_len < 0:
        raise ValueError(f"seq_len must be >= 0, got {seq_len}")
    real = label_ids != 0
    pos = positions[real]
    if pos.size and (pos.min() < 0 or pos.max() >= seq_len):
        raise ValueError(f"positions with nonzero weight must be in [0, {seq_len}), got {pos.tolist()}")
    if len(np.unique(pos)) != len(pos):
        raise ValueError(f"positions with nonzero weight must be distinct, got {pos.tolist()}")
    labels = np.full(seq_len, -100, dtype=np.int64)
    labels[pos] = label_ids[real]
    return labels
