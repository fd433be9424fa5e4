"""Mistake: computes the log-softmax in the dtype of the logits (float32 stays float32) and only converts the
result to float64 at the end; the statement asks for float64 arithmetic, and float32 loses the small losses of
confident predictions (log(1 + 1e-5) rounds badly).
"""

import numpy as np


def cross_entropy(logits, targets, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if logits.ndim < 1 or logits.shape[-1] < 1:
        raise ValueError(f"logits must have shape (..., C) with C >= 1, got {logits.shape}")
    if targets.dtype.kind not in "iu":
        raise ValueError(f"targets must be an integer array, got dtype {targets.dtype}")
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets must have shape {logits.shape[:-1]}, got {targets.shape}")
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"reduction must be 'mean', 'sum' or 'none', got {reduction!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    num_classes = logits.shape[-1]
    valid = targets != ignore_index
    bad = valid & ((targets < 0) | (targets >= num_classes))
    if bad.any():
        raise ValueError(f"targets must be in [0, {num_classes}) or ignore_index, got {targets[bad][0]}")

    # Stable log-softmax; a row of -inf only would give NaN, which is masked out if the item is ignored.
    top = np.max(logits, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, np.zeros((), dtype=top.dtype))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_probs = logits - top - np.log(np.sum(np.exp(logits - top), axis=-1, keepdims=True))
        safe = np.where(valid, targets, 0).astype(np.int64)
        nll = -np.take_along_axis(log_probs, safe[..., None], axis=-1)[..., 0]
        if label_smoothing > 0.0:
            smooth = -np.mean(log_probs, axis=-1)
            nll = (1.0 - label_smoothing) * nll + label_smoothing * smooth
    per_item = np.where(valid, nll, 0.0).astype(np.float64)
    if reduction == "none":
        return per_item
    total = float(np.sum(per_item))
    if reduction == "sum":
        return total
    count = int(np.count_nonzero(valid))
    return total / count if count else float("nan")
