# expect: failed
# tiers: bwrap container process
"""Imports pytest (if it can) and patches its report machinery, then answers wrongly."""
import importlib

import numpy as np

try:
    reports = importlib.import_module("_pytest.reports")
    reports.TestReport.from_item_and_call = classmethod(lambda cls, item, call: None)
except Exception:
    pass


def causal_mask(seq_len):
    return np.zeros((seq_len, seq_len), dtype=bool)
