"""Reference solution for z_loss."""

import numpy as np


def z_loss(logits, mask, coefficient=1e-4):
    logits = np.asarray(logits, dtype=np.float64)
    mask = np.asarray(mask)
    if logits.ndim < 1 or logits.shape[-1] < 1:
        raise ValueError(f"logits must have shape (..., V) with V >= 1, got {logits.shape}")
    if mask.dtype != np.bool_:
        raise ValueError(f"mask must be a bool array, got dtype {mask.dtype}")
    if mask.shape != logits.shape[:-1]:
        raise ValueError(f"mask must have shape {logits.shape[:-1]}, got {mask.shape}")
    if not coefficient >= 0:
        raise ValueError(f"coefficient must be >= 0, got {coefficient!r}")
    z = logits[mask]
    if z.shape[0] == 0:
        return 0.0
    m = z.max(axis=-1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=-1))
    return float(coefficient * np.mean(lse ** 2))
