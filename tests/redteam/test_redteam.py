"""The red-team suite: every hostile submission in submissions/ under every sandbox tier it applies to. Each file
states its expected verdict in its header (`# expect:`), the tiers where that verdict is guaranteed (`# tiers:`),
for files that cannot be loaded, the top-level status, and, for attacks on another problem of root/ than `redteam`,
that problem (`# problem:`). A file whose attack can meet either of two limits first names both
(`# expect: memory timeout`) and says why.

Each file runs through the real `judge submit` on the strongest of its tiers this machine has (a fresh sandbox
per run), and through `judge grade` as one student of a class of attackers on every one of its tiers (workers
forked from the zygote on bwrap; a leased uid on container; a process on process). For every run: a verdict the
header names on every test, the status it names, no point awarded, the judge finished within its budget, and no
process of the run left alive. The honest reference must still score max_score after the attacks."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from helpers import judge, judge_json, left_alive

from judge.engine.results import validate_result
from judge.sandbox.launch import TIERS as ALL_TIERS
from judge.sandbox.launch import containment, tier_available

pytestmark = [pytest.mark.slow, pytest.mark.container_tier]

HERE = Path(__file__).resolve().parent
ROOT = HERE / "root"
SUBMISSIONS = HERE / "submissions"
BUDGET_S = 60.0


def header(path: Path) -> dict[str, str]:
    meta = {}
    for line in path.read_text().splitlines()[:5]:
        if line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            meta[key.strip()] = value.strip()
    return meta


def as_expected(result: dict, expect: str) -> bool:
    """Every test of ``result`` (two, or 41 for redteam_results) got a verdict its header's ``# expect:`` names
    (one, or either of two)."""
    got = [t["status"] for t in result["tests"]]
    return len(got) >= 2 and all(status in expect.split() for status in got)


TIERS = [tier for tier in ALL_TIERS if tier_available(tier)]  # each one this machine can run, strongest first


def strongest(tiers: list[str]) -> str:
    """The strongest of ``tiers`` this machine runs (the first one listed when it runs none of them)."""
    return next((t for t in TIERS if t in tiers), tiers[0])


CASES = []
for f in sorted(SUBMISSIONS.glob("*.py")):
    meta = header(f)
    tier = strongest(meta["tiers"].split())
    CASES.append(pytest.param(f, tier, meta["expect"], meta.get("status", "failed"), meta.get("problem", "redteam"),
                              id=f"{f.stem}-{tier}"))


RUN_TAG = f"redteam{os.getpid()}"


def submit(path: Path, tier: str, db: str, problem: str = "redteam") -> tuple[int, dict, float]:
    started = time.monotonic()
    code, result = judge_json("submit", problem, str(path), "--db", db, root=ROOT,
                              env={"JUDGE_SANDBOX": tier, "JUDGE_RUN_TAG": RUN_TAG}, timeout=BUDGET_S * 2)
    return code, result, time.monotonic() - started


def test_suite_is_large_enough():
    assert len(list(SUBMISSIONS.glob("*.py"))) >= 30


@pytest.mark.parametrize("path, tier, verdict, status, problem", CASES)
def test_attack(path, tier, verdict, status, problem, tmp_path):
    """The attack gets its exact verdict, no point, within budget, and leaves no process behind."""
    if tier not in TIERS:
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    code, result, elapsed = submit(path, tier, str(tmp_path / "db.sqlite"), problem)
    validate_result(result)
    assert result["sandbox"] == tier and result["containment"] == containment(tier)
    assert as_expected(result, verdict), [t["message"] for t in result["tests"]]
    assert result["score"] == 0 and code == 1
    assert result["status"] == status
    assert elapsed < BUDGET_S
    assert not (left := left_alive(RUN_TAG)), f"processes left alive: {left}"


@pytest.mark.parametrize("tier", ["bwrap", "process"])
def test_reference_still_passes_after_planting(tier, tmp_path):
    """After an attack that plants conftest.py, sitecustomize.py, .pth and numpy.py files, the honest reference
    still scores max_score, a wrong answer still fails, and nothing was planted in the problem folder."""
    if tier not in TIERS:
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    db = str(tmp_path / "db.sqlite")
    if tier == "bwrap":
        submit(SUBMISSIONS / "tamper_plant_files.py", tier, db)
        assert not list((ROOT / "problems" / "redteam").glob("conftest.py"))
    _, ref, _ = submit(ROOT / "solutions" / "redteam" / "reference.py", tier, db)
    assert ref["score"] == ref["max_score"] == 3
    _, wrong, _ = submit(SUBMISSIONS / "output_fake_verdicts.py", tier, db)
    assert wrong["score"] == 0


@pytest.mark.parametrize("tier", ["bwrap", "process"])
def test_nondeterministic_submission_is_judged_identically(tier, tmp_path):
    """Unseeded np.random, random and set order: two gradings are byte-identical apart from timing fields."""
    if tier not in TIERS:
        pytest.skip(f"sandbox tier {tier} is not available on this machine")

    def strip(result):
        result = dict(result, duration_s=0)
        result["tests"] = [dict(t, duration_s=0) for t in result["tests"]]
        return json.dumps(result, sort_keys=True)

    runs = [submit(SUBMISSIONS / "nondeterminism_unseeded.py", tier, str(tmp_path / f"{i}.db"))[1] for i in range(2)]
    assert strip(runs[0]) == strip(runs[1])


def test_worker_environment_is_scrubbed():
    """Nothing of the judge's environment reaches the worker (checked by read_environment.py's verdict)."""
    assert os.environ.get("PATH")  # the judge has an environment; the attack above proves the worker does not


def test_ci_exercises_the_strong_tier():
    """In CI (CI=true) the bwrap tier must be available, so the red-team suite really runs under it."""
    if os.environ.get("CI") != "true":
        pytest.skip("only enforced in CI")
    assert "bwrap" in TIERS, "CI must install bubblewrap (make sandbox) so the strong tier is exercised"


@pytest.mark.parametrize("tier", ["bwrap", "container", "process"])
def test_grade_a_class_of_attackers(tier, tmp_path):
    """judge grade over a class of every attack that applies to the tier, plus one honest student: the run
    completes, every attacker gets its expected verdict and no point, the honest student scores max_score, and
    no process of the run is left alive."""
    if tier not in TIERS:
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    klass = tmp_path / "class"
    expected, statuses = {}, {}
    for f in sorted(SUBMISSIONS.glob("*.py")):
        meta = header(f)
        if tier in meta["tiers"].split() and meta.get("problem", "redteam") == "redteam":
            (klass / f.stem).mkdir(parents=True)
            (klass / f.stem / "redteam.py").write_bytes(f.read_bytes())
            expected[f.stem] = meta["expect"]
            statuses[f.stem] = meta.get("status", "failed")
    (klass / "honest").mkdir()
    (klass / "honest" / "redteam.py").write_bytes((ROOT / "solutions" / "redteam" / "reference.py").read_bytes())
    out = tmp_path / "out"
    args = ["grade", str(klass), "--out", str(out), "--jobs", "2", "--quiet", "--sandbox", tier]
    if tier == "process":
        args.append("--allow-weak-sandbox")
    started = time.monotonic()
    proc = judge(*args, root=ROOT, env={"JUDGE_RUN_TAG": RUN_TAG}, timeout=1800)
    elapsed = time.monotonic() - started
    assert proc.returncode in (0, 1, 3), proc.stderr  # 3: a judge_error (the forged frame) was reported
    assert "Traceback" not in proc.stderr
    honest = json.loads((out / "results" / "honest" / "redteam.json").read_text())
    assert honest["score"] == honest["max_score"] == 3
    for student, verdict in expected.items():
        if verdict == "judge_error":  # retried once, then reported by name, never scored
            assert student in proc.stdout + proc.stderr
            continue
        result = json.loads((out / "results" / student / "redteam.json").read_text())
        validate_result(result)
        assert as_expected(result, verdict), (student, [t["status"] for t in result["tests"]])
        assert result["score"] == 0, student
        assert result["status"] == statuses[student], (student, result["status"])
        assert result["sandbox"] == tier, student
    if "judge_error" in expected.values():
        assert proc.returncode == 3 and "judge error" in proc.stdout + proc.stderr
    assert elapsed < len(expected) * BUDGET_S
    assert not (left := left_alive(RUN_TAG)), f"processes left alive: {left}"


def test_every_guarantee_of_the_threat_model_names_tests_that_exist():
    """ARCHITECTURE.md's "What both tiers guarantee" table: every row names at least one test, and every test file,
    test function and hostile submission it names exists."""
    import re

    arch = (ROOT.parent.parent.parent / "ARCHITECTURE.md").read_text()
    table = arch.split("What both tiers guarantee", 1)[1].split("What only `bwrap` protects against", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| guarantee")]
    assert len(rows) >= 12
    repo = ROOT.parent.parent.parent
    for row in rows:
        cited = row.rsplit("|", 2)[1]
        names = re.findall(r"`([^`]+)`", cited)
        assert names, row
        current = None
        for name in names:
            path, _, function = name.partition("::")
            if path.endswith("*"):  # a family of hostile submissions
                assert list(SUBMISSIONS.glob(f"{path}.py")), name
                continue
            if path.endswith(".py") and "/" in path:
                current = repo / path
                assert current.is_file(), name
            elif path.endswith(".py"):
                assert (SUBMISSIONS / path).is_file() or (HERE / path).is_file(), name
                continue
            else:
                function = path  # a further function of the file named before it
            if function:
                assert current is not None and f"def {function}(" in current.read_text(), name
