"""The default import allow-list: pure standard modules a NumPy programmer reaches for are allowed (the sandbox is
what keeps a submission from doing harm); ML libraries, files, network and processes are not."""

from __future__ import annotations

import pytest
from helpers import REPO, judge_json

from judge.engine.problems import DEFAULT_IMPORTS

ASKED_FOR = ["operator", "numbers", "bisect", "heapq", "re", "string", "enum", "abc", "copy", "fractions", "decimal",
             "statistics", "__future__"]
NEVER = ["torch", "scipy", "os", "sys", "subprocess", "socket", "shutil", "pathlib", "io", "urllib", "http",
         "multiprocessing", "threading", "ctypes", "importlib", "builtins", "pickle", "random", "time", "signal"]


def test_default_list_has_the_pure_modules_and_none_that_reach_outside():
    assert set(ASKED_FOR) <= set(DEFAULT_IMPORTS)
    assert not set(NEVER) & set(DEFAULT_IMPORTS)


def test_a_solution_importing_every_default_module_gets_full_marks(tmp_path, tmp_db):
    """`import operator` for operator.index (and every other default module) is not 'forbidden'."""
    modules = [m for m in DEFAULT_IMPORTS if m not in ("numpy", "__future__")]
    source = "from __future__ import annotations\n" + "".join(f"import {m}\n" for m in modules) + (
        "import numpy as np\n\n\n"
        "def causal_mask(seq_len):\n"
        "    n = operator.index(seq_len)\n"
        "    if n < 0:\n"
        "        raise ValueError(f'seq_len must be >= 0, got {n}')\n"
        "    return np.tril(np.ones((n, n), dtype=bool))\n")
    path = tmp_path / "causal_mask.py"
    path.write_text(source)
    code, result = judge_json("submit", "causal_mask", str(path), "--db", tmp_db)
    assert code == 0 and result["score"] == result["max_score"], [t["message"] for t in result["tests"]][:3]


@pytest.mark.parametrize("line", ["import subprocess", "from socket import socket", "import os.path",
                                  "import scipy.special", "import pathlib"])
def test_modules_outside_the_list_are_forbidden(tmp_path, tmp_db, line):
    path = tmp_path / "causal_mask.py"
    path.write_text((REPO / "solutions" / "causal_mask" / "reference.py").read_text() + f"\n{line}\n")
    code, result = judge_json("test", "causal_mask", str(path))
    assert code == 1 and {t["status"] for t in result["tests"]} == {"forbidden"}
    assert line.split()[1] in result["message"] and "does not allow" in result["message"]
