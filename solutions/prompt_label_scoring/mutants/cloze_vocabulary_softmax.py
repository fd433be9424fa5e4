"""Mistake: a softmax over the whole vocabulary, then the label words' columns, as the Hugging Face
fill-mask pipeline with `targets=` reports them; PET normalizes over the label words only, so these do not sum to 1."""

import numpy as np


def _softmax(scores: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so that no exp overflows or underflows to 0 / 0."""
    shifted = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def cloze_label_probs(mask_logits: np.ndarray, verbalizer: np.ndarray) -> np.ndarray:
    logits = np.asarray(mask_logits)
    if logits.ndim != 2 or logits.shape[1] == 0 or not np.issubdtype(logits.dtype, np.floating):
        raise ValueError(f"mask_logits must be a float array of shape (B, V) with V >= 1, got {logits.shape}")
    words = np.asarray(verbalizer)
    if words.ndim != 1 or words.size == 0 or not np.issubdtype(words.dtype, np.integer):
        raise ValueError("verbalizer must be a 1-D integer array of C >= 1 token ids")
    if words.min() < 0 or words.max() >= logits.shape[1] or np.unique(words).size != words.size:
        raise ValueError(f"verbalizer ids must be distinct and lie in [0, {logits.shape[1]})")
    if logits.shape[0] == 0:
        return np.zeros((0, words.size))
    return _softmax(logits.astype(np.float64))[:, words]


def causal_label_probs(logits: np.ndarray, input_ids: np.ndarray, prompt_length: int,
                       label_lengths: np.ndarray) -> tuple:
    scores_in = np.asarray(logits)
    if scores_in.ndim != 3 or scores_in.shape[0] == 0 or scores_in.shape[2] == 0 \
            or not np.issubdtype(scores_in.dtype, np.floating):
        raise ValueError(f"logits must be a float array of shape (C, T, V) with C, V >= 1, got {scores_in.shape}")
    n_labels, length, vocab = scores_in.shape
    ids = np.asarray(input_ids)
    if ids.shape != (n_labels, length) or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"input_ids must be an integer array of shape {(n_labels, length)}")
    if not 1 <= prompt_length < length:
        raise ValueError(f"prompt_length must lie in [1, T) = [1, {length}), got {prompt_length}")
    lengths = np.asarray(label_lengths)
    if lengths.shape != (n_labels,) or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"label_lengths must be an integer array of shape ({n_labels},)")
    if lengths.min() < 1 or prompt_length + lengths.max() > length:
        raise ValueError(f"label_lengths must lie in [1, T - prompt_length] = [1, {length - prompt_length}]")
    totals = np.zeros(n_labels)
    for c in range(n_labels):
        positions = np.arange(prompt_length, prompt_length + lengths[c])
        targets = ids[c, positions]
        if targets.min() < 0 or targets.max() >= vocab:
            raise ValueError(f"input_ids of label {c} must lie in [0, {vocab})")
        rows = scores_in[c, positions - 1].astype(np.float64)  # the logits at t - 1 predict the token at t
        top = rows.max(axis=1, keepdims=True)
        log_probs = rows - top - np.log(np.exp(rows - top).sum(axis=1, keepdims=True))
        totals[c] = log_probs[np.arange(positions.size), targets].sum()
    return totals, _softmax(totals)


def contextual_calibration(label_probs: np.ndarray, content_free_probs: np.ndarray) -> np.ndarray:
    probs = np.asarray(label_probs)
    if probs.ndim != 2 or probs.shape[1] == 0 or not np.issubdtype(probs.dtype, np.floating):
        raise ValueError(f"label_probs must be a float array of shape (B, C) with C >= 1, got {probs.shape}")
    if (probs < 0).any() or (probs.sum(axis=1) <= 0).any():
        raise ValueError("label_probs must be >= 0 with a positive sum in every row")
    free = np.asarray(content_free_probs)
    if free.ndim != 2 or free.shape[0] == 0 or free.shape[1] != probs.shape[1] \
            or not np.issubdtype(free.dtype, np.floating):
        raise ValueError(f"content_free_probs must be a float array of shape (K, {probs.shape[1]}) with K >= 1")
    if (free < 0).any():
        raise ValueError("content_free_probs must be >= 0")
    p_cf = free.astype(np.float64).mean(axis=0)  # the raw probabilities averaged, then normalized
    if (p_cf <= 0).any():
        raise ValueError("content_free_probs: every label needs a positive mean probability (W = diag(p_cf)^-1)")
    p_cf = p_cf / p_cf.sum()
    p = probs.astype(np.float64)
    p = p / p.sum(axis=1, keepdims=True)
    calibrated = p / p_cf  # W p with W = diag(p_cf)^-1, b = 0
    return calibrated / calibrated.sum(axis=1, keepdims=True)
