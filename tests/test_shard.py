"""`judge grade --shard K/N` in separate processes, joined by `judge merge`, equals a single run; merging refuses
shards graded with different tests, and an incomplete set of shards."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from classroom import CRASH_AT_IMPORT, PROBE_FLOAT, PROBE_REFERENCE, PROBE_STARTER, make_class, probe_root
from helpers import REPO, judge

from judge.engine.problems import ProblemError
from judge.grading.grade import in_shard, parse_shard

pytestmark = pytest.mark.slow

WEAK = "--allow-weak-sandbox"
STUDENTS = {f"s{i}": src for i, src in enumerate(
    [PROBE_REFERENCE, PROBE_FLOAT, PROBE_STARTER, None, CRASH_AT_IMPORT, PROBE_REFERENCE, PROBE_FLOAT])}


def test_shares_are_deterministic_and_cover_every_pair():
    pairs = [(f"s{i}", p) for i in range(200) for p in ("a", "b", "c")]
    shares = [[x for x in pairs if in_shard(*x, (k, 3))] for k in (1, 2, 3)]
    assert sorted(sum(shares, [])) == sorted(pairs)
    assert all(150 < len(s) < 250 for s in shares)  # about 200 each
    assert shares[0] == [x for x in pairs if in_shard(*x, (1, 3))]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shard_is_refused(text):
    with pytest.raises(ProblemError, match="expected K/N"):
        parse_shard(text)


def test_merged_shards_equal_a_single_run(tmp_path):
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", STUDENTS)
    env = dict(os.environ, JUDGE_ROOT=str(root))
    shard_outs = [tmp_path / f"shard{k}" for k in (1, 2)]
    procs = [subprocess.Popen([sys.executable, "-m", "judge", "grade", str(subs), "--out", str(out), "--shard",
                               f"{k}/2", "--jobs", "1", "-q", WEAK], cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for k, out in zip((1, 2), shard_outs, strict=True)]
    graded = 0
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr
        graded += int(stdout.split("graded ")[1].split(" ")[0])
    assert graded == len(STUDENTS)
    single = tmp_path / "single"
    assert judge("grade", str(subs), "--out", str(single), "-q", WEAK, root=root).returncode == 0
    merged = tmp_path / "merged"
    proc = judge("merge", str(merged), *map(str, shard_outs), root=root)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(STUDENTS)} pairs of {len(STUDENTS)} students" in proc.stdout
    assert (merged / "grades.csv").read_text() == (single / "grades.csv").read_text()
    for student in STUDENTS:
        assert (merged / "feedback" / f"{student}.md").read_text() == (single / "feedback" / f"{student}.md"
                                                                      ).read_text()
    assert 'id="students"' in (merged / "report.html").read_text()

    incomplete = judge("merge", str(tmp_path / "m2"), str(shard_outs[0]), root=root)
    assert incomplete.returncode == 2 and "shard(s) 2/2 missing" in incomplete.stderr

    hidden = root / "problems" / "probe" / "tests_hidden.py"
    hidden.write_text(hidden.read_text() + "\n# the tests changed\n")
    regraded = tmp_path / "shard2b"
    assert judge("grade", str(subs), "--out", str(regraded), "--shard", "2/2", "-q", WEAK,
                 root=root).returncode == 0
    mixed = judge("merge", str(tmp_path / "m3"), str(shard_outs[0]), str(regraded), root=root)
    assert mixed.returncode == 2 and "different tests" in mixed.stderr, mixed.stderr
    assert len(mixed.stderr.strip().splitlines()) == 1


def test_overrides_survive_reshard_and_remerge(tmp_path):
    """The README's order: grade shards, merge, override on the merged folder, grade the shards again, merge
    again. The override stays (the merged folder's own, and the course's overrides file, which a merge into a
    new folder applies too), with who, when and why."""
    import csv

    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"s0": PROBE_REFERENCE, "s1": PROBE_FLOAT, "s2": PROBE_STARTER})
    (tmp_path / "roster.csv").write_text("id,name,email,canvas_id\ns0,A A,a@x.org,1\ns1,B B,b@x.org,2\n"
                                         "s2,C C,c@x.org,3\n")
    course = tmp_path / "course.toml"
    course.write_text('roster = "roster.csv"\noverrides = "overrides.csv"\n[[assignments]]\nid = "m"\n'
                      'points = 10\nproblems = { probe = 1 }\n')
    shards = [tmp_path / f"shard{k}" for k in (1, 2)]

    def run_shards(*extra: str) -> None:
        for k, out in zip((1, 2), shards, strict=True):
            proc = judge("grade", str(subs), "--out", str(out), "--shard", f"{k}/2", "--course", str(course), "-q",
                         WEAK, "--jobs", "1", *extra, root=root)
            assert proc.returncode == 0, proc.stderr

    def score_of(out, student: str) -> tuple[str, str]:
        grades = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
        canvas = {r[1]: r[-1] for r in csv.reader((out / "canvas.csv").open())}
        return grades[student]["probe"], canvas[{"s0": "1", "s1": "2", "s2": "3"}[student]]

    run_shards()
    merged = tmp_path / "merged"
    assert judge("merge", str(merged), *map(str, shards), root=root).returncode == 0
    before = score_of(merged, "s1")
    proc = judge("override", "s1", "probe", "2", "--reason", "regrade request #4", "--out", str(merged), root=root)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader((tmp_path / "overrides.csv").open()))
    assert [(r["student"], r["problem"], r["score"], r["reason"]) for r in rows] == [
        ("s1", "probe", "2", "regrade request #4")] and rows[0]["set_by"] and rows[0]["set_at"]
    run_shards("--regrade")
    proc = judge("merge", str(merged), *map(str, shards), root=root)
    assert proc.returncode == 0 and "1 override(s)" in proc.stdout, proc.stdout + proc.stderr
    assert score_of(merged, "s1")[0] == "2" and score_of(merged, "s1") != before
    fresh = tmp_path / "fresh"
    assert judge("merge", str(fresh), *map(str, shards), root=root).returncode == 0
    assert score_of(fresh, "s1") == score_of(merged, "s1")
    assert "regrade request #4" in (fresh / "feedback" / "s1.md").read_text()
    (tmp_path / "overrides.csv").unlink()  # without the file, the merged folder's own overrides still survive
    course.write_text(course.read_text().replace('overrides = "overrides.csv"\n', ""))
    run_shards()
    assert judge("merge", str(merged), *map(str, shards), root=root).returncode == 0
    assert score_of(merged, "s1")[0] == "2"


def test_a_shards_own_outputs_say_they_are_a_shard(tmp_path):
    """A shard's grades.csv used to show judge_error for every pair of the other shards; now those cells say
    other_shard, SHARD.txt says what the folder is, and nothing an LMS would import is written."""
    import csv
    import shutil

    root = probe_root(tmp_path)
    shutil.copytree(root / "problems" / "probe", root / "problems" / "probe2")
    toml = root / "problems" / "probe2" / "problem.toml"
    toml.write_text(toml.read_text().replace('id = "probe"', 'id = "probe2"').replace("order = 1", "order = 2"))
    students = [f"s{i}" for i in range(4)]
    subs = make_class(tmp_path / "class", dict.fromkeys(students, PROBE_REFERENCE))
    make_class(subs, dict.fromkeys(students, PROBE_REFERENCE), problem="probe2")
    (tmp_path / "roster.csv").write_text("id,email,canvas_id\n" + "".join(f"{s},{s}@x.org,{s[1]}\n" for s in students))
    (tmp_path / "course.toml").write_text('roster = "roster.csv"\n[[assignments]]\nid = "m"\n'
                                          'problems = { probe = 1, probe2 = 1 }\n')
    out = tmp_path / "shard1"
    proc = judge("grade", str(subs), "--out", str(out), "--shard", "1/2", "--course", str(tmp_path / "course.toml"),
                 "-q", WEAK, "--jobs", "1", root=root)
    assert proc.returncode == 0, proc.stderr
    rows = {r["student"]: r for r in csv.DictReader((out / "grades.csv").open())}
    cells = {(s, p): rows[s][p] for s in rows for p in ("probe", "probe2")}
    expected = {(s, p): "3" if in_shard(s, p, (1, 2)) else "other_shard" for s in rows for p in ("probe", "probe2")}
    assert cells == expected and "other_shard" in cells.values() and "3" in cells.values()
    assert "judge_error" not in (out / "grades.csv").read_text()
    assert "shard 1 of 2" in (out / "SHARD.txt").read_text()
    assert "shard 1 of 2: partial" in (out / "report.html").read_text()
    assert not (out / "canvas.csv").exists() and not (out / "moodle.csv").exists()
