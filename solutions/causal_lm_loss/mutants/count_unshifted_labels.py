"""Mistake: shifts for the numerator but counts the non-ignored labels before the shift
((labels != -100).sum(), labels[:, 0] included) for the denominator.
"""

import numpy as np


def causal_lm_loss(logits, labels, *, num_items_in_batch=None):
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    if logits.ndim != 3 or logits.shape[2] < 1:
        raise ValueError(f"logits must have shape (B, T, V) with V >= 1, got {logits.shape}")
    if labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be an integer array, got dtype {labels.dtype}")
    if labels.shape != logits.shape[:2]:
        raise ValueError(f"labels must have shape {logits.shape[:2]}, got {labels.shape}")
    if num_items_in_batch is not None and (
        isinstance(num_items_in_batch, (bool, np.bool_))
        or not isinstance(num_items_in_batch, (int, np.integer))
        or num_items_in_batch < 1
    ):
        raise ValueError(f"num_items_in_batch must be None or an integer >= 1, got {num_items_in_batch!r}")
    vocab = logits.shape[2]
    scores = logits[:, :-1]      # the prediction made at position t ...
    targets = labels[:, 1:]      # ... is scored against the token at t + 1
    valid = targets != -100
    bad = valid & ((targets < 0) | (targets >= vocab))
    if bad.any():
        raise ValueError(f"labels must be -100 or in [0, {vocab}), got {targets[bad][0]}")
    top = np.max(scores, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        lse = top[..., 0] + np.log(np.sum(np.exp(scores - top), axis=-1))
        picked = np.take_along_axis(scores, np.where(valid, targets, 0)[..., None].astype(np.int64), axis=-1)[..., 0]
    total = float(np.sum(np.where(valid, lse - picked, 0.0)))
    if num_items_in_batch is not None:
        return total / int(num_items_in_batch)
    count = int(np.count_nonzero(labels != -100))
    return total / count if count else float("nan")
