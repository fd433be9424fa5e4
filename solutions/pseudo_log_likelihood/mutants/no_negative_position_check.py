"""Mistake: pll_score checks only positions >= T; a negative position wraps around."""

import math

import numpy as np


def pll_masked_copies(input_ids: np.ndarray, special_tokens_mask: np.ndarray,
                      mask_token_id: int) -> tuple[np.ndarray, np.ndarray]:
    ids = np.asarray(input_ids)
    special = np.asarray(special_tokens_mask)
    if ids.ndim != 1:
        raise ValueError(f"input_ids must be 1-D, got shape {ids.shape}")
    if special.shape != ids.shape:
        raise ValueError(f"special_tokens_mask must have shape {ids.shape}, got {special.shape}")
    positions = np.flatnonzero(~special.astype(bool)).astype(np.int64)
    copies = np.tile(ids.astype(np.int64), (len(positions), 1))
    copies[np.arange(len(positions)), positions] = mask_token_id
    return copies, positions


def pll_score(logits: np.ndarray, input_ids: np.ndarray, positions: np.ndarray) -> float:
    x = np.asarray(logits, dtype=np.float64)
    ids = np.asarray(input_ids)
    pos = np.asarray(positions)
    if ids.ndim != 1 or pos.ndim != 1:
        raise ValueError("input_ids and positions must be 1-D")
    if x.ndim != 3 or x.shape[0] != pos.shape[0] or x.shape[1] != ids.shape[0]:
        raise ValueError(f"logits must have shape (K, T, V) = ({pos.shape[0]}, {ids.shape[0]}, V), got {x.shape}")
    if pos.size and (pos.max() >= ids.shape[0]):
        raise ValueError(f"positions must lie in [0, {ids.shape[0]})")
    if pos.size == 0:
        return 0.0
    rows = x[np.arange(len(pos)), pos]  # (K, V): copy k's prediction at its masked position
    top = rows.max(axis=1, keepdims=True)
    log_z = top[:, 0] + np.log(np.exp(rows - top).sum(axis=1))
    return float((rows[np.arange(len(pos)), ids[pos]] - log_z).sum())


def pseudo_perplexity(pll_scores: np.ndarray, num_scored_tokens: np.ndarray) -> float:
    scores = np.asarray(pll_scores, dtype=np.float64)
    counts = np.asarray(num_scored_tokens)
    if scores.ndim != 1:
        raise ValueError(f"pll_scores must be 1-D, got shape {scores.shape}")
    if counts.shape != scores.shape:
        raise ValueError(f"num_scored_tokens must have shape {scores.shape}, got {counts.shape}")
    if counts.size and counts.min() < 0:
        raise ValueError("num_scored_tokens must be >= 0")
    total = int(counts.sum())
    if total == 0:
        raise ValueError("num_scored_tokens must sum to at least 1")
    return math.exp(-scores.sum() / total)
