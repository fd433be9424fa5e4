"""Corpus perplexity and bits per byte. Read the statement with `judge show corpus_perplexity`."""

import numpy as np


def corpus_perplexity(logits: np.ndarray, labels: np.ndarray) -> float:
    """exp(sum of shifted next-token losses / number of scored targets) over the whole corpus.

    logits (B, T, V) floats, labels (B, T) ints, -100 not scored. nan when nothing is scored.
    Raises ValueError naming logits or labels.
    """
    raise NotImplementedError("corpus_perplexity is not implemented yet")


def bits_per_byte(total_nll_nats: float, num_bytes: int) -> float:
    """total_nll_nats / (ln 2 * num_bytes).

    Raises ValueError naming num_bytes (not a positive integer) or total_nll_nats (negative).
    """
    raise NotImplementedError("bits_per_byte is not implemented yet")
