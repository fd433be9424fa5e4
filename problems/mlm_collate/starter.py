"""Masked-LM and causal-LM batch collation. Read the statement with `judge show mlm_collate`."""

import numpy as np


def mlm_collate(sequences: list, *, cls_id: int, sep_id: int, pad_id: int, mask_token_id: int, vocab_size: int,
                rng: np.random.Generator, mlm_probability: float = 0.15,
                pad_to_multiple_of: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(input_ids, attention_mask, labels), int64 (B, T): [CLS] tokens [SEP], right-padded, 80/10/10 masking.

    Only the content tokens are eligible; each is selected with probability mlm_probability.
    """
    raise NotImplementedError("mlm_collate is not implemented yet")


def clm_collate(sequences: list, *, eos_id: int, pad_id: int,
                pad_to_multiple_of: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(input_ids, attention_mask, labels), int64 (B, T): tokens + [eos_id], right-padded; labels = input_ids
    with -100 on padding (unshifted)."""
    raise NotImplementedError("clm_collate is not implemented yet")
