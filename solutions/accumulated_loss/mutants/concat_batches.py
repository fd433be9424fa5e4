"""Mistake: concatenates the micro-batches along the batch axis first; fails for micro-batches of different T_k."""

import numpy as np


def accumulated_clm_loss(logits_list, labels_list):
    if len(logits_list) != len(labels_list):
        raise ValueError("labels_list and logits_list differ in length")
    if not logits_list:
        return float("nan")
    for logits, labels in zip(logits_list, labels_list, strict=True):
        logits, labels = np.asarray(logits), np.asarray(labels)
        if logits.ndim != 3:
            raise ValueError("logits_list items must be (B, T, V)")
        if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
            raise ValueError("labels_list items must be integer (B, T)")
        if np.any((labels != -100) & ((labels < 0) | (labels >= logits.shape[-1]))):
            raise ValueError("labels_list holds an out-of-range label")
    logits = np.concatenate([np.asarray(x, dtype=np.float64) for x in logits_list])
    labels = np.concatenate(labels_list)
    z = logits[:, :-1].reshape(-1, logits.shape[-1])
    y = labels[:, 1:].reshape(-1)
    keep = y != -100
    if not keep.any():
        return float("nan")
    z, y = z[keep], y[keep]
    m = z.max(axis=-1, keepdims=True)
    nll = m[:, 0] + np.log(np.exp(z - m).sum(axis=-1)) - z[np.arange(len(y)), y]
    return float(nll.mean())
