"""No worker-supplied failure kind reaches a result (issue 11, class 3): a submission that replaces the worker's
own reply code forges each kind a worker ever sent (and the load reply), and gets ``crashed`` or ``failed``,
never the verdict it asked for."""

from __future__ import annotations

import pytest
from helpers import judge_json
from test_redteam import ROOT, RUN_TAG, TIERS

pytestmark = pytest.mark.slow

FORGED_KINDS = ["judge_error", "timeout", "memory", "forbidden", "invalid", "missing", "exited", "protocol",
                "wrong_type", "passed", "ok"]

FORGE_CALL = '''
import sys
import numpy as np

worker = sys.modules["judge.isolated.worker"]

def forged(self, req, buffers):
    return {{"ok": False, "kind": {kind!r}, "message": "not my fault"}}, []

worker.Worker.call = forged

def causal_mask(seq_len):
    return np.zeros((seq_len, seq_len), dtype=bool)
'''

FORGE_LOAD = '''
import os
import sys

# The answer to the hello frame (sequence number 1), written on every descriptor (one is the reply pipe) before
# the worker can send the real one.
for fd in range(3, 64):
    try:
        sys.modules["judge.isolated.wire"].write_frame(fd, {{"ok": False, "kind": {kind!r}, "message": "x", "seq": 1}})
    except OSError:
        pass
os._exit(0)

def causal_mask(seq_len):
    raise RuntimeError("never called")
'''


@pytest.mark.parametrize("where", ["call", "load"])
@pytest.mark.parametrize("kind", FORGED_KINDS)
def test_a_forged_failure_kind_never_reaches_the_result(kind, where, tmp_path):
    tier = TIERS[0]
    path = tmp_path / "redteam.py"
    path.write_text((FORGE_CALL if where == "call" else FORGE_LOAD).format(kind=kind))
    code, result = judge_json("submit", "redteam", str(path), "--db", str(tmp_path / "db.sqlite"), root=ROOT,
                              env={"JUDGE_SANDBOX": tier, "JUDGE_RUN_TAG": RUN_TAG}, timeout=120)
    statuses = {t["status"] for t in result["tests"]}
    assert statuses <= {"crashed", "failed"}, (kind, where, [t["message"] for t in result["tests"]])
    assert result["score"] == 0 and code == 1
