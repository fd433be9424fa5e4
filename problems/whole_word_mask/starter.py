"""Whole-word masking. Read the statement with `judge show whole_word_mask`."""

import numpy as np


def whole_word_mask(word_ids: np.ndarray, mlm_probability: float, *, rng: np.random.Generator,
                    max_predictions: int | None = None) -> np.ndarray:
    """Bool (T,): the tokens of whole words, picked in a uniformly random word order within a token budget.

    budget = min(max_predictions (None: no cap), max(1, round(T * mlm_probability))), T counting every token.
    A word is taken whole when it still fits in the budget, skipped otherwise (the scan goes on).
    word_ids[t] is the word of token t, -1 for special tokens (never selected).
    """
    raise NotImplementedError("whole_word_mask is not implemented yet")
