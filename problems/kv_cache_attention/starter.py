"""Attention with a KV cache. Read the statement with `judge show kv_cache_attention`."""

import numpy as np


def kv_cache_attention(q_new: np.ndarray, k_new: np.ndarray, v_new: np.ndarray, k_cache: np.ndarray,
                       v_cache: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Append the new keys/values to the caches and attend with bottom-right causal alignment.

    q_new, k_new, v_new: (B, H, L_new, d); k_cache, v_cache: (B, H, L_past, d), L_past may be 0.
    Returns (out (B, H, L_new, d), k_cache_new, v_cache_new), caches (B, H, L_past + L_new, d) as new arrays.
    New query i sees key j iff j <= L_past + i; scale 1/sqrt(d). Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("kv_cache_attention is not implemented yet")
