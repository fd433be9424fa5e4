"""Mistake: validates only the shifted targets labels[:, 1:], so a bad labels[b, 0] is not rejected."""

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
        if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
            raise ValueError("labels_list items must be integer (B, T)")
        z = logits[:, :-1].reshape(-1, logits.shape[-1])
        y = labels[:, 1:].reshape(-1)
        if np.any((y != -100) & ((y < 0) | (y >= logits.shape[-1]))):
            raise ValueError("labels_list holds an out-of-range label")
        keep = y != -100
        total += float(_nll(z[keep], y[keep]).sum())
        count += int(keep.sum())
    return total / count if count else float("nan")
