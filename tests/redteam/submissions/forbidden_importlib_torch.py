# expect: forbidden
# tiers: bwrap container process
"""Imports torch through importlib at call time."""
import importlib


def causal_mask(seq_len):
    torch = importlib.import_module("torch")
    return torch.tril(torch.ones(seq_len, seq_len)).bool().numpy()
