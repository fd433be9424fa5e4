"""Causal vs masked, measured. Read the statement with `judge show compare_objectives`."""

import numpy as np

# Your own solutions of tiny_transformer and pretrain_both_ways, imported from the files beside this one
# (`judge show compare_objectives` says what grading uses):
from pretrain_both_ways import train_clm, train_mlm
from tiny_transformer import forward, loss_and_grads


def next_token_report(params: dict, texts: np.ndarray) -> dict:
    """{"loss": (T,), "accuracy": (T,)} float64: at t >= 1, the mean over rows of -log p(texts[:, t] | texts[:, :t])
    and the share of rows whose argmax is texts[:, t], under the causal mask; nan at t = 0."""
    raise NotImplementedError("next_token_report is not implemented yet")


def fill_in_report(params: dict, texts: np.ndarray, mask_id: int) -> dict:
    """{"loss": (T,), "accuracy": (T,)} float64: at every t, the same with only position t replaced by mask_id
    and the all-True mask, read at position t."""
    raise NotImplementedError("fill_in_report is not implemented yet")


def generate(params: dict, prompts: np.ndarray, length: int, rng: np.random.Generator,
             temperature: float = 1.0) -> np.ndarray:
    """prompts (B, P) int -> (B, P + length) int64: append `length` tokens, each sampled from
    softmax(logits at the last position / temperature) under the causal mask."""
    raise NotImplementedError("generate is not implemented yet")
