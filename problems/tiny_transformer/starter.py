"""A tiny Transformer: forward, loss and backward. Read the statement with `judge show tiny_transformer`."""

import numpy as np


def forward(params: dict, ids: np.ndarray, attn_mask: np.ndarray) -> np.ndarray:
    """Logits (B, T, V) float64 of the one-layer, one-head model of the statement.

    params: dict of float64 arrays tok (V, d), pos (T_max, d), wq, wk, wv, wo (d, d), out (d, V).
    ids: int (B, T); attn_mask: bool (T, T), True where query i may attend key j.
    """
    raise NotImplementedError("forward is not implemented yet")


def loss_and_grads(params: dict, ids: np.ndarray, attn_mask: np.ndarray, targets: np.ndarray) -> tuple:
    """(loss, grads): the mean cross-entropy of logits[b, t] against targets[b, t] over targets != -100,
    and a dict with the gradient of that loss for every key of params (same shapes, float64)."""
    raise NotImplementedError("loss_and_grads is not implemented yet")
