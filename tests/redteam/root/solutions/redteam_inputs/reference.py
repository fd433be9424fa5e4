import numpy as np


def scale(x, factors, options):
    x = np.asarray(x, dtype=np.float64)
    if len(factors) != x.shape[-1]:
        raise ValueError(f"factors has {len(factors)} entries, x has {x.shape[-1]} columns")
    return x * np.asarray(factors, dtype=np.float64) + options["offset"]
