"""Pretrain it both ways: causal LM and masked LM. Read the statement with `judge show pretrain_both_ways`."""

import numpy as np


def forward(params: dict, ids: np.ndarray, attn_mask: np.ndarray) -> np.ndarray:
    """The tiny_transformer forward pass (copy your solution of tiny_transformer): logits (B, T, V) float64."""
    raise NotImplementedError("forward is not implemented yet")


def loss_and_grads(params: dict, ids: np.ndarray, attn_mask: np.ndarray, targets: np.ndarray) -> tuple:
    """The tiny_transformer loss and gradients (copy your solution of tiny_transformer): (loss, grads)."""
    raise NotImplementedError("loss_and_grads is not implemented yet")


def train_clm(params: dict, data: np.ndarray, rng: np.random.Generator, *, steps: int, batch_size: int,
              lr: float) -> dict:
    """`steps` Adam steps of the causal-LM objective on rows of data (causal mask, targets = next token);
    returns new params."""
    raise NotImplementedError("train_clm is not implemented yet")


def train_mlm(params: dict, data: np.ndarray, rng: np.random.Generator, *, steps: int, batch_size: int,
              lr: float, mask_id: int, vocab_size: int, mlm_probability: float = 0.15,
              mask_replace_prob: float = 0.8, random_replace_prob: float = 0.1) -> dict:
    """`steps` Adam steps of the masked-LM objective (all-True mask, 80/10/10 corruption, targets = original
    tokens at the selected positions); returns new params."""
    raise NotImplementedError("train_mlm is not implemented yet")
