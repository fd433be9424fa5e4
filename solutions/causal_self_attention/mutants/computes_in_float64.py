"""Mistake: upcasts x and the weights to float64 'for accuracy' and never casts back, so float32 inputs give a
float64 result (the statement keeps the dtype of the inputs).
"""

import math

import numpy as np


def causal_self_attention(x: np.ndarray, w_qkv: np.ndarray, w_out: np.ndarray, n_heads: int) -> np.ndarray:
    x, w_qkv, w_out = np.asarray(x), np.asarray(w_qkv), np.asarray(w_out)
    if x.ndim != 3 or x.dtype.kind != "f":
        raise ValueError(f"x must be a float array of shape (B, T, D), got {x.dtype} {x.shape}")
    if isinstance(n_heads, bool) or not isinstance(n_heads, (int, np.integer)):
        raise ValueError(f"n_heads must be an int, got {n_heads!r}")
    n_heads = int(n_heads)
    b, t, d = x.shape
    if n_heads < 1 or d % n_heads != 0:
        raise ValueError(f"n_heads={n_heads} must be >= 1 and divide the model size D={d}")
    if w_qkv.shape != (d, 3 * d):
        raise ValueError(f"w_qkv must have shape {(d, 3 * d)}, got {w_qkv.shape}")
    if w_out.shape != (d, d):
        raise ValueError(f"w_out must have shape {(d, d)}, got {w_out.shape}")
    hd = d // n_heads
    x, w_qkv, w_out = x.astype(np.float64), w_qkv.astype(np.float64), w_out.astype(np.float64)
    qkv = x @ w_qkv                                   # (B, T, 3D): [q | k | v]
    q, k, v = qkv[..., :d], qkv[..., d:2 * d], qkv[..., 2 * d:]

    def heads(a: np.ndarray) -> np.ndarray:          # (B, T, D) -> (B, H, T, hd); head h = columns h*hd:(h+1)*hd
        return a.reshape(b, t, n_heads, hd).transpose(0, 2, 1, 3)

    q, k, v = heads(q), heads(k), heads(v)
    scores = (q @ np.swapaxes(k, -1, -2)) * np.asarray(1.0 / math.sqrt(hd), dtype=x.dtype)
    allowed = np.tril(np.ones((t, t), dtype=bool))
    scores = np.where(allowed, scores, np.array(-np.inf, dtype=x.dtype))
    scores = scores - scores.max(axis=-1, keepdims=True, initial=-np.inf)
    weights = np.exp(scores)                          # the diagonal is always allowed: no empty rows
    weights /= weights.sum(axis=-1, keepdims=True)
    y = (weights @ v).transpose(0, 2, 1, 3).reshape(b, t, d)  # concatenate heads
    return (y @ w_out).astype(x.dtype, copy=False)
