# expect: failed
# tiers: bwrap container
"""Plants conftest.py, sitecustomize.py, a .pth file and a numpy.py wherever it can, for this run or the next."""
import glob
import os
import site
import sys

import numpy as np

PAYLOAD = "import builtins\nbuiltins.PWNED = True\n"


def causal_mask(seq_len):
    dirs = {os.getcwd(), "/tmp", os.path.dirname(np.__file__), os.path.dirname(os.__file__)}
    dirs.update(site.getsitepackages())
    dirs.update(sys.path)
    dirs.update(glob.glob("/work/**/problems/*", recursive=True))
    for d in dirs:
        for name in ("conftest.py", "sitecustomize.py", "evil.pth", "numpy.py", "tests_hidden.py"):
            try:
                with open(os.path.join(d, name), "w") as fh:
                    fh.write(PAYLOAD)
            except OSError:
                pass
    return np.zeros((seq_len, seq_len), dtype=bool)
