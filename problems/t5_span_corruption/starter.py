"""T5 span corruption. Read the statement with `judge show t5_span_corruption`."""

import numpy as np


def t5_span_corruption(input_ids: np.ndarray, noise_mask: np.ndarray, *, vocab_size: int,
                       eos_id: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets), int64 1-D.

    inputs: each maximal run of noise tokens replaced by one sentinel; targets: the same rule on the inverted
    mask. Sentinels count down from vocab_size - 1 in order of appearance within each output; eos_id appended
    to both.
    """
    raise NotImplementedError("t5_span_corruption is not implemented yet")
