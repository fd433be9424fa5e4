"""Cross-student attacks (issue 11, classes 1, 2, 4 and 7): attackers graded first, then an honest student and a
probe, all in the same grading process (``--jobs 1``: one grading child, one batch, roster order). Under bwrap each
submission's worker has namespaces of its own; under the container tier a uid of its own, swept (processes, files,
IPC objects) before the next one. Either way the honest student gets full marks, the probe finds nothing left
behind, the attackers get 0, and the class finishes (no attacker's reply or message stops it)."""

from __future__ import annotations

import json

import pytest
from helpers import judge, left_alive
from test_redteam import HERE, ROOT, RUN_TAG, SUBMISSIONS, TIERS, header

# The probe looks at every pool uid's processes and IPC objects: under the container tier a concurrent test's live
# workers would look like leftovers, so this test runs while no other container-tier test does (tests/conftest.py).
pytestmark = [pytest.mark.slow, pytest.mark.container_tier(alone=True)]

ATTACKERS = ["cross_plant_pyc", "cross_leave_state", "cross_leave_cwd", "cross_leave_process_state",
             "cross_posix_mqueue", "time_daemon_double_fork", "lifetime_clear_pdeathsig",
             "disk_fill_devshm", "disk_fill_tmp", "tamper_plant_files", "exc_surrogate_message", "reply_shared_buffer",
             "reply_announced_not_sent"]


@pytest.mark.parametrize("tier", ["bwrap", "container"])
def test_attackers_then_honest_students_in_one_grading_process(tier, tmp_path):
    if tier not in TIERS:
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    attackers = [name for name in ATTACKERS if tier in header(SUBMISSIONS / f"{name}.py")["tiers"].split()]
    klass = tmp_path / "class"
    for i, name in enumerate(attackers):  # names sort before the honest students: graded first
        (klass / f"a{i}_{name}").mkdir(parents=True)
        (klass / f"a{i}_{name}" / "redteam.py").write_bytes((SUBMISSIONS / f"{name}.py").read_bytes())
    for student, source in (("z1_honest", ROOT / "solutions" / "redteam" / "reference.py"),
                            ("z2_probe", HERE / "cross_probe.py")):
        (klass / student).mkdir()
        (klass / student / "redteam.py").write_bytes(source.read_bytes())
    out = tmp_path / "out"
    proc = judge("grade", str(klass), "--out", str(out), "--jobs", "1", "--quiet", "--sandbox", tier, root=ROOT,
                 env={"JUDGE_RUN_TAG": RUN_TAG}, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr  # graded; nothing is a judge error (exit 3)
    assert "Traceback" not in proc.stderr
    for student in ("z1_honest", "z2_probe"):
        result = json.loads((out / "results" / student / "redteam.json").read_text())
        assert result["score"] == result["max_score"] == 3, (student, [t["message"] for t in result["tests"]])
    for i, name in enumerate(attackers):
        result = json.loads((out / "results" / f"a{i}_{name}" / "redteam.json").read_text())
        assert result["score"] == 0, name
    assert not (left := left_alive(RUN_TAG)), f"processes left alive: {left}"
    assert not posix_queue_exists("/judge_flag"), "a worker's POSIX message queue outlived it"


def posix_queue_exists(name: str) -> bool:
    """Whether a POSIX message queue of that name exists in the test's own IPC namespace (the container tier's)."""
    import ctypes
    import os

    libc = ctypes.CDLL(None, use_errno=True)
    qd = libc.mq_open(name.encode(), os.O_RDONLY | os.O_NONBLOCK, 0, None)
    if qd < 0:
        return False
    libc.mq_close(qd)
    libc.mq_unlink(name.encode())  # do not leave it for the next run either
    return True
