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
