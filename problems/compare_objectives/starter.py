"""Causal vs masked, measured. Read the statement with `judge show compare_objectives`."""

import numpy as np


def forward(params: dict, ids: np.ndarray, attn_mask: np.ndarray) -> np.ndarray:
    """The tiny_transformer forward pass (tiny_transformer): logits (B, T, V) float64."""
    raise NotImplementedError("forward is not implemented yet")


def loss_and_grads(params: dict, ids: np.ndarray, attn_mask: np.ndarray, targets: np.ndarray) -> tuple:
    """The tiny_transformer loss and gradients (tiny_transformer)."""
    raise NotImplementedError("loss_and_grads is not implemented yet")


def train_clm(params: dict, data: np.ndarray, rng: np.random.Generator, *, steps: int, batch_size: int,
              lr: float) -> dict:
    """Causal-LM training with Adam (pretrain_both_ways)."""
    raise NotImplementedError("train_clm is not implemented yet")


def train_mlm(params: dict, data: np.ndarray, rng: np.random.Generator, *, steps: int, batch_size: int,
              lr: float, mask_id: int, vocab_size: int, mlm_probability: float = 0.15,
              mask_replace_prob: float = 0.8, random_replace_prob: float = 0.1) -> dict:
    """Masked-LM training with Adam (pretrain_both_ways)."""
    raise NotImplementedError("train_mlm is not implemented yet")


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
