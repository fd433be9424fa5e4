"""Mistake: only the first piece of a long document gets -100 at its first token; the later pieces keep
their first label (as if the document went on), though each piece is its own document."""

import numpy as np

IGNORE = -100


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    pieces = []
    for doc in docs:
        tokens = np.asarray(doc, dtype=np.int64).reshape(-1)
        for start in range(0, len(tokens), max_len):
            pieces.append((tokens[start : start + max_len], start == 0))
    rows = []
    used = max_len
    for piece, first in pieces:
        if used + len(piece) > max_len:
            rows.append([])
            used = 0
        rows[-1].append((piece, first))
        used += len(piece)
    n = len(rows)
    input_ids = np.full((n, max_len), pad_id, dtype=np.int64)
    position_ids = np.zeros((n, max_len), dtype=np.int64)
    labels = np.full((n, max_len), IGNORE, dtype=np.int64)
    for r, row in enumerate(rows):
        col = 0
        for piece, first in row:
            k = len(piece)
            input_ids[r, col : col + k] = piece
            position_ids[r, col : col + k] = np.arange(k)
            labels[r, col : col + k] = piece
            if first:
                labels[r, col] = IGNORE
            col += k
    return input_ids, position_ids, labels
