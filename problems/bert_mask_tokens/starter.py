"""BERT 80/10/10 token masking. Read the statement with `judge show bert_mask_tokens`."""

import numpy as np


def bert_mask_tokens(input_ids: np.ndarray, special_tokens_mask: np.ndarray, *, mask_token_id: int,
                     vocab_size: int, rng: np.random.Generator, mlm_probability: float = 0.15,
                     mask_replace_prob: float = 0.8, random_replace_prob: float = 0.1
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Corrupt input_ids for masked-LM training; returns new int64 arrays (inputs, labels).

    Each non-special position is selected independently with probability mlm_probability; labels hold the
    original id there and -100 elsewhere. Each selected input becomes mask_token_id with probability
    mask_replace_prob, a uniform id in [0, vocab_size) with probability random_replace_prob, and stays otherwise.
    All randomness comes from rng. Raises ValueError naming the argument for invalid arguments.
    """
    raise NotImplementedError("bert_mask_tokens is not implemented yet")
