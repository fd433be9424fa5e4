"""Scoring a continuation with a causal LM. Read the statement with `judge show continuation_logprob`."""

import numpy as np


def continuation_logprob(logits: np.ndarray, input_ids: np.ndarray, continuation_start: int) -> tuple[float, bool]:
    """(sum over t in [continuation_start, T) of log_softmax(logits[t - 1])[input_ids[t]], is_greedy).

    is_greedy: every scored token is the argmax (lowest id on ties) of the row that predicts it.
    Raises ValueError naming continuation_start, logits or input_ids.
    """
    raise NotImplementedError("continuation_logprob is not implemented yet")
