"""Pretrain it both ways: causal LM and masked LM. Read the statement with `judge show pretrain_both_ways`."""

import numpy as np

# Your own solution of tiny_transformer, imported from tiny_transformer.py beside this file
# (`judge show pretrain_both_ways` says what grading uses):
from tiny_transformer import forward, loss_and_grads


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
