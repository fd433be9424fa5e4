"""Left padding for batched generation. Read the statement with `judge show left_pad_batch`."""

import numpy as np


def left_pad_batch(seqs, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (input_ids, attention_mask, position_ids), each int64 (B, max_len), sequences right-aligned.

    attention_mask is 1 on real tokens and 0 on padding; position_ids count the real tokens from 0 and are 0 on
    padding. An empty list gives shape (0, 0); an empty sequence gives an all-padding row.
    Raises ValueError naming seqs when a sequence is not 1-D.
    """
    raise NotImplementedError("left_pad_batch is not implemented yet")
