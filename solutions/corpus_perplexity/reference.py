"""Reference solution for corpus_perplexity (corpus_perplexity and bits_per_byte)."""

import math

import numpy as np


def corpus_perplexity(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    if logits.ndim != 3:
        raise ValueError(f"logits must have shape (B, T, V), got {logits.shape}")
    if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers of shape {logits.shape[:2]}, got {labels.dtype} {labels.shape}")
    vocab = logits.shape[-1]
    if np.any((labels != -100) & ((labels < 0) | (labels >= vocab))):
        raise ValueError(f"labels must be -100 or in [0, {vocab})")
    z = logits[:, :-1].reshape(-1, vocab)
    y = labels[:, 1:].reshape(-1)
    keep = y != -100
    z, y = z[keep], y[keep]
    if y.size == 0:
        return float("nan")
    m = z.max(axis=-1, keepdims=True)
    nll = m[:, 0] + np.log(np.exp(z - m).sum(axis=-1)) - z[np.arange(y.size), y]
    with np.errstate(over="ignore"):
        return float(np.exp(nll.sum() / y.size))


def bits_per_byte(total_nll_nats, num_bytes):
    if isinstance(num_bytes, (bool, np.bool_)) or not isinstance(num_bytes, (int, np.integer)) or num_bytes <= 0:
        raise ValueError(f"num_bytes must be a positive integer, got {num_bytes!r}")
    if not total_nll_nats >= 0:
        raise ValueError(f"total_nll_nats must be >= 0, got {total_nll_nats!r}")
    return float(total_nll_nats) / (math.log(2) * int(num_bytes))
