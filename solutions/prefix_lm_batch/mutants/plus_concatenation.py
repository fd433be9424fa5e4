"""Mistake: builds the row with prefix + target, which concatenates lists and tuples but adds numpy
arrays elementwise (or broadcasts a length-1 target)."""

import numpy as np


def prefix_lm_batch(pairs: list, *, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    prefixes, targets = [], []
    for item in pairs:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"pairs must hold (prefix, target) pairs, got {item!r}")
        row = np.asarray(item[0] + item[1], dtype=np.int64).reshape(-1)  # list concatenation... or array addition
        prefixes.append(row[: len(item[0])])
        targets.append(row[len(item[0]):])
    batch = len(prefixes)
    prefix_len = np.array([len(p) for p in prefixes], dtype=np.int64)
    lengths = prefix_len + np.array([len(t) for t in targets], dtype=np.int64)
    width = int(lengths.max()) if batch else 0
    input_ids = np.full((batch, width), pad_id, dtype=np.int64)
    labels = np.full((batch, width), -100, dtype=np.int64)
    for b in range(batch):
        p, n = prefix_len[b], lengths[b]
        input_ids[b, :p] = prefixes[b]
        input_ids[b, p:n] = targets[b]
        labels[b, p:n] = targets[b]
    i = np.arange(width)[:, None]
    j = np.arange(width)[None, :]
    rule = (j[None] < prefix_len[:, None, None]) | (j <= i)[None]  # prefix-LM rule, (B, T, T)
    real = np.arange(width)[None, :] < lengths[:, None]  # (B, T): not padding
    allowed = rule & real[:, :, None] & real[:, None, :]
    return input_ids, allowed, labels
