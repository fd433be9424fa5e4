"""A second correct encoder_decoder_inputs: the shift as np.roll plus np.where, the masks as one np.outer
(all queries x the row's keys) per batch row, the causal part as the complement of "key after query"."""

import numpy as np


def shift_tokens_right(labels, pad_token_id, decoder_start_token_id) -> np.ndarray:
    """decoder_input_ids: decoder_start_token_id, then labels[:, :-1], every -100 replaced by pad_token_id."""
    for name, value in (("decoder_start_token_id", decoder_start_token_id), ("pad_token_id", pad_token_id)):
        if value is None:
            raise ValueError(f"{name} has to be defined")
    for name, value in (("decoder_start_token_id", decoder_start_token_id), ("pad_token_id", pad_token_id)):
        if int(value) < 0:
            raise ValueError(f"{name} must be >= 0")
    arr = np.asarray(labels)
    if arr.dtype.kind not in "iu" or arr.ndim != 2 or arr.shape[1] < 1:
        raise ValueError("labels must be a 2-D integer array with at least one column")
    if ((arr < 0) & (arr != -100)).any():
        raise ValueError("labels may hold -100 as the only negative value")
    rolled = np.roll(arr.astype(np.int64), 1, axis=1)
    rolled[:, 0] = decoder_start_token_id
    return np.where(rolled == -100, np.int64(pad_token_id), rolled)


def _as_bool(mask, name: str) -> np.ndarray:
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D")
    if arr.dtype != np.bool_:
        if np.setdiff1d(np.unique(arr), [0, 1]).size:
            raise ValueError(f"{name} must hold only 0 and 1")
        arr = arr == 1
    return arr


def seq2seq_masks(attention_mask, decoder_attention_mask) -> tuple:
    """(encoder (B,1,S,S), decoder (B,1,T,T), cross (B,1,T,S)) bool masks, True = may attend."""
    src_keys = _as_bool(attention_mask, "attention_mask")
    tgt_keys = _as_bool(decoder_attention_mask, "decoder_attention_mask")
    if len(src_keys) != len(tgt_keys):
        raise ValueError("decoder_attention_mask must have as many rows as attention_mask")
    n_src, n_tgt = src_keys.shape[1], tgt_keys.shape[1]
    all_src_queries = np.ones(n_src, dtype=bool)
    all_tgt_queries = np.ones(n_tgt, dtype=bool)
    batch = len(src_keys)
    later = np.arange(n_tgt)[None, :] > np.arange(n_tgt)[:, None]
    encoder = np.array([np.outer(all_src_queries, row) for row in src_keys], dtype=bool)
    decoder = np.array([np.outer(all_tgt_queries, row) & ~later for row in tgt_keys], dtype=bool)
    cross = np.array([np.outer(all_tgt_queries, row) for row in src_keys], dtype=bool)
    return (encoder.reshape(batch, 1, n_src, n_src), decoder.reshape(batch, 1, n_tgt, n_tgt),
            cross.reshape(batch, 1, n_tgt, n_src))
