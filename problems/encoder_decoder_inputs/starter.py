"""Encoder-decoder inputs: shifted labels and the three masks. Read the statement with
`judge show encoder_decoder_inputs`."""

import numpy as np


def shift_tokens_right(labels, pad_token_id, decoder_start_token_id) -> np.ndarray:
    """int64 decoder_input_ids (B, T): decoder_start_token_id, then labels[:, :-1]; every -100 becomes pad_token_id.

    Raises ValueError naming decoder_start_token_id, pad_token_id or labels for invalid arguments.
    """
    raise NotImplementedError("shift_tokens_right is not implemented yet")


def seq2seq_masks(attention_mask, decoder_attention_mask) -> tuple:
    """(encoder (B, 1, S, S), decoder (B, 1, T, T), cross (B, 1, T, S)) bool masks, True = may attend.

    encoder[b, 0, i, j] = attention_mask[b, j]; decoder[b, 0, i, j] = decoder_attention_mask[b, j] and j <= i;
    cross[b, 0, i, j] = attention_mask[b, j]. Raises ValueError naming the bad mask.
    """
    raise NotImplementedError("seq2seq_masks is not implemented yet")
