"""Class folders (issue 11, class 8): students whose ``redteam.py`` is a symbolic link to an honest student's file
or (misnamed, as ``Redteam.py``) to the reference solution, a hard link to the reference, a fifo (which would
block a reader forever), or a linked folder, graded together with the honest student in one grading process
under every tier. No link is followed and no special file opened: each is refused with its reason (ignored.txt
and grading.log), the pair is ``missing`` with 0 points, the honest student keeps full marks, and the run does
not hang."""

from __future__ import annotations

import json
import os

import pytest
from helpers import judge
from test_redteam import ROOT, RUN_TAG, TIERS

pytestmark = [pytest.mark.slow, pytest.mark.container_tier]

REFERENCE = ROOT / "solutions" / "redteam" / "reference.py"
REASONS = {"link_to_student/redteam.py": "refused: a symbolic link",
           "link_to_reference/Redteam.py": "refused: a symbolic link",
           "hard_link/redteam.py": "refused: a hard link",
           "fifo/redteam.py": "refused: a special file",
           "linked_folder/src": "refused: a symbolic link"}


@pytest.mark.parametrize("tier", ["bwrap", "container", "process"])
def test_links_and_special_files_in_a_class_folder_earn_nothing(tier, tmp_path):
    if tier not in TIERS:
        pytest.skip(f"sandbox tier {tier} is not available on this machine")
    klass = tmp_path / "class"
    for student in ("honest", *(key.split("/")[0] for key in REASONS)):
        (klass / student).mkdir(parents=True)
    (klass / "honest" / "redteam.py").write_bytes(REFERENCE.read_bytes())
    (klass / "link_to_student" / "redteam.py").symlink_to(klass / "honest" / "redteam.py")
    (klass / "link_to_reference" / "Redteam.py").symlink_to(REFERENCE)
    hard_source = tmp_path / "copy_of_reference.py"  # a hard link needs the same file system as the class
    hard_source.write_bytes(REFERENCE.read_bytes())
    os.link(hard_source, klass / "hard_link" / "redteam.py")
    os.mkfifo(klass / "fifo" / "redteam.py")
    (klass / "linked_folder" / "src").symlink_to(klass / "honest", target_is_directory=True)
    out = tmp_path / "out"
    args = ["grade", str(klass), "--out", str(out), "--jobs", "1", "--quiet", "--sandbox", tier]
    if tier == "process":
        args.append("--allow-weak-sandbox")
    proc = judge(*args, root=ROOT, env={"JUDGE_RUN_TAG": RUN_TAG}, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    honest = json.loads((out / "results" / "honest" / "redteam.json").read_text())
    assert honest["score"] == honest["max_score"] == 3
    ignored = dict(line.split("\t") for line in (out / "ignored.txt").read_text().splitlines()[1:])
    log = (out / "grading.log").read_text()
    for path, reason in REASONS.items():
        student = path.split("/")[0]
        result = json.loads((out / "results" / student / "redteam.json").read_text())
        assert (result["status"], result["score"]) == ("missing", 0), student
        assert ignored[path].startswith(reason), (path, ignored.get(path))
        assert f"{path}: {reason}" in log
    pairs = (len(REASONS) + 1) * len(list((ROOT / "problems").glob("*/problem.toml")))  # every student, problem
    assert f"graded {pairs} of {pairs} pairs" in log
