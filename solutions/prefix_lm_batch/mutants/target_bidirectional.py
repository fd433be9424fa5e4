"""Mistake: target tokens attend each other in both directions (a target position sees later targets)."""

import numpy as np


def prefix_lm_batch(pairs: list, *, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    prefixes, targets = [], []
    for item in pairs:
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"pairs must hold (prefix, target) pairs, got {item!r}")
        prefixes.append(np.asarray(item[0], dtype=np.int64).reshape(-1))
        targets.append(np.asarray(item[1], dtype=np.int64).reshape(-1))
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
    in_target_i = i[None] >= prefix_len[:, None, None]
    in_target_j = j[None] >= prefix_len[:, None, None]
    rule = (j[None] < prefix_len[:, None, None]) | (j <= i)[None] | (in_target_i & in_target_j)
    real = np.arange(width)[None, :] < lengths[:, None]  # (B, T): not padding
    allowed = rule & real[:, :, None] & real[:, None, :]
    return input_ids, allowed, labels
