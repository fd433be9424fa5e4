"""Greedy decoding with a bigram model. Read the statement with `judge show greedy_decode`."""

import numpy as np


def greedy_decode(bigram_logits: np.ndarray, prompt: np.ndarray, max_new_tokens: int, eos_id: int,
                  pad_id: int) -> np.ndarray:
    """Extend every prompt row by max_new_tokens greedy tokens; int64 (B, P + max_new_tokens).

    The next token after token a is argmax(bigram_logits[a]) (ties to the lowest id). A row that has
    generated eos_id appends pad_id from then on. Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("greedy_decode is not implemented yet")
