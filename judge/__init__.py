"""lm-judge: exercises and an isolated judge for causal vs masked LM pretraining."""

__version__ = "0.1.0"

import os as _os

# The trusted checker computes expected values with NumPy; one BLAS thread keeps it fast and even on a loaded
# machine (the worker gets the same setting through its scrubbed environment).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
