"""Mistake: left padding filled with out[b, -n:] = True; for n == 0 the slice [-0:] is the whole row."""

import numpy as np


def padding_mask(lengths, max_len: int, side: str = "right") -> np.ndarray:
    if max_len < 0:
        raise ValueError(f"max_len must be >= 0, got {max_len}")
    lengths = np.asarray(lengths)
    if lengths.ndim != 1:
        raise ValueError(f"lengths must be 1-D, got shape {lengths.shape}")
    lengths = lengths.astype(np.int64)
    bad = lengths[(lengths < 0) | (lengths > max_len)]
    if bad.size:
        raise ValueError(f"lengths must be in [0, max_len={max_len}], got {bad[0]}")
    if side not in ("right", "left"):
        raise ValueError(f"side must be 'right' or 'left', got {side!r}")
    out = np.zeros((lengths.shape[0], max_len), dtype=bool)
    for b, n in enumerate(lengths):
        if side == "right":
            out[b, :n] = True
        else:
            out[b, -n:] = True
    return out


def attention_bias(attention_mask: np.ndarray, causal: bool) -> np.ndarray:
    attention_mask = np.asarray(attention_mask)
    if attention_mask.ndim != 2:
        raise ValueError(f"attention_mask must be 2-D (B, T), got shape {attention_mask.shape}")
    if not np.isin(attention_mask, (0, 1)).all():
        raise ValueError("attention_mask must hold only 0 and 1")
    _, t = attention_mask.shape
    keys = (attention_mask == 1)[:, None, None, :]
    if causal:
        keys = keys & np.tril(np.ones((t, t), dtype=bool))[None, None]
    return np.broadcast_to(keys, (attention_mask.shape[0], 1, t, t)).copy()
