"""Select masked-LM positions. Read the statement with `judge show select_mlm_positions`."""

import numpy as np


def select_mlm_positions(special_tokens_mask: np.ndarray, mlm_probability: float, *,
                         rng: np.random.Generator) -> np.ndarray:
    """Bool (B, T): each non-special position selected independently with probability mlm_probability.

    Special positions (True in special_tokens_mask) are never selected. Draw only from rng.
    Raises ValueError naming the argument when special_tokens_mask is not 2-D or mlm_probability is
    outside [0, 1].
    """
    raise NotImplementedError("select_mlm_positions is not implemented yet")
