"""Mistake: flattens the corpus into one sequence before shifting; the last position of row b is scored against
labels[b + 1, 0], a target across a sequence boundary."""

import math

import numpy as np


def _checked(logits, labels):
    logits = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    if logits.ndim != 3:
        raise ValueError("logits must be (B, T, V)")
    if labels.shape != logits.shape[:2] or labels.dtype.kind not in "iu":
        raise ValueError("labels must be integer (B, T)")
    if np.any((labels != -100) & ((labels < 0) | (labels >= logits.shape[-1]))):
        raise ValueError("labels out of range")
    return logits, labels


def _nll(z, y):
    m = z.max(axis=-1, keepdims=True)
    return m[:, 0] + np.log(np.exp(z - m).sum(axis=-1)) - z[np.arange(len(y)), y]


def bits_per_byte(total_nll_nats, num_bytes):
    if isinstance(num_bytes, (bool, np.bool_)) or not isinstance(num_bytes, (int, np.integer)) or num_bytes <= 0:
        raise ValueError("num_bytes must be a positive integer")
    if not total_nll_nats >= 0:
        raise ValueError("total_nll_nats must be >= 0")
    return float(total_nll_nats) / (math.log(2) * int(num_bytes))


def corpus_perplexity(logits, labels):
    logits, labels = _checked(logits, labels)
    z = logits.reshape(-1, logits.shape[-1])[:-1]
    y = labels.reshape(-1)[1:]
    keep = y != -100
    if not keep.any():
        return float("nan")
    with np.errstate(over="ignore"):
        return float(np.exp(_nll(z[keep], y[keep]).mean()))
