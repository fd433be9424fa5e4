"""Authoring: `judge new` starts a problem, `judge validate` finds every hole an author can leave.

Each test starts from a small complete problem (``add_one``) in a temporary repository, which validates, and
opens one hole in it. Also: the statement examples' comparison rules, which exception in test code is the test's
own fault (judge_error) and which is the learner's, and that only judge/engine/pytest_compat.py uses pytest internals.
"""

from __future__ import annotations

import re
import shutil
import traceback
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, judge, judge_json

from judge.authoring.examples import Example, output_matches, parse_examples
from judge.authoring.scaffold import write_learning_path
from judge.authoring.validate import REQUIRED_SECTIONS
from judge.engine.plugin import fault_of_test

TRACKS = '''[[tracks]]
id = "basics"
title = "Basics"
description = """
Small problems for the judge's own authoring tests."""
'''

PROBLEM_TOML = '''id = "add_one"
title = "Add one"
track = "basics"
order = 101
difficulty = "easy"
entry_points = ["add_one"]
time_limit_s = 2.0
memory_limit_mb = 1024
hidden_feedback = "summary"
prerequisites = []

[[references]]
title = "numpy.add"
'''

STATEMENT = '''# Add one

## Why it matters
Nothing at all; it is the smallest problem the judge's own tests can write, and it needs a couple of sentences
to look like a statement.

## Contract
`add_one(x)` returns `x + 1` for a 1-d int64 array, as int64; any other number of dimensions raises
`ValueError` naming `x`.

## Conventions (all problems)
- Inputs are never mutated.

## Examples
```python
>>> add_one(np.array([1, 2, 3]))
array([2, 3, 4])
>>> add_one(np.zeros((2, 2), dtype=np.int64))
ValueError: x must be 1-d, got ndim=2
```

## Hints
- NumPy adds elementwise.

## References
- `numpy.add`.
'''

STARTER = '''"""Add one."""

import numpy as np


def add_one(x: np.ndarray) -> np.ndarray:
    """x + 1."""
    raise NotImplementedError
'''

PUBLIC = '''import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_example(sol):
    """The statement's example."""
    expect_array(sol.add_one(np.array([1, 2, 3])), np.array([2, 3, 4]), name="add_one([1, 2, 3])")
'''

HIDDEN = '''import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_values(sol):
    """Every element plus one."""
    x = np.arange(-5, 5)
    expect_array(sol.add_one(x), x + 1, name="add_one(x)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_two_dimensions_raise(sol):
    """A 2-d x raises ValueError."""
    expect_raises(ValueError, sol.add_one, np.zeros((2, 2), dtype=np.int64), match="x")
'''

REFERENCE = '''import numpy as np


def add_one(x):
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-d, got ndim={x.ndim}")
    return x + 1
'''

MUTANTS = {
    "add_two.py": REFERENCE.replace("x + 1", "x + 2"),
    "float_result.py": REFERENCE.replace("x + 1", "x + 1.0"),
    "no_check.py": "import numpy as np\n\n\ndef add_one(x):\n    return np.asarray(x) + 1\n",
}


def _write_problem(root: Path) -> None:
    folder, sol = root / "problems" / "add_one", root / "solutions" / "add_one"
    (sol / "mutants").mkdir(parents=True)
    folder.mkdir(parents=True)
    for name, text in {"problem.toml": PROBLEM_TOML, "README.md": STATEMENT, "starter.py": STARTER,
                       "tests_public.py": PUBLIC, "tests_hidden.py": HIDDEN}.items():
        (folder / name).write_text(text)
    (sol / "reference.py").write_text(REFERENCE)
    for name, text in MUTANTS.items():
        (sol / "mutants" / name).write_text(text)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository holding one complete, valid problem and a generated learning path."""
    root = tmp_path / "repo"
    (root / "problems").mkdir(parents=True)
    (root / "problems" / "tracks.toml").write_text(TRACKS)
    (root / "problems" / "README.md").write_text("# The learning path\n")
    _write_problem(root)
    write_learning_path(root)
    return root


def _validate(root: Path, pid: str = "add_one") -> tuple[int, dict]:
    code, report = judge_json("validate", pid, root=root)
    return code, report[0]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


@pytest.mark.slow
def test_a_hidden_id_or_summary_that_shows_an_input_fails_validation(repo):
    """Under hidden_feedback = "summary", judge validate fails a hidden test whose id shows its parameters and a
    hidden test whose summary message shows a value (judge/authoring/privacy.py), and passes them under "full"."""
    hidden = repo / "problems" / "add_one" / "tests_hidden.py"
    hidden.write_text(HIDDEN.replace("from judge.checkers import expect_array, expect_raises",
                                     "from judge.checkers import CheckFailure, expect_array, expect_raises") + '''

@pytest.mark.points(1)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n", [7, 9])
def test_lengths(sol, n):
    """Lengths n."""
    got = sol.add_one(np.arange(n))
    if not np.array_equal(got, np.arange(n) + 1):
        raise CheckFailure(f"wrong values: add_one(arange({n})) is off", detail="the whole array")
''')
    code, report = _validate(repo)
    assert code == 1
    errors = [e for e in report["errors"] if "tests_hidden.py: test_lengths" in e]
    assert sorted(e.split(": ")[1] for e in errors if "id shows its inputs" in e) == \
        ["test_lengths[7]", "test_lengths[9]"]
    leaks = [e for e in errors if "summary message shows an input" in e]
    assert leaks and all("'e(arange(" in e for e in leaks)
    assert not [e for e in report["errors"] if "tests_hidden.py" in e and "test_lengths" not in e]
    _edit(repo / "problems" / "add_one" / "problem.toml", 'hidden_feedback = "summary"', 'hidden_feedback = "full"')
    code, report = _validate(repo)
    assert code == 0, report["errors"]


@pytest.mark.slow
def test_mutants_of_a_large_reference_must_follow_its_fixes(repo):
    """A mutant of a reference of 60+ lines may differ from it in at most 12 lines: mutants copied from the
    reference and changed in one place validate; after a fix to the reference the mutants did not get, they fail
    judge validate (judge/authoring/mutants.py), each named."""
    sol = repo / "solutions" / "add_one"
    padding = "".join(f"\n\ndef helper_{i}():\n    return {i}\n" for i in range(20))
    reference = REFERENCE + padding
    mutants = {"add_two.py": reference.replace("x + 1", "x + 2"),
               "float_result.py": reference.replace("x + 1", "x + 1.0"),
               "no_check.py": reference.replace('    if x.ndim != 1:\n        raise ValueError(f"x must be 1-d, got '
                                                'ndim={x.ndim}")\n', "")}
    (sol / "reference.py").write_text(reference)
    for name, text in mutants.items():
        assert text != reference
        (sol / "mutants" / name).write_text(text)
    code, report = _validate(repo)
    assert code == 0, report["errors"]
    fixed = reference
    for i in range(7):  # a fix of seven lines the mutants never got
        fixed = fixed.replace(f"    return {i}\n", f"    return {i} + 0\n")
    (sol / "reference.py").write_text(fixed)
    code, report = _validate(repo)
    drift = sorted(e.split(": ")[0].rsplit("/", 1)[1] for e in report["errors"] if "differs from reference.py" in e)
    assert code == 1 and drift == sorted(mutants), report["errors"]


@pytest.mark.slow
def test_complete_problem_validates_and_skeleton_fails_only_on_todos(repo):
    """The synthetic problem is valid; `judge new` makes one whose only errors are the author's holes, each
    saying what to write, and every file it writes has at least one."""
    code, report = _validate(repo)
    assert code == 0, report["errors"]
    assert report["mutants_caught"] == 3 and report["reference"] == "3/3" and report["starter"] == "0/3"
    proc = judge("new", "scale", "--track", "basics", root=repo)
    assert proc.returncode == 0, proc.stderr
    code, report = _validate(repo, "scale")
    assert code == 1
    holes = [e for e in report["errors"] if "TODO(author): " in e]
    others = [e for e in report["errors"] if e not in holes]
    assert len(others) == 1 and "0 mutants, at least 3 required" in others[0]
    where = {Path(e.split(":", 1)[0]).name for e in holes}
    assert where == {"problem.toml", "README.md", "starter.py", "tests_public.py", "tests_hidden.py",
                     "reference.py"}
    assert all(len(e.split("TODO(author): ", 1)[1]) > 10 for e in holes)  # says what to write
    toml = (repo / "problems" / "scale" / "problem.toml").read_text()
    assert 'order = 102' in toml  # the first free order after the track's last problem
    assert "[scale](scale/)" in (repo / "problems" / "README.md").read_text()
    again = judge("new", "scale", "--track", "basics", root=repo)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = judge("new", "other", "--track", "nope", root=repo)
    assert bad.returncode == 2 and "tracks.toml" in bad.stderr


def test_duplicate_order_is_rejected(repo):
    """Two problems with one `order`: the later one named, a free order proposed."""
    shutil.copytree(repo / "problems" / "add_one", repo / "problems" / "add_two")
    _edit(repo / "problems" / "add_two" / "problem.toml", 'id = "add_one"', 'id = "add_two"')
    code, report = _validate(repo)
    assert code == 1
    assert any("order 101 is also the order of 'add_two'" in e and "e.g. 102" in e for e in report["errors"])


def test_mutant_that_does_not_load_is_an_authoring_error(repo):
    """A mutant with a syntax error (or a forbidden import) is not 'caught': it is reported as not loading."""
    mutants = repo / "solutions" / "add_one" / "mutants"
    (mutants / "syntax.py").write_text("def add_one(x):\n    return x +\n")
    (mutants / "forbidden.py").write_text("import subprocess\n\n\ndef add_one(x):\n    return x\n")
    (mutants / "misnamed.py").write_text("def add_1(x):\n    return x\n")
    code, report = _validate(repo)
    assert code == 1 and report["mutants_caught"] == 3
    assert sorted(report["escaped"]) == ["forbidden.py", "misnamed.py", "syntax.py"]
    loading = [e for e in report["errors"] if "the mutant does not load" in e]
    assert len(loading) == 3 and [e for e in report["errors"] if "catches" in e] == []
    assert any("invalid" in e for e in loading) and any("forbidden" in e for e in loading)
    assert any("missing" in e for e in loading)


@pytest.mark.parametrize("section", REQUIRED_SECTIONS)
def test_statement_without_a_required_section_fails(repo, section):
    """Every section AUTHORING.md requires, e.g. `## Contract`, must be in the statement."""
    statement = repo / "problems" / "add_one" / "README.md"
    text = statement.read_text()
    heading = next(line for line in text.splitlines() if line.startswith(section))
    statement.write_text(text.replace(heading + "\n", "Some text.\n"))
    code, report = _validate(repo)
    assert code == 1 and any(f"no '{section}' section" in e for e in report["errors"])


def test_authoring_guide_names_the_required_sections():
    """problems/AUTHORING.md lists exactly the sections judge validate requires."""
    guide = (REPO / "problems" / "AUTHORING.md").read_text()
    named = re.findall(r"`(## [^`]+)`", guide.split("## Statement (README.md)", 1)[1])
    assert tuple(named) == REQUIRED_SECTIONS


def test_test_without_docstring_fails(repo):
    """A test with no docstring (the line a summary failure shows) is reported with its file and line."""
    _edit(repo / "problems" / "add_one" / "tests_hidden.py", '    """Every element plus one."""\n', "")
    code, report = _validate(repo)
    assert code == 1 and any("tests_hidden.py:9: test_values has no docstring" in e for e in report["errors"])


@pytest.mark.slow
def test_name_error_in_a_hidden_test_is_a_judge_error(repo, tmp_path):
    """A NameError in test code is the judge's fault: judge_error for the student (not 'failed' and a 0 that
    looks like theirs), and a clear error naming the test for the author."""
    _edit(repo / "problems" / "add_one" / "tests_hidden.py", "x + 1, name", "x + one, name")
    code, report = _validate(repo)
    assert code == 1
    assert any("test_values" in e and "NameError at tests_hidden.py:12" in e and "fix the test" in e
               for e in report["errors"])
    code, result = judge_json("submit", "add_one", str(repo / "solutions" / "add_one" / "reference.py"),
                              "--db", str(tmp_path / "h.db"), root=repo)
    status = {t["name"]: (t["status"], t["message"]) for t in result["tests"]}
    assert status["test_values"][0] == "judge_error"
    assert "not your code's" in status["test_values"][1] and "one" not in status["test_values"][1].split("(")[1]
    assert status["test_two_dimensions_raise"][0] == "passed"


@pytest.mark.slow
def test_statement_examples_must_match_the_reference(repo):
    """A statement example whose shown output differs from what the reference prints fails validation."""
    statement = repo / "problems" / "add_one" / "README.md"
    _edit(statement, "array([2, 3, 4])", "array([2, 3, 5])")
    _edit(statement, "got ndim=2", "got ndim=3")
    code, report = _validate(repo)
    bad = [e for e in report["errors"] if "the reference prints" in e]
    assert code == 1 and len(bad) == 2 and "README.md:16" in bad[0] and "README.md:18" in bad[1]


@pytest.mark.slow
def test_learning_path_out_of_sync_fails_and_new_sync_rewrites_it(repo):
    """problems/README.md's learning path follows problem.toml; `judge new --sync` rewrites it."""
    _edit(repo / "problems" / "add_one" / "problem.toml", 'difficulty = "easy"', 'difficulty = "hard"')
    _edit(repo / "problems" / "add_one" / "README.md", "Nothing at all", "Nothing")  # no other change
    code, report = _validate(repo)
    assert code == 1 and any("learning path of track 'basics' is out of date" in e for e in report["errors"])
    assert judge("new", "--sync", root=repo).returncode == 0
    assert "Add one (hard)" in (repo / "problems" / "README.md").read_text()
    code, report = _validate(repo)
    assert code == 0, report["errors"]


def test_repository_learning_path_is_generated():
    """The repository's problems/README.md holds exactly the learning path its tracks and problems give."""
    from judge.authoring.scaffold import render_learning_path

    assert render_learning_path(REPO) in (REPO / "problems" / "README.md").read_text()


# The examples' comparison rules (judge/authoring/examples.py; problems/AUTHORING.md "Examples are executed").

def _one(text: str) -> Example:
    (example,) = parse_examples(f"```python\n{text}\n```\n")
    return example


def test_examples_parse_continuations_comments_and_blank_lines():
    """`...` continues a source line; a trailing comment is not output; a blank line inside a 3-d array is."""
    text = ("```python\n>>> f(1,\n...   2)   # the call\narray([[[1]],\n\n       [[2]]])     # two blocks\n"
            ">>> # just a comment\n>>> g()\n3\n```\nprose 4\n>>> outside()\n")
    examples = parse_examples(text)
    assert [e.source for e in examples] == ["f(1,\n  2)   # the call", "# just a comment", "g()"]
    assert examples[0].want == "array([[[1]],\n\n       [[2]]])" and examples[1].want == "" and examples[2].want == "3"


@pytest.mark.parametrize(("want", "got", "ok"), [
    ("array([[ 0.244728, -0.334759]])", "array([[ 0.24472847, -0.33475904]])\n", True),  # to the digits written
    ("array([[ 0.244728, -0.334759]])", "array([[ 0.24472847, -0.33485904]])\n", False),
    ("0.2953041455249656", "0.2953041455249656\n", True),
    ("0.2953041455249656", "0.2953041455249657\n", True),  # one unit in the last place (NumPy versions)
    ("0.2953041455249656", "0.2953041455249756\n", False),
    ("array([1, 2,\n       3])", "array([1, 2, 3])\n", True),  # whitespace
    ("array([  100, ...,   124])", "array([100, 101, 102, 124])\n", True),  # ellipsis
    ("array([  100, ...,   125])", "array([100, 101, 102, 124])\n", False),
    ("ValueError: x must be 1-d", "ValueError: x must be 1-d\n", True),
    ("ValueError: x must be 1-d", "TypeError: x must be 1-d\n", False),
    ("(0.0, True)", "(0.0, False)\n", False),
    ("array([1, 2])", "array([1, 2], dtype=int32)\n", False),
])
def test_example_output_comparison(want, got, ok):
    """NORMALIZE_WHITESPACE, ELLIPSIS and NUMBER (floats to the precision written), nothing looser."""
    assert output_matches(_one(f">>> f()\n{want}"), got) is ok


def test_illustrative_example_compares_form_only():
    """'for example' outputs (random draws) match any numbers in the same form, nothing else."""
    example = _one(">>> f(rng=rng)         # for example\narray([3, 7])")
    assert example.illustrative
    assert output_matches(example, "array([2, 5])\n")
    assert not output_matches(example, "array([2, 5, 6])\n")
    assert not output_matches(example, "(array([2]), array([5]))\n")


# Which exception in test code is the test's own fault (judge_error) and which the learner's (failed).

def _raised(code: str, filename: str = "/p/tests_hidden.py", **env) -> BaseException:
    try:
        exec(compile(code, filename, "exec"), {"np": np, **env})
    except Exception as exc:
        return exc
    raise AssertionError("no exception")


def _sig(a, *, rtol):
    return a


@pytest.mark.parametrize(("code", "env", "fault"), [
    ("undefined_name + 1", {}, "NameError at tests_hidden.py:1"),
    ("import not_a_module_anywhere", {}, "ModuleNotFoundError at tests_hidden.py:1"),
    ("x = 1\nnp.fnord(x)", {}, "AttributeError at tests_hidden.py:2"),
    ("check(1, 2)", {"check": _sig}, "TypeError at tests_hidden.py:1"),  # a test calling a helper wrongly
    ("result.shape", {"result": [1, 2]}, None),  # the learner returned a list
    ("result[0, 0]", {"result": np.zeros(3)}, None),  # a wrong-shaped learner array
    ("float(result)", {"result": "x"}, None),
    ("len(result)", {"result": 3}, None),
    ("result + 'a'", {"result": np.zeros(2)}, None),
])
def test_test_fault_separates_test_bugs_from_learner_values(code, env, fault):
    """NameError, ImportError, AttributeError on a module and a wrong call are the test's; an exception while
    the test uses the learner's value is the learner's."""
    assert fault_of_test(_raised(code, **env), "/p/tests_hidden.py") == fault


def test_test_fault_ignores_a_type_error_raised_outside_the_test_file():
    """A wrong call inside a library the test uses (NumPy, on the learner's value) is not the test's fault."""
    exc = _raised("np.reshape(result, 'x')", result=np.zeros(2))
    assert isinstance(exc, TypeError) and fault_of_test(exc, "/p/tests_hidden.py") is None
    assert traceback.extract_tb(exc.__traceback__)[-1].filename != "/p/tests_hidden.py"


@pytest.mark.parametrize("file,line,cited", [
    ("README.md", "- See problem 501 before this one.", "'problem 501' cites a problem by number"),
    ("README.md", "- Problems 701-702 show the same bug.", "'Problems 701-702' cites a problem by number"),
    ("README.md", "- As in problem `no_such_problem`.", "cites problem 'no_such_problem', which is not a problem id"),
    ("README.md", "- As in [the mask](../gone_problem/).", "cites problem 'gone_problem', which is not a problem id"),
    ("starter.py", "# the loss of problem 505", "'problem 505' cites a problem by number"),
])
def test_citing_a_problem_by_number_or_unknown_id_fails(repo, file, line, cited):
    """A statement or starter naming a problem by number, or by an id no problem has, fails with file and line."""
    path = repo / "problems" / "add_one" / file
    lines = path.read_text().splitlines()
    at = lines.index("- NumPy adds elementwise.") + 1 if file == "README.md" else 1
    path.write_text("\n".join(lines[:at] + [line] + lines[at:]) + "\n")
    code, report = _validate(repo)
    errors = [e for e in report["errors"] if cited in e]
    assert code == 1 and len(errors) == 1, report["errors"]
    assert errors[0].startswith(f"{path}:{at + 1}: ") and "`judge list`" in errors[0]


def test_citing_problems_by_id_and_other_numbers_pass(repo):
    """Known ids (backticks or a link), positions, token ids and decimals such as 709.78 are not flagged."""
    _edit(repo / "problems" / "add_one" / "README.md", "- NumPy adds elementwise.",
          "- NumPy adds elementwise; as in problem `add_one` and [add_one](../add_one/), position 501 of token "
          "709.78.\n- A problem 2x harder is not a citation.")
    code, report = _validate(repo)
    assert code == 0, report["errors"]
