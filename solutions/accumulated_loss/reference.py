"""Reference solution for accumulated_loss."""

import numpy as np


def _shifted_nll(logits, labels):
    """Sum of the next-token losses of one micro-batch and the number of scored targets."""
    z = logits[:, :-1, :].reshape(-1, logits.shape[-1])
    y = labels[:, 1:].reshape(-1)
    valid = y != -100
    z, y = z[valid], y[valid]
    if y.size == 0:
        return 0.0, 0
    m = z.max(axis=-1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=-1))
    return float(np.sum(lse - z[np.arange(y.size), y])), int(y.size)


def accumulated_clm_loss(logits_list, labels_list):
    if len(logits_list) != len(labels_list):
        raise ValueError(f"labels_list has {len(labels_list)} micro-batches, logits_list has {len(logits_list)}")
    total, count = 0.0, 0
    for k, (logits, labels) in enumerate(zip(logits_list, labels_list, strict=True)):
        logits = np.asarray(logits, dtype=np.float64)
        labels = np.asarray(labels)
        if logits.ndim != 3:
            raise ValueError(f"logits_list[{k}] must have shape (B, T, V), got {logits.shape}")
        if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
            raise ValueError(f"labels_list[{k}] must be integers of shape {logits.shape[:2]} (logits (B, T, V))")
        vocab = logits.shape[-1]
        bad = (labels != -100) & ((labels < 0) | (labels >= vocab))
        if bad.any():
            raise ValueError(f"labels_list[{k}] holds a label outside [0, {vocab}) that is not -100")
        s, n = _shifted_nll(logits, labels)
        total += s
        count += n
    return total / count if count else float("nan")
