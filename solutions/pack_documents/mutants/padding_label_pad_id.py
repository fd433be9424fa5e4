"""Mistake: labels start as a copy of input_ids, so padding gets the label pad_id instead of -100."""

import numpy as np


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    pieces = []
    for doc in docs:
        tokens = np.asarray(doc, dtype=np.int64).reshape(-1)
        for start in range(0, len(tokens), max_len):
            pieces.append(tokens[start : start + max_len])
    rows = []
    used = max_len
    for piece in pieces:
        if used + len(piece) > max_len:
            rows.append([])
            used = 0
        rows[-1].append(piece)
        used += len(piece)
    n = len(rows)
    input_ids = np.full((n, max_len), pad_id, dtype=np.int64)
    position_ids = np.zeros((n, max_len), dtype=np.int64)
    starts = np.zeros((n, max_len), dtype=bool)
    for r, row in enumerate(rows):
        col = 0
        for piece in row:
            k = len(piece)
            input_ids[r, col : col + k] = piece
            position_ids[r, col : col + k] = np.arange(k)
            starts[r, col] = True
            col += k
    labels = input_ids.copy()
    labels[starts] = -100
    return input_ids, position_ids, labels
