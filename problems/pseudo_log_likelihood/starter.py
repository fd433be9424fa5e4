"""Pseudo-log-likelihood. Read the statement with `judge show pseudo_log_likelihood`."""

import numpy as np


def pll_masked_copies(input_ids: np.ndarray, special_tokens_mask: np.ndarray,
                      mask_token_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(copies int64 (K, T), positions int64 (K,)): one copy per non-special position, in order, with that
    position (only) replaced by mask_token_id. Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("pll_masked_copies is not implemented yet")


def pll_score(logits: np.ndarray, input_ids: np.ndarray, positions: np.ndarray) -> float:
    """Sum over k of log_softmax(logits[k, positions[k]])[input_ids[positions[k]]] (0.0 when K == 0)."""
    raise NotImplementedError("pll_score is not implemented yet")


def pseudo_perplexity(pll_scores: np.ndarray, num_scored_tokens: np.ndarray) -> float:
    """exp(-sum(pll_scores) / sum(num_scored_tokens)) over a corpus of sentences."""
    raise NotImplementedError("pseudo_perplexity is not implemented yet")
