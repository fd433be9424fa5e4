"""Mistake: bits_per_byte checks num_bytes > 0 only, so floats (2.5) and True are accepted."""

import math

import numpy as np


def corpus_perplexity(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    if logits.ndim != 3:
        raise ValueError("logits must be (B, T, V)")
    if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
        raise ValueError("labels must be integer (B, T)")
    if np.any((labels != -100) & ((labels < 0) | (labels >= logits.shape[-1]))):
        raise ValueError("labels out of range")
    z = logits[:, :-1].reshape(-1, logits.shape[-1])
    y = labels[:, 1:].reshape(-1)
    keep = y != -100
    if not keep.any():
        return float("nan")
    z, y = z[keep], y[keep]
    m = z.max(axis=-1, keepdims=True)
    nll = m[:, 0] + np.log(np.exp(z - m).sum(axis=-1)) - z[np.arange(len(y)), y]
    with np.errstate(over="ignore"):
        return float(np.exp(nll.mean()))


def bits_per_byte(total_nll_nats, num_bytes):
    if num_bytes <= 0:
        raise ValueError("num_bytes must be positive")
    if total_nll_nats < 0:
        raise ValueError("total_nll_nats must be >= 0")
    return total_nll_nats / (math.log(2) * num_bytes)
