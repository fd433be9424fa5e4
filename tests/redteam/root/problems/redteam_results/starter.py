def causal_mask(seq_len):
    raise NotImplementedError
