"""Mistake: starts with one open (empty) row, so a corpus with no tokens gives one all-padding row
instead of shape (0, max_len)."""

import numpy as np

IGNORE = -100


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    pieces = []
    for doc in docs:
        tokens = np.asarray(doc, dtype=np.int64).reshape(-1)
        for start in range(0, len(tokens), max_len):
            pieces.append(tokens[start : start + max_len])
    rows = [[]]
    used = 0
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
