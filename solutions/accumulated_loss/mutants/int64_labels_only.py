"""Mistake: accepts only int64 labels (labels.dtype != np.int64 raises), so int32 labels are rejected."""

import numpy as np


def _nll(z, y):
    m = z.max(axis=-1, keepdims=True)
    return m[:, 0] + np.log(np.exp(z - m).sum(axis=-1)) - z[np.arange(len(y)), y]


def accumulated_clm_loss(logits_list, labels_list):
    if len(logits_list) != len(labels_list):
        raise ValueError("labels_list and logits_list differ in length")
    total, count = 0.0, 0
    for logits, labels in zip(logits_list, labels_list, strict=True):
        logits = np.asarray(logits, dtype=np.float64)
        labels = np.asarray(labels)
        if logits.ndim != 3:
            raise ValueError("logits_list items must be (B, T, V)")
        if labels.shape != logits.shape[:2] or labels.dtype != np.int64:
            raise ValueError("labels_list items must be int64 (B, T)")
        if np.any((labels != -100) & ((labels < 0) | (labels >= logits.shape[-1]))):
            raise ValueError("labels_list holds an out-of-range label")
        z = logits[:, :-1].reshape(-1, logits.shape[-1])
        y = labels[:, 1:].reshape(-1)
        keep = y != -100
        total += float(_nll(z[keep], y[keep]).sum())
        count += int(keep.sum())
    return total / count if count else float("nan")
