"""Verdict forbidden: imports torch."""

import torch


def causal_mask(seq_len):
    return torch.tril(torch.ones(seq_len, seq_len, dtype=torch.bool)).numpy()
