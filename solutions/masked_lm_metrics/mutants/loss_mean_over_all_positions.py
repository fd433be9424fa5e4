"""Mistake: the loss divides the sum over the scored positions by every position B * T (ignored ones
included); the accuracy is right.
"""

import numpy as np


def masked_lm_metrics(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    if logits.ndim != 3 or logits.shape[2] < 1:
        raise ValueError(f"logits must have shape (B, T, V) with V >= 1, got {logits.shape}")
    if labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be an integer array, got dtype {labels.dtype}")
    if labels.shape != logits.shape[:2]:
        raise ValueError(f"labels must have shape {logits.shape[:2]}, got {labels.shape}")
    vocab = logits.shape[2]
    scored = labels != -100
    bad = scored & ((labels < 0) | (labels >= vocab))
    if bad.any():
        raise ValueError(f"labels must be -100 or in [0, {vocab}), got {labels[bad][0]}")
    count = int(np.count_nonzero(scored))
    if count == 0:
        return float("nan"), float("nan"), 0
    rows = logits[scored]            # (N, V): only the scored positions, no shift
    targets = labels[scored].astype(np.int64)
    top = np.max(rows, axis=-1, keepdims=True)
    lse = top[:, 0] + np.log(np.sum(np.exp(rows - top), axis=-1))
    nll = lse - rows[np.arange(count), targets]
    correct = np.argmax(rows, axis=-1) == targets   # np.argmax: ties go to the lowest index
    return float(np.sum(nll)) / labels.size, float(np.count_nonzero(correct)) / count, count
