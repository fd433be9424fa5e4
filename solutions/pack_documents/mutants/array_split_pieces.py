"""Mistake: splits a long document into ceil(len / max_len) near-equal pieces (np.array_split) instead of
pieces of max_len from its start (only the last piece may be shorter)."""

import numpy as np

IGNORE = -100


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    pieces = []
    for doc in docs:
        tokens = np.asarray(doc, dtype=np.int64).reshape(-1)
        if len(tokens):
            pieces.extend(np.array_split(tokens, -(-len(tokens) // max_len)))
    rows: list[list[np.ndarray]] = []
    used = max_len  # no open row yet
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
