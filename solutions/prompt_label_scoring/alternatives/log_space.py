"""A second correct solution of prompt_label_scoring, written differently: everything in log space with
np.logaddexp.reduce, the causal scores gathered for all labels at once with take_along_axis and a length mask,
and the calibration as a product with the diagonal matrix W = diag(p_cf)^-1."""

import numpy as np


def _normalize_logs(values):
    return np.exp(values - np.logaddexp.reduce(values, axis=-1, keepdims=True))


def cloze_label_probs(mask_logits, verbalizer):
    x = np.asarray(mask_logits)
    if x.ndim != 2 or x.shape[1] < 1 or x.dtype.kind != "f":
        raise ValueError("mask_logits: expected a float (B, V) array with V >= 1")
    v = np.asarray(verbalizer)
    if v.ndim != 1 or len(v) < 1 or v.dtype.kind not in "iu":
        raise ValueError("verbalizer: expected a 1-D integer array of at least one id")
    if len(set(v.tolist())) != len(v) or not all(0 <= i < x.shape[1] for i in v.tolist()):
        raise ValueError("verbalizer: ids must be distinct and inside the vocabulary")
    chosen = np.take(x.astype(np.float64), v, axis=1)
    return _normalize_logs(chosen) if len(chosen) else np.empty((0, len(v)))


def causal_label_probs(logits, input_ids, prompt_length, label_lengths):
    x = np.asarray(logits)
    if x.ndim != 3 or 0 in (x.shape[0], x.shape[2]) or x.dtype.kind != "f":
        raise ValueError("logits: expected a float (C, T, V) array with C, V >= 1")
    n_labels, length, vocab = x.shape
    ids = np.asarray(input_ids)
    if ids.shape != (n_labels, length) or ids.dtype.kind not in "iu":
        raise ValueError("input_ids: expected an integer (C, T) array")
    if prompt_length < 1 or prompt_length >= length:
        raise ValueError("prompt_length: must satisfy 1 <= prompt_length < T")
    n = np.asarray(label_lengths)
    if n.shape != (n_labels,) or n.dtype.kind not in "iu" or (n < 1).any() or (prompt_length + n > length).any():
        raise ValueError("label_lengths: expected C integers with 1 <= n_c <= T - prompt_length")
    offsets = np.arange(length - prompt_length)
    inside = offsets[None, :] < n[:, None]  # (C, T - P): which label slots are real
    targets = np.where(inside, ids[:, prompt_length:], 0)
    if ((targets < 0) | (targets >= vocab)).any():
        raise ValueError("input_ids: a label token lies outside the vocabulary")
    predicting = x[:, prompt_length - 1:length - 1].astype(np.float64)  # (C, T - P, V)
    log_probs = predicting - np.logaddexp.reduce(predicting, axis=-1, keepdims=True)
    picked = np.take_along_axis(log_probs, targets[:, :, None], axis=-1)[:, :, 0]
    scores = np.where(inside, picked, 0.0).sum(axis=1)
    return scores, _normalize_logs(scores)


def contextual_calibration(label_probs, content_free_probs):
    p = np.asarray(label_probs)
    if p.ndim != 2 or p.shape[1] < 1 or p.dtype.kind != "f" or (p < 0).any() or (p.sum(axis=1) <= 0).any():
        raise ValueError("label_probs: expected a float (B, C) array of non-negative rows with positive sums")
    f = np.asarray(content_free_probs)
    if f.ndim != 2 or f.shape[0] < 1 or f.shape[1] != p.shape[1] or f.dtype.kind != "f" or (f < 0).any():
        raise ValueError("content_free_probs: expected a float (K, C) array of non-negative values, K >= 1")
    mean = f.sum(axis=0) / f.shape[0]
    if (mean <= 0).any():
        raise ValueError("content_free_probs: every label needs a positive mean")
    weights = np.diag(mean.sum() / mean)  # W = diag(p_cf)^-1 with p_cf = mean / sum(mean)
    calibrated = (p / p.sum(axis=1, keepdims=True)) @ weights.T
    return calibrated / calibrated.sum(axis=1, keepdims=True)
