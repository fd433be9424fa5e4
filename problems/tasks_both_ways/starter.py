"""Which model for which task. Read the statement with `judge show tasks_both_ways`."""

import numpy as np

# Your own solutions of tiny_transformer and pretrain_both_ways, imported from the files beside this one
# (`judge show tasks_both_ways` says what grading uses):
from pretrain_both_ways import train_clm, train_mlm
from tiny_transformer import forward, loss_and_grads


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
