"""Mistake: a long document first fills the rest of the current row and is cut at row ends,
instead of being split from its start into pieces of max_len."""

import numpy as np

IGNORE = -100


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    rows: list[list[np.ndarray]] = []
    used = max_len  # no open row yet
    for doc in docs:
        tokens = np.asarray(doc, dtype=np.int64).reshape(-1)
        if len(tokens) == 0:
            continue
        if len(tokens) <= max_len and used + len(tokens) > max_len:
            rows.append([])
            used = 0
        while len(tokens):
            if used == max_len:
                rows.append([])
                used = 0
            take = min(max_len - used, len(tokens))
            rows[-1].append(tokens[:take])
            used += take
            tokens = tokens[take:]
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
