"""A prefix-LM batch. Read the statement with `judge show prefix_lm_batch`."""

import numpy as np


def prefix_lm_batch(pairs: list, *, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(input_ids int64 (B, T), allowed bool (B, T, T), labels int64 (B, T)) for (prefix, target) pairs.

    Rows are prefix + target, right-padded with pad_id. allowed[b, i, j] = (j < P_b or j <= i), with padded
    keys and padded queries blocked. labels: target tokens at target positions, -100 elsewhere, unshifted.
    """
    raise NotImplementedError("prefix_lm_batch is not implemented yet")
