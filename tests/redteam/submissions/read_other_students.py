# expect: error
# tiers: bwrap container
"""Looks for other students' submissions next to its own file and copies one."""
import glob
import os


def causal_mask(seq_len):
    here = os.path.dirname(os.path.abspath(__file__))
    others = glob.glob(os.path.join(here, "..", "*", "*.py")) + glob.glob("/work/**/submissions/**/*.py",
                                                                            recursive=True)
    others = [o for o in others if os.path.abspath(o) != os.path.abspath(__file__)]
    if not others:
        raise FileNotFoundError("no other submissions visible")
    raise RuntimeError(f"saw {len(others)} other files")
