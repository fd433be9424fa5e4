"""The ``container`` sandbox tier (root without user namespaces: Docker, Gradescope), simulated here with
``JUDGE_SANDBOX=container`` (bubblewrap is then not even probed): a Gradescope bundle from ``judge export
gradescope``, unpacked into a temporary autograder root and run by its real ``run_autograder``, grades a hostile
submission that tries to read the hidden tests and the judge, to list the root and to write results.json, also
from a detached double-forked process that waits for the worker to die and then rewrites results.json with a
score of 999. Everything fails, nothing of the submission survives, and the honest reference still gets full
marks. On the weak ``process`` tier the autograder refuses to grade unless the bundle allows it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from classroom import make_class, readable_tmpdir, remove_readable_tmpdirs
from helpers import REPO, judge, tagged_processes

from judge.sandbox.container import UID_BASE, UID_SLOTS, uid_processes
from judge.sandbox.launch import tier_available

pytestmark = [pytest.mark.slow, pytest.mark.container_tier,
              pytest.mark.skipif(not (sys.platform == "linux" and os.geteuid() == 0 and tier_available("container")),
                                 reason="the container tier needs root on Linux and an interpreter other uids reach")]

REDTEAM_ROOT = REPO / "tests" / "redteam" / "root"
RUN_TAG = f"ctier{os.getpid()}"

HOSTILE = '''
import json, os, time

ROOT = {root!r}
MARK = {mark!r}


def _try(fn):
    try:
        return "ok:" + str(fn())[:60]
    except Exception as exc:
        return type(exc).__name__


def _rewrite_later():
    """Double fork + setsid: a daemon that waits for the worker to die, then rewrites results.json (score 999).
    Where the syscall filter refuses process creation (issue 19) the fork raises and there is no daemon."""
    try:
        first = os.fork()
    except OSError:
        return
    if first == 0:
        os.setsid()
        if os.fork() == 0:
            for _ in range(150):
                time.sleep(0.1)
                try:
                    with open(os.path.join(MARK, "alive-%d-%d" % (os.getpid(), time.time() * 1000)), "w"):
                        pass
                except OSError:
                    pass
                try:
                    with open(ROOT + "/results/results.json", "w") as fh:
                        fh.write('{{"score": 999}}')
                except OSError:
                    pass
            os._exit(0)
        os._exit(0)
    os.wait()


def causal_mask(seq_len):
    _rewrite_later()
    status = open("/proc/self/status").read()
    report = {{
        "uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(),
        "no_new_privs": status.split("NoNewPrivs:")[1].split()[0],
        "hidden": _try(lambda: open(ROOT + "/source/problems/redteam/tests_hidden.py").read()),
        "judge": _try(lambda: open(ROOT + "/source/judge/grading/autograder.py").read()),
        "results": _try(lambda: open(ROOT + "/results/results.json", "w").write('{{"score": 999}}')),
        "listing": _try(lambda: os.listdir(ROOT)),
        "metadata": _try(lambda: open(ROOT + "/submission_metadata.json").read()),
    }}
    raise ValueError("REPORT" + json.dumps(report) + "END")
'''


@pytest.fixture(scope="module")
def source_root(tmp_path_factory) -> Path:
    """The red-team problem (its allow-list opens os, ctypes, subprocess...) in a root `judge export` accepts."""
    root = tmp_path_factory.mktemp("ct") / "root"
    shutil.copytree(REDTEAM_ROOT, root)
    (root / "problems" / "tracks.toml").write_text('[[tracks]]\nid = "redteam"\ntitle = "Red team"\n')
    return root


def _bundle(source_root: Path, *extra: str) -> Path:
    out = source_root.parent / f"autograder{len(extra)}.zip"
    if not out.exists():
        proc = judge("export", "gradescope", str(out), "--problems", "redteam", *extra, root=source_root)
        assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def bundle(source_root) -> Path:
    yield _bundle(source_root)
    remove_readable_tmpdirs()


def _unpack(bundle: Path, root: Path, submission: str) -> None:
    (root / "source").mkdir(parents=True)
    for d in (root, root / "source"):
        d.chmod(0o755)
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    for name in ("run_autograder", "setup.sh"):
        os.chmod(root / "source" / name, 0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    (root / "submission" / "redteam.py").write_text(submission)
    (root / "submission_metadata.json").write_text('{"users": [{"email": "someone@example.edu"}]}')


def _run(root: Path, tier: str, **env_extra: str) -> tuple[subprocess.CompletedProcess, dict]:
    env = {k: v for k, v in os.environ.items() if k not in ("JUDGE_ROOT", "PYTHONPATH", "JUDGE_ALLOW_WEAK_SANDBOX")}
    env.update(JUDGE_AUTOGRADER_ROOT=str(root), JUDGE_PYTHON=sys.executable, JUDGE_SANDBOX=tier,
               JUDGE_RUN_TAG=RUN_TAG, **env_extra)
    proc = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)
    return proc, json.loads((root / "results" / "results.json").read_text())


def test_hostile_submission_reads_nothing_and_cannot_touch_results(bundle, tmp_path_factory):
    root = readable_tmpdir(tmp_path_factory, "ag-container") / "autograder"
    mark = Path(tempfile.mkdtemp(prefix="judge-ct-mark-"))
    mark.chmod(0o777)  # world-writable, so the daemon can show it is alive (and the sweep must look inside)
    try:
        _unpack(bundle, root, HOSTILE.format(root=str(root), mark=str(mark)))
        proc, doc = _run(root, "container")
        ended = time.monotonic()
        assert proc.returncode == 0, proc.stderr
        assert "'container' sandbox tier" in doc["output"]
        assert doc["score"] == 0 and doc["tests"]
        outputs = " ".join(t.get("output", "") for t in doc["tests"])
        reports = [json.loads(m) for m in re.findall(r"REPORT(\{.*?\})END", outputs)]
        assert reports, outputs[:2000]
        for report in reports:
            assert UID_BASE <= report["uid"] < UID_BASE + UID_SLOTS and report["gid"] == report["uid"]
            assert report["groups"] == [] and report["no_new_privs"] == "1"
            for what in ("hidden", "judge", "results", "listing", "metadata"):
                assert report[what] == "PermissionError", (what, report[what])
        # The daemons waited for their worker to die; 3 s later none has written anything, results.json is ours.
        while time.monotonic() < ended + 3:
            time.sleep(0.2)
        assert list(mark.iterdir()) == []
        assert json.loads((root / "results" / "results.json").read_text()) == doc
        assert tagged_processes(RUN_TAG) == []
        assert not any(uid_processes(uid) for uid in {r["uid"] for r in reports})
        # The autograder locked what the worker must not read, and kept the interpreter reachable.
        for name in ("source", "results", "submission", "submission_metadata.json"):
            assert (root / name).stat().st_mode & 0o007 == 0, name
    finally:
        shutil.rmtree(mark, ignore_errors=True)


def test_reference_gets_full_marks_on_the_container_tier(bundle, tmp_path_factory):
    root = readable_tmpdir(tmp_path_factory, "ag-container") / "autograder"
    _unpack(bundle, root, (REDTEAM_ROOT / "solutions" / "redteam" / "reference.py").read_text())
    proc, doc = _run(root, "container")
    assert proc.returncode == 0, proc.stderr
    assert doc["score"] == sum(t["max_score"] for t in doc["tests"]) > 0
    assert all(t["status"] == "passed" for t in doc["tests"])


def test_weak_tier_without_permission_is_a_misconfigured_autograder(bundle, tmp_path_factory):
    root = readable_tmpdir(tmp_path_factory, "ag-weak") / "autograder"
    _unpack(bundle, root, (REDTEAM_ROOT / "solutions" / "redteam" / "reference.py").read_text())
    proc, doc = _run(root, "process")
    assert proc.returncode == 3
    assert doc["score"] == 0 and doc["tests"] == []
    assert "misconfigured" in doc["output"] and "no test was run" in doc["output"]


def test_weak_tier_with_permission_grades(source_root, tmp_path_factory):
    """Allowed at export time (autograder.json in the bundle) or by JUDGE_ALLOW_WEAK_SANDBOX=1."""
    allowed = _bundle(source_root, "--allow-weak-sandbox")
    assert json.loads(zipfile.ZipFile(allowed).read("autograder.json")) == {"allow_weak_sandbox": True}
    reference = (REDTEAM_ROOT / "solutions" / "redteam" / "reference.py").read_text()
    for name, zipped, env in (("a", allowed, {}), ("b", _bundle(source_root), {"JUDGE_ALLOW_WEAK_SANDBOX": "1"})):
        root = readable_tmpdir(tmp_path_factory, "ag-weak-ok") / name
        _unpack(zipped, root, reference)
        proc, doc = _run(root, "process", **env)
        assert proc.returncode == 0, proc.stderr
        assert "'process' sandbox tier" in doc["output"]
        assert doc["score"] == sum(t["max_score"] for t in doc["tests"]) > 0


READ_CLASSMATE = '''
import os

def causal_mask(seq_len):
    here = {folder!r}
    got = []
    for path in (here + "/ada/redteam.py", here, {out!r} + "/gradebook.db", {hidden!r}):
        try:
            open(path).read(1) if not os.path.isdir(path) else os.listdir(path)
            got.append("read " + path)
        except OSError as exc:
            got.append(type(exc).__name__)
    raise ValueError(";".join(got))
'''


def test_judge_grade_on_the_container_tier(source_root, tmp_path_factory):
    """judge grade --sandbox container: a student who tries to read a classmate's file, the class folder, the
    gradebook and the hidden tests gets PermissionError for each; the honest student gets full marks."""
    base = readable_tmpdir(tmp_path_factory, "grade-container")
    root = base / "root"
    shutil.copytree(source_root, root)
    folder, out = base / "class", base / "out"
    hostile = READ_CLASSMATE.format(folder=str(folder), out=str(out),
                                    hidden=str(root / "problems" / "redteam" / "tests_hidden.py"))
    reference = (REDTEAM_ROOT / "solutions" / "redteam" / "reference.py").read_text()
    make_class(folder, {"ada": reference, "bob": hostile}, problem="redteam")
    proc = judge("grade", str(folder), "--out", str(out), "--sandbox", "container", "-j", "1", root=root,
                 env={"JUDGE_RUN_TAG": RUN_TAG})
    assert proc.returncode == 0, proc.stderr
    assert "sandbox: container" in proc.stdout
    ada = json.loads((out / "results" / "ada" / "redteam.json").read_text())
    bob = json.loads((out / "results" / "bob" / "redteam.json").read_text())
    assert ada["score"] == ada["max_score"] > 0 and bob["score"] == 0
    public = next(t for t in bob["tests"] if t["visibility"] == "public")
    assert public["message"].count("PermissionError") == 4 and "read " not in public["message"], public["message"]
    assert tagged_processes(RUN_TAG) == []
