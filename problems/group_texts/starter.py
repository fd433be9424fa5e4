"""Concatenate and chunk: group_texts. Read the statement with `judge show group_texts`."""

import numpy as np


def group_texts(docs, block_size: int, eos_id=None) -> np.ndarray:
    """int64 (N, block_size): the documents concatenated in order (each followed by eos_id unless it is None),
    cut into consecutive blocks of block_size; the incomplete last block is dropped.

    Raises ValueError naming block_size when block_size < 1.
    """
    raise NotImplementedError("group_texts is not implemented yet")
