"""The README is learner-first and true: its set-up makes the venv step impossible to miss, every command it shows
exists, and `make demo` says its one report is meant to fail without spoiling the first problem."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from helpers import REPO, judge

README = (REPO / "README.md").read_text()


def test_learners_come_first_and_internals_live_in_architecture_md():
    headings = re.findall(r"^## (.+)$", README, re.M)
    assert headings[:4] == ["Set up: two commands", "Learners: five commands", "Instructors", "Authors"]
    assert "ARCHITECTURE.md" in README and "| `judge/cli/` |" not in README
    arch = (REPO / "ARCHITECTURE.md").read_text()
    for heading in ("## Processes", "## The trust boundary", "## Time", "## Rooms", "## Sandbox and threat model"):
        assert heading in arch, heading
    assert "| `judge/isolated/` |" in arch and "`verdicts.py`" in arch


def test_setup_is_two_commands_with_the_activation_step():
    block = re.search(r"## Set up: two commands\n\n```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in block.splitlines()] == ["make demo", ". .venv/bin/activate"]
    assert "judge: command not found" in README.split("## Learners")[0]


@pytest.mark.slow
def test_every_judge_command_in_the_readme_exists():
    shown = set(re.findall(r"^judge (\w+)", README, re.M)) | set(re.findall(r"`judge (\w+)", README))
    assert {"list", "show", "start", "test", "submit", "next", "hint", "history", "grade", "validate"} <= shown
    for command in shown:
        assert judge(command, "--help").returncode == 0, command


def test_make_demo_says_its_report_is_meant_to_fail_and_spoils_nothing():
    bin_dir = sys.executable.rsplit("/", 1)[0]
    proc = subprocess.run(["make", "-s", "demo", f"BIN={bin_dir}", "STAMP=Makefile"], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0 and "Error" not in proc.stderr, proc.stderr
    assert "MEANT TO FAIL" in proc.stdout and "(That failure was expected.)" in proc.stdout
    assert "    . .venv/bin/activate" in proc.stdout
    for spoiler in ("solutions/", "reference", "(hidden)", "mutant", "tril"):
        assert spoiler not in proc.stdout, spoiler


NUMBER_WORDS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
COUNT = re.compile(r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")\s+(problems|tracks)\b", re.IGNORECASE)


def test_readme_counts_come_from_the_repository():
    """Every "N problems" and "N tracks" of README.md equals what problems/ holds: the problems, and the tracks
    of problems/tracks.toml that have at least one (a new problem or track that does not update the README fails)."""
    from judge.engine.problems import list_problems

    problems = list_problems(REPO)
    actual = {"problems": len(problems), "tracks": len({p.track.id for p in problems})}
    found = [(m.group(0), m.group(1).lower(), m.group(2).lower()) for m in COUNT.finditer(README)]
    assert {kind for _, _, kind in found} == {"problems", "tracks"}, found   # the README states both counts
    for phrase, number, kind in found:
        value = int(number) if number.isdigit() else NUMBER_WORDS[number]
        assert value == actual[kind], f"README.md says '{phrase}', but the repository has {actual[kind]} {kind}"
