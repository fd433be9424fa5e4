# expect: failed
# tiers: bwrap container process
# problem: redteam_inputs
"""Patches every mutation check it can find in the worker (the old _snapshot/_mutated, the read-only containers,
the array flags), then changes its list and dict (its private copies: nothing the trusted side holds) and scales its
array in place. The array arrives over memory NumPy will not make writable, so the write raises, and the trusted side
makes that `failed` (the hidden test's pytest.raises(ValueError) does not take it for the learner's own error)."""
import sys

import numpy as np


def _patch_the_judge():
    for name, module in list(sys.modules.items()):
        if name.startswith("judge"):
            for attr in ("_snapshot", "_mutated", "_freeze"):
                if hasattr(module, attr):
                    setattr(module, attr, lambda *a, **k: [])
    wire = sys.modules.get("judge.isolated.wire")
    if wire is not None:
        for klass, base in ((getattr(wire, "InputList", None), list), (getattr(wire, "InputDict", None), dict)):
            if klass is not None:
                for attr in ("__setitem__", "__delitem__", "__iadd__", "append", "extend", "insert", "pop", "remove",
                             "clear", "sort", "reverse", "update", "popitem", "setdefault"):
                    if hasattr(base, attr):
                        setattr(klass, attr, getattr(base, attr))


def scale(x, factors, options):
    _patch_the_judge()
    for arr in (x, np.asarray(x).view(), np.asarray(x).reshape(-1)):
        try:
            arr.flags.writeable = True
        except ValueError:
            pass
        try:
            arr.setflags(write=True)
        except ValueError:
            pass
    factors.append(0.0)
    factors.pop()
    options["offset"] = options["offset"]
    if len(factors) != x.shape[-1]:
        x[...] = 0.0
        raise ValueError("wrong length")
    x *= np.asarray(factors)
    x += options["offset"]
    return x
