"""Classifying with a prompt: cloze, label scoring and calibration. Read the statement with
`judge show prompt_label_scoring`."""

import numpy as np


def cloze_label_probs(mask_logits: np.ndarray, verbalizer: np.ndarray) -> np.ndarray:
    """(B, C) float64: the softmax of mask_logits[:, verbalizer] over the C label words (PET).
    Raises ValueError naming the bad argument."""
    raise NotImplementedError("cloze_label_probs is not implemented yet")


def causal_label_probs(logits: np.ndarray, input_ids: np.ndarray, prompt_length: int,
                       label_lengths: np.ndarray) -> tuple:
    """(scores, probs), float64 (C,) each: scores[c] = sum of log P(label token | everything before it), read from the
    logits one position earlier; probs = softmax(scores). Raises ValueError naming the bad argument."""
    raise NotImplementedError("causal_label_probs is not implemented yet")


def contextual_calibration(label_probs: np.ndarray, content_free_probs: np.ndarray) -> np.ndarray:
    """(B, C) float64: each row normalized, divided by p_cf (the mean of the content-free rows, normalized) and
    renormalized (Zhao et al. 2021). Raises ValueError naming the bad argument."""
    raise NotImplementedError("contextual_calibration is not implemented yet")
