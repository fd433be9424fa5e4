"""Mistake: looks up the successor of every row's last token, pad included (the result is then
replaced by pad_id), so a pad_id outside the vocabulary crashes with an IndexError."""

import numpy as np


def greedy_decode(bigram_logits: np.ndarray, prompt: np.ndarray, max_new_tokens: int, eos_id: int,
                  pad_id: int) -> np.ndarray:
    table = np.asarray(bigram_logits)
    if table.ndim != 2 or table.shape[0] != table.shape[1] or table.shape[0] == 0:
        raise ValueError(f"bigram_logits must have shape (V, V) with V >= 1, got {table.shape}")
    ids = np.asarray(prompt)
    if ids.ndim != 2 or ids.shape[1] == 0:
        raise ValueError(f"prompt must have shape (B, P) with P >= 1, got {ids.shape}")
    vocab = table.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= vocab):
        raise ValueError(f"prompt ids must lie in [0, {vocab})")
    if max_new_tokens < 0:
        raise ValueError(f"max_new_tokens must be >= 0, got {max_new_tokens}")
    batch, plen = ids.shape
    out = np.empty((batch, plen + max_new_tokens), dtype=np.int64)
    out[:, :plen] = ids
    best_next = np.argmax(table, axis=1)  # np.argmax returns the first maximum: ties go to the lowest id
    finished = np.zeros(batch, dtype=bool)
    last = out[:, plen - 1].copy()
    for step in range(plen, plen + max_new_tokens):
        nxt = np.where(finished, pad_id, best_next[last])
        out[:, step] = nxt
        finished |= ~finished & (nxt == eos_id)
        last = nxt
    return out
