"""Padding masks and the combined attention mask. Read the statement with `judge show padding_mask`."""

import numpy as np


def padding_mask(lengths, max_len: int, side: str = "right") -> np.ndarray:
    """Boolean (B, max_len) mask, True at the real tokens of each row.

    side="right": row b is True at positions 0 .. lengths[b] - 1 (padding at the end).
    side="left": row b is True at its last lengths[b] positions (padding at the start).
    Raises ValueError naming max_len, lengths or side for invalid arguments.
    """
    raise NotImplementedError("padding_mask is not implemented yet")


def attention_bias(attention_mask: np.ndarray, causal: bool) -> np.ndarray:
    """Boolean (B, 1, T, T) mask: allowed[b, 0, i, j] = attention_mask[b, j] == 1 and (not causal or j <= i).

    attention_mask is a (B, T) int (0/1) or bool array, 1 / True at real tokens.
    Raises ValueError naming attention_mask when it is not 2-D or holds a value other than 0 and 1.
    """
    raise NotImplementedError("attention_bias is not implemented yet")
