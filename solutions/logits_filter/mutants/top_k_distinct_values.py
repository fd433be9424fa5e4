"""Mistake: top-k uses the k-th largest *distinct* value, so duplicates above the cut let extra tokens
through (the statement counts duplicates: [2, 1, 1, 0] has 2, 1, 1 as its 3 largest)."""

import numpy as np


def filter_logits(logits: np.ndarray, *, temperature: float = 1.0, top_k: int = 0, top_p: float = 1.0) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"logits must have shape (B, V), got {x.shape}")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if top_k < 0:
        raise ValueError(f"top_k must be >= 0, got {top_k}")
    if not 0 < top_p <= 1:
        raise ValueError(f"top_p must be in (0, 1], got {top_p}")
    out = x / temperature
    if out.size == 0:
        return out
    vocab = out.shape[1]
    if 0 < top_k < vocab:
        # the k-th largest distinct value of each row (the last one when a row has fewer distinct values)
        kth = np.array([[np.unique(r)[::-1][min(top_k, len(np.unique(r))) - 1]] for r in out])
        out = np.where(out < kth, -np.inf, out)
    if top_p < 1:
        top = out.max(axis=1, keepdims=True)
        probs = np.exp(out - top)
        probs /= probs.sum(axis=1, keepdims=True)
        desc = -np.sort(-probs, axis=1)
        cum = np.cumsum(desc, axis=1)
        # Index of the token whose cumulative probability first reaches top_p (the last kept one).
        last = np.minimum((cum < top_p).sum(axis=1), vocab - 1)
        threshold = desc[np.arange(out.shape[0]), last][:, None]
        out = np.where(probs < threshold, -np.inf, out)
    return out


def sample(logits: np.ndarray, *, rng: np.random.Generator) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"logits must have shape (B, V), got {x.shape}")
    if x.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    probs = np.exp(x - x.max(axis=1, keepdims=True))
    cdf = np.cumsum(probs, axis=1)
    u = rng.random(x.shape[0]) * cdf[:, -1]
    # First index whose cumulative mass exceeds u: never a zero-probability (-inf) entry.
    idx = (cdf <= u[:, None]).sum(axis=1)
    return np.minimum(idx, x.shape[1] - 1).astype(np.int64)
