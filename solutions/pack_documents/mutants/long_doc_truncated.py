"""Mistake: truncates a document longer than max_len to its first max_len tokens instead of splitting it."""

import numpy as np

IGNORE = -100


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    pieces = [np.asarray(doc, dtype=np.int64).reshape(-1)[:max_len] for doc in docs]
    pieces = [p for p in pieces if len(p)]
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
    labels = np.full((n, max_len), IGNORE, dtype=np.int64)
    for r, row in enumerate(rows):
        col = 0
        for piece in row:
            k = len(piece)
            input_ids[r, col : col + k] = piece
            position_ids[r, col : col + k] = np.arange(k)
            labels[r, col + 1 : col + k] = piece[1:]
            col += k
    return input_ids, position_ids, labels
