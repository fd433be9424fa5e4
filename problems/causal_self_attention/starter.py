"""Multi-head causal self-attention. Read the statement with `judge show causal_self_attention`."""

import numpy as np


def causal_self_attention(x: np.ndarray, w_qkv: np.ndarray, w_out: np.ndarray, n_heads: int) -> np.ndarray:
    """GPT-2 causal self-attention without biases: (B, T, D) -> (B, T, D).

    qkv = x @ w_qkv split into q, k, v (in that order); head h = columns h*hd:(h+1)*hd with hd = D // n_heads;
    causal attention per head with scale 1/sqrt(hd); heads concatenated in order, then @ w_out.
    Raises ValueError (naming the argument) for a bad x, n_heads, w_qkv or w_out.
    """
    raise NotImplementedError("causal_self_attention is not implemented yet")
