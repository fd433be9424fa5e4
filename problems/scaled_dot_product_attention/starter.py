"""Scaled dot-product attention. Read the statement with `judge show scaled_dot_product_attention`."""

import numpy as np


def scaled_dot_product_attention(q, k, v, allowed=None, is_causal=False, scale=None) -> np.ndarray:
    """softmax((q @ k^T) * scale over allowed keys) @ v, with the leading dims of q, k, v broadcast.

    q (..., Lq, d), k (..., Lk, d), v (..., Lk, dv) -> (..., Lq, dv) in the dtype of q. scale defaults to
    1/sqrt(d); allowed is a bool mask (True = may attend); is_causal=True means j <= i (top-left). A query
    with no allowed key outputs zeros. Raises ValueError (naming the argument) on bad shapes or dtypes, and
    when allowed and is_causal are both given.
    """
    raise NotImplementedError("scaled_dot_product_attention is not implemented yet")
