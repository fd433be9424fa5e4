# expect: error
# tiers: bwrap
"""Searches for the reference solution and imports it.

Not run under the container tier, for the reason read_hidden_tests.py gives: another world-readable clone of
the project on the machine would be found; the judge's own root is locked (test_hosted_grading.py)."""
import glob
import importlib.util


def causal_mask(seq_len):
    tops = ("/work", "/tmp", "/root", "/home", "/sandbox", "/srv", "/opt")
    for path in [p for top in tops for p in glob.glob(f"{top}/**/reference.py", recursive=True)]:
        if "REDTEAM-REFERENCE-SECRET" in open(path).read():
            spec = importlib.util.spec_from_file_location("ref", path)
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod.causal_mask(seq_len)
    raise FileNotFoundError("no reference visible")
