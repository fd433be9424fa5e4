"""Which model for which task. Read the statement with `judge show tasks_both_ways`."""

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


def continue_clm(params: dict, prompts: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
    """prompts (B, P) int -> (B, P + length) int64: the causal LM continues each prompt one token at a time, each
    sampled from the softmax of the logits at the last position (causal mask, temperature 1) and fed back."""
    raise NotImplementedError("continue_clm is not implemented yet")


def continue_mlm(params: dict, prompts: np.ndarray, length: int, rng: np.random.Generator,
                 mask_id: int) -> np.ndarray:
    """prompts (B, P) int -> (B, P + length) int64: the masked LM fills `length` appended [MASK] blanks in ONE
    forward pass (all-True mask), each blank sampled independently from the softmax of its own logits."""
    raise NotImplementedError("continue_mlm is not implemented yet")


def cloze_clm(params: dict, texts: np.ndarray, position: int, candidates: np.ndarray) -> np.ndarray:
    """(N,) int64: for each text, the candidate with the highest logit of the causal LM at position - 1 (it has
    read texts[:, :position] only); ties go to the first candidate."""
    raise NotImplementedError("cloze_clm is not implemented yet")


def cloze_mlm(params: dict, texts: np.ndarray, position: int, candidates: np.ndarray, mask_id: int) -> np.ndarray:
    """(N,) int64: for each text with only `position` replaced by mask_id, the candidate with the highest logit of
    the masked LM (all-True mask) at that position; ties go to the first candidate."""
    raise NotImplementedError("cloze_mlm is not implemented yet")
