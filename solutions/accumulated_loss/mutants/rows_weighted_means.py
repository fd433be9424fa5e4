"""Mistake: weights each micro-batch mean by its number of rows B_k (sequences), not by its number of targets."""

import numpy as np


def _checked(logits_list, labels_list):
    if len(logits_list) != len(labels_list):
        raise ValueError("labels_list and logits_list differ in length")
    out = []
    for logits, labels in zip(logits_list, labels_list, strict=True):
        logits = np.asarray(logits, dtype=np.float64)
        labels = np.asarray(labels)
        if logits.ndim != 3:
            raise ValueError("logits_list items must be (B, T, V)")
        if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
            raise ValueError("labels_list items must be integer (B, T)")
        if np.any((labels != -100) & ((labels < 0) | (labels >= logits.shape[-1]))):
            raise ValueError("labels_list holds an out-of-range label")
        out.append((logits, labels))
    return out


def _nll(z, y):
    """Per-target losses of logits rows z (n, V) against targets y (n,)."""
    m = z.max(axis=-1, keepdims=True)
    return m[:, 0] + np.log(np.exp(z - m).sum(axis=-1)) - z[np.arange(len(y)), y]


def accumulated_clm_loss(logits_list, labels_list):
    total, rows = 0.0, 0
    for logits, labels in _checked(logits_list, labels_list):
        z = logits[:, :-1].reshape(-1, logits.shape[-1])
        y = labels[:, 1:].reshape(-1)
        keep = y != -100
        if keep.any():
            total += float(_nll(z[keep], y[keep]).mean()) * labels.shape[0]
            rows += labels.shape[0]
    return total / rows if rows else float("nan")
