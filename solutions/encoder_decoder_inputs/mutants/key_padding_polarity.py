"""Mistake: the masks use nn.MultiheadAttention's key_padding_mask polarity (True = ignore) for the encoder and
cross masks."""

import numpy as np


def shift_tokens_right(labels, pad_token_id, decoder_start_token_id) -> np.ndarray:
    """decoder_input_ids: decoder_start_token_id, then labels[:, :-1], with every -100 replaced by pad_token_id."""
    if decoder_start_token_id is None:
        raise ValueError("decoder_start_token_id has to be defined (T5 uses the pad id)")
    if pad_token_id is None:
        raise ValueError("pad_token_id has to be defined")
    if decoder_start_token_id < 0:
        raise ValueError(f"decoder_start_token_id must be >= 0, got {decoder_start_token_id}")
    if pad_token_id < 0:
        raise ValueError(f"pad_token_id must be >= 0, got {pad_token_id}")
    ids = np.asarray(labels)
    if ids.ndim != 2 or ids.shape[1] == 0 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"labels must be a 2-D integer array (B, T) with T >= 1, got shape {ids.shape}")
    if np.any((ids < 0) & (ids != -100)):
        raise ValueError("labels must hold ids >= 0 or -100")
    shifted = np.empty(ids.shape, dtype=np.int64)
    shifted[:, 0] = decoder_start_token_id
    shifted[:, 1:] = ids[:, :-1]
    shifted[shifted == -100] = pad_token_id
    return shifted


def _keys(mask, name: str) -> np.ndarray:
    arr = np.asarray(mask)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (B, length), got shape {arr.shape}")
    if arr.dtype != bool and not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold only 0 and 1")
    return arr.astype(bool)


def seq2seq_masks(attention_mask, decoder_attention_mask) -> tuple:
    """(encoder (B,1,S,S), decoder (B,1,T,T), cross (B,1,T,S)) boolean masks, True = may attend."""
    enc = _keys(attention_mask, "attention_mask")
    dec = _keys(decoder_attention_mask, "decoder_attention_mask")
    if dec.shape[0] != enc.shape[0]:
        raise ValueError(f"decoder_attention_mask has {dec.shape[0]} rows, attention_mask {enc.shape[0]}")
    batch, src = enc.shape
    tgt = dec.shape[1]
    encoder = np.broadcast_to(enc[:, None, None, :], (batch, 1, src, src)).copy()
    causal = np.tril(np.ones((tgt, tgt), dtype=bool))
    decoder = dec[:, None, None, :] & causal[None, None]
    cross = np.broadcast_to(enc[:, None, None, :], (batch, 1, tgt, src)).copy()
    return ~encoder, decoder, ~cross
