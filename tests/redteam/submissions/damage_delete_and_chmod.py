# expect: error
# tiers: bwrap container
"""Deletes and chmods everything it can reach outside its tmp."""
import glob
import os
import shutil


def causal_mask(seq_len):
    damaged = 0
    for path in glob.glob("/work/*") + glob.glob("/usr/lib/python3*/") + ["/sandbox/judge", "/sandbox/solution.py"]:
        try:
            os.chmod(path, 0)
            damaged += 1
        except OSError:
            pass
        try:
            shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
            damaged += 1
        except OSError:
            pass
    raise PermissionError(f"damaged {damaged}")
