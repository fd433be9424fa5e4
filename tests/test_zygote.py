"""Workers forked from one zygote (bwrap tier): nothing of one submission reaches the next, a worker that attacks
the zygote only costs a restart, and a batch of submissions judged in one pytest session gets the same results as
the same files judged one by one."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest

from judge.engine.executor import Executor, Limits
from judge.engine.problems import find_root, load_problem
from judge.engine.runner import run_batch, run_solution
from judge.sandbox.launch import SandboxSpec, available_tiers
from judge.sandbox.zygote import Zygote

pytestmark = pytest.mark.skipif("bwrap" not in available_tiers(), reason="the bwrap tier is not available here")
REPO = Path(__file__).resolve().parent.parent
SPEC = SandboxSpec("bwrap")

LISTING = '''
import os, time

def listing():
    seen = []
    for top in ("/tmp", "/dev/shm"):
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if not os.path.ismount(os.path.join(folder, d))]
            seen += [os.path.join(folder, name) for name in files + dirs]
    return sorted(seen)
'''

PLANTER = LISTING + '''
def probe():
    before = listing()
    for top in ("/tmp", "/dev/shm"):
        for folder, dirs, _ in os.walk(top):
            dirs[:] = [d for d in dirs if not os.path.ismount(os.path.join(folder, d))]
            try:
                with open(os.path.join(folder, "planted"), "w") as fh:
                    fh.write("from the previous submission")
            except OSError:
                pass
    with open("planted_in_cwd", "w") as fh:  # its working folder: its own /tmp, never the zygote's
        fh.write("from the previous submission")
    try:
        pid = os.fork()
    except OSError:  # the syscall filter refuses process creation (issue 19)
        pid = None
    if pid == 0:
        os.setsid()
        if os.fork() == 0:
            while True:
                time.sleep(0.01)
        os._exit(0)
    time.sleep(0.05)
    return {"before": before, "after": listing(), "cwd": os.getcwd()}
'''

PROBE = LISTING + '''
def probe():
    pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
    return {"files": listing(), "others": [p for p in pids if p not in (1, os.getpid(), os.getppid())],
            "cwd": os.getcwd(), "in_cwd": sorted(os.listdir("."))}
'''

ZYGOTE_KILLER = '''
import os, signal

def probe():
    parent = os.getppid()
    for target in (parent, -1):  # its parent (the submission's own init) and every process it can signal
        try:
            os.kill(target, signal.SIGKILL)
        except OSError:
            pass
    return parent
'''

MEMORY_READER = '''
import os

def probe():
    try:
        with open(f"/proc/{os.getppid()}/mem", "rb") as fh:
            fh.read(1)
        return "read"
    except OSError as exc:
        return type(exc).__name__
'''


def call_probe(zygote: Zygote, tmp_path: Path, source: str, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    allowed = ["os", "time", "signal", "numpy"]
    executor = Executor(path, ["probe"], allowed, Limits(time_s=2.0), sandbox=SPEC, zygote=zygote)
    executor.start()
    try:
        outcome = executor.call("probe", (), {}, 2.0)
    finally:
        executor.close()
    assert outcome.verdict == "ok", outcome.message
    return outcome.value[0]


@pytest.fixture
def zygote():
    z = Zygote(SPEC)
    yield z
    z.close()


def test_nothing_of_a_submission_survives_into_the_next(zygote, tmp_path):
    """Files in /tmp and /dev/shm and a double-forked daemon of one worker are gone when the next one starts."""
    planted = call_probe(zygote, tmp_path, PLANTER, "planter")
    assert "/tmp/planted" in planted["after"] and "/dev/shm/planted" in planted["after"]  # it really planted
    assert "/tmp/planted_in_cwd" in planted["after"] and planted["cwd"] == "/tmp"
    seen = call_probe(zygote, tmp_path, PROBE, "probe")
    assert seen["files"] == planted["before"], seen  # what a fresh worker sees, nothing more
    assert seen["cwd"] == "/tmp" and "planted_in_cwd" not in seen["in_cwd"], seen
    assert seen["others"] == [], seen
    assert zygote.started == 1  # both workers forked from the same zygote


def test_the_parent_memory_cannot_be_read(zygote, tmp_path):
    """The worker's parent (its submission's init) is not dumpable: the worker cannot read its memory."""
    assert call_probe(zygote, tmp_path, MEMORY_READER, "reader") in ("PermissionError", "OSError")


def test_a_worker_cannot_reach_the_zygote(zygote, tmp_path):
    """A worker's parent is the init of its own PID namespace, which ignores its signals; the zygote is in
    another namespace that the worker cannot even name, so kill(-1) reaches nothing of it."""
    assert call_probe(zygote, tmp_path, ZYGOTE_KILLER, "killer") == 1
    seen = call_probe(zygote, tmp_path, PROBE, "probe")
    assert seen["others"] == [] and "/tmp/.submission/solution.py" in seen["files"]
    assert zygote.started == 1


def _comparable(result: dict) -> str:
    """A result without its timings. A test that timed out keeps only its score: CPU time near a limit (a mutant
    that builds a 32 MiB float mask against a budget of a few of its calls) is the one thing two runs of the same
    file may not reproduce, in a batch or alone; its score (0) does not change."""
    result = dict(result, duration_s=0)
    result["tests"] = [{"name": t["name"], "score": t["score"]} if t["status"] == "timeout" else dict(t, duration_s=0)
                       for t in result["tests"]]
    return json.dumps(result, sort_keys=True)


@pytest.mark.slow
def test_a_batch_matches_one_by_one(zygote, tmp_path):
    """Reference, mutants, starter, a crash at import and a file that vanished, judged as one batch with forked
    workers: every result equals the result of judging that file alone in a fresh worker."""
    problem = load_problem(find_root(REPO), "causal_mask")
    crash = tmp_path / "crash.py"
    crash.write_text("import os\nos._exit(3)\n")
    reference = REPO / "solutions/causal_mask/reference.py"
    mutants = sorted((REPO / "solutions/causal_mask/mutants").glob("*.py"))[:3]
    files = [reference, *mutants, problem.starter, crash, reference]
    got: dict[int, tuple] = {}
    batch = [(i, f) for i, f in enumerate(files)] + [(99, tmp_path / "vanished.py")]
    run_batch(problem, batch, lambda key, result, error: got.__setitem__(key, (result, error)), sandbox=SPEC,
              zygote=zygote)
    assert sorted(got) == [*range(len(files)), 99]
    assert got[99][0] is None and "vanished.py" in got[99][1]
    for i, f in enumerate(files):
        alone = run_solution(problem, f, sandbox=SPEC)
        assert _comparable(got[i][0]) == _comparable(alone), f
    assert got[0][0]["score"] == got[0][0]["max_score"] == got[len(files) - 1][0]["score"]
    assert got[files.index(crash)][0]["status"] == "error"
    assert zygote.started == 1


LAZY_IMPORT = '''
def probe():
    import numpy.testing  # not imported by the zygote: read from disk by the forked worker
    return numpy.testing.__name__
'''


def test_a_forked_worker_still_reads_the_interpreter_files_under_a_fresh_tmp(zygote, tmp_path):
    """Each submission gets a fresh /tmp; read-only binds below /tmp (a venv or the judge cloned into a temporary
    folder, as in CI) are bound back into it, so a module the zygote did not preload still imports."""
    assert call_probe(zygote, tmp_path, LAZY_IMPORT, "lazy") == "numpy.testing"


MOUNTS = '''
def probe():
    with open("/proc/self/mountinfo") as fh:
        return [(f[4], f[5].split(",")[0]) for f in (line.split() for line in fh)]
'''
DEVICES = {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/pts"}


def test_a_forked_worker_can_write_only_its_own_mounts(zygote, tmp_path):
    """Every writable mount a forked worker sees is its own (the /tmp, /dev/shm and /proc of its namespaces) or a
    device; what lies underneath (the zygote's /tmp, in which the zygote's working folder was) is read-only, so no
    submission can leave anything there for the next (issue 19)."""
    mounts = call_probe(zygote, tmp_path, MOUNTS, "mounts")
    top = {point: mode for point, mode in mounts}  # mountinfo lists a mount after what it covers
    writable = {point for point, mode in top.items() if mode == "rw"}
    assert writable - DEVICES == {"/tmp", "/dev/shm", "/proc"}, writable
    under = [mode for point, mode in mounts if point == "/tmp"][:-1]
    assert under and set(under) == {"ro"}, mounts  # the zygote's /tmp
    assert top["/"] == "ro" and top["/dev"] == "ro"


RENAMER = '''
import os

def probe():
    moved = []
    for name in os.listdir("."):  # its working folder: once the zygote's own /tmp, holding the binds' parents
        if os.path.isdir(name) and not name.startswith("."):
            try:
                os.rename(name, name + ".moved")
                moved.append(name)
            except OSError:
                pass
    return moved
'''
READER = '''
import os

def probe():
    return os.path.isfile({marker!r})
'''


def test_renaming_folders_in_its_working_folder_unbinds_nothing_for_the_next(monkeypatch, tmp_path):
    """Issue 19: with the judge's venv cloned under /tmp (CI), the zygote's /tmp held the folders above its
    read-only bind, and a worker whose working folder was that /tmp renamed them: the next worker of the grading
    process found its site-packages gone ("No module named 'numpy.typing'"). A folder under /tmp bound into the
    zygote like the venv stands for it here; after a worker renames what it can, the next still reads it."""
    from judge.sandbox import launch

    ci = Path(tempfile.mkdtemp(prefix="judge-ci-clone-", dir="/tmp"))
    try:
        (ci / "site").mkdir()
        (ci / "site" / "marker.txt").write_text("site-packages")
        for folder in (ci, ci / "site"):
            folder.chmod(0o755)
        (ci / "site" / "marker.txt").chmod(0o644)
        roots = launch._python_roots()
        monkeypatch.setattr(launch, "_python_roots", lambda: [*roots, str(ci / "site")])
        zygote = Zygote(SPEC)
        try:
            moved = call_probe(zygote, tmp_path, RENAMER, "renamer")
            reader = READER.format(marker=str(ci / "site" / "marker.txt"))
            assert call_probe(zygote, tmp_path, reader, "reader") is True, moved
            assert zygote.started == 1
        finally:
            zygote.close()
    finally:
        shutil.rmtree(ci, ignore_errors=True)
