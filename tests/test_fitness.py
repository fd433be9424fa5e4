"""Fitness tests: the rules of the judge's shape, each checked on the real package and shown to fail on a
deliberate violation.

- Rooms: every folder of ``judge/`` is a verdict room (its code can change a grade; part of the judge version)
  or a presentation room (``judge.VERDICT_ROOMS`` / ``judge.PRESENTATION_ROOMS``); the package root holds only
  the version and the entry points.
- Layering: a room imports only rooms of lower layers (:data:`LAYERS`); no import circle among modules.
- The trust boundary: ``judge/isolated/`` imports nothing else of the judge and is the only folder bound into a
  sandbox.
- The regrade rule: editing a presentation room leaves the judge version alone; editing, adding or removing any
  file of a verdict room changes it.
- Vocabulary: no module spells a verdict as a string literal, and only ``judge/engine/verdicts.py`` decides one
  (everywhere else a verdict is only compared).
- Tier names compared only in judge/sandbox/ (SandboxSpec says what a tier implies).
- A class run's settings (the gradebook's meta keys) only in judge/grading/class_run.py.
- The score policy (overrides, judge errors, late factors, totals) only in judge/grading/scores.py.
- Wiring: nobody assigns attributes of a plugin, executor or proxy they hold.
- SQL only in the storage classes (:data:`STORAGE`); pytest internals only in ``judge/engine/pytest_compat.py``;
  problem files by their declared roles.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

import judge
from judge.engine.verdicts import ResultStatus, Verdict
from judge.sandbox import launch

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "judge"
ISOLATED = Path(launch.ISOLATED_DIR)

# Which room may import which: a module imports its own room and rooms of lower layers only (a room's layer is
# its index here). ``judge`` is the package root (the version), ``entry`` its entry points.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("judge", "isolated"),  # isolated/ is further held to itself (test below)
    ("sandbox", "checkers"),
    ("engine",),
    ("feedback",),
    ("authoring", "grading"),
    ("cli",),
    ("entry",),
)
ROOT_MODULES = {"__init__.py", "__main__.py", "entry.py"}
# The one import upward: the package root names the notebook's entry points (judge.ENTRY_POINTS: judge.test,
# judge.submit, %load_ext judge) and loads judge.entry for them on first use, in its PEP 562 __getattr__ only
# (test_the_root_reaches_the_entry_points_only_through_getattr keeps it that narrow).
ROOT_ENTRY_EDGE = ("judge", "judge.entry")


def without_root_entry_edge(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {module: targets - {ROOT_ENTRY_EDGE[1]} if module == ROOT_ENTRY_EDGE[0] else targets
            for module, targets in graph.items()}


# --- the import graph --------------------------------------------------------------------------------------------

def module_name(path: Path, base: Path = REPO) -> str:
    parts = path.relative_to(base).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str], base: Path = REPO) -> set[str]:
    """The judge modules ``path`` imports anywhere in its body (top level or inside functions), resolving
    relative imports and ``from judge import x`` where ``x`` is a module."""
    name = module_name(path, base)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base_name = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base_name = ".".join([*anchor, base_name] if base_name else anchor)
            targets = [base_name] + [f"{base_name}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # judge.grading.release.x -> judge.grading.release
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    base = package.parent
    files = [p for p in package.rglob("*.py") if "__pycache__" not in p.parts]
    modules = {module_name(p, base) for p in files}
    return {module_name(p, base): imports_of(p, modules, base) for p in files}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle (a list of modules, first == last), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def room_of(module: str) -> str:
    """``judge.engine.runner`` -> ``engine``; ``judge`` -> ``judge``; ``judge.entry``/``judge.__main__`` ->
    ``entry``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "judge"
    return "entry" if parts[1] in ("entry", "__main__") else parts[1]


def layer_of(room: str) -> int:
    return next(i for i, rooms in enumerate(LAYERS) if room in rooms)


def layering_violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a module in another room that is not in a lower layer (upward or sideways)."""
    bad = []
    for module, targets in sorted(without_root_entry_edge(graph).items()):
        for target in sorted(targets):
            src, dst = room_of(module), room_of(target)
            if src != dst and layer_of(dst) >= layer_of(src):
                bad.append(f"{module} ({src}) imports {target} ({dst})")
    return bad


def room_violations(package: Path = PACKAGE) -> list[str]:
    """Folders that are no room or both kinds, rooms that do not exist, modules at the package root besides the
    version and the entry points."""
    verdict, presentation = set(judge.VERDICT_ROOMS), set(judge.PRESENTATION_ROOMS)
    folders = {p.name for p in package.iterdir() if p.is_dir() and p.name != "__pycache__"}
    bad = [f"judge/{f}/ is in neither judge.VERDICT_ROOMS nor judge.PRESENTATION_ROOMS"
           for f in sorted(folders - verdict - presentation)]
    bad += [f"judge/{f}/ is both a verdict and a presentation room" for f in sorted(verdict & presentation)]
    bad += [f"room {f} has no folder" for f in sorted((verdict | presentation) - folders)]
    bad += [f"judge/{p.name} at the package root: move it into a room" for p in sorted(package.glob("*.py"))
            if p.name not in ROOT_MODULES]
    return bad


def test_every_folder_is_a_room_and_the_root_holds_only_the_entry_points():
    assert room_violations() == []
    layered = {room for rooms in LAYERS for room in rooms}
    assert set(judge.VERDICT_ROOMS) - {"schemas"} | set(judge.PRESENTATION_ROOMS) <= layered


def test_the_room_check_sees_a_stray_folder_and_a_module_at_the_root(tmp_path):
    copy = tmp_path / "judge"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "reports").mkdir()
    (copy / "helpers.py").write_text("")
    assert room_violations(copy) == ["judge/reports/ is in neither judge.VERDICT_ROOMS nor judge.PRESENTATION_ROOMS",
                                     "judge/helpers.py at the package root: move it into a room"]


def architecture_rooms(text: str) -> dict[str, bool]:
    """The room table of ARCHITECTURE.md: room -> whether it says the room decides grades."""
    rows = re.findall(r"^\| `judge/(\w+)/` \| (yes|no) \|", text, re.M)
    return {room: said == "yes" for room, said in rows}


def test_architecture_lists_every_room_and_which_decide_grades():
    rooms = architecture_rooms((REPO / "ARCHITECTURE.md").read_text())
    assert rooms == {r: r in judge.VERDICT_ROOMS for r in (*judge.VERDICT_ROOMS, *judge.PRESENTATION_ROOMS)}
    drifted = (REPO / "ARCHITECTURE.md").read_text().replace("| `judge/grading/` | no |", "| `judge/grading/` | yes |")
    assert architecture_rooms(drifted)["grading"] is True


def test_the_graph_sees_real_imports():
    """The walk finds the imports it must (so an empty graph cannot pass for an acyclic or layered one)."""
    graph = import_graph()
    assert "judge.cli.common" in graph["judge.cli.main"]
    assert "judge.grading.release" in graph["judge.cli.main"]
    assert "judge.grading.gradebook" in graph["judge.grading.html_report"]  # a relative import
    assert "judge.engine.executor" in graph["judge.engine.runner"]
    assert sum(map(len, graph.values())) > 100


def test_rooms_import_only_lower_layers():
    assert layering_violations(import_graph()) == []


def test_the_layering_check_sees_an_upward_and_a_sideways_import(tmp_path):
    copy = tmp_path / "judge"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    runner = copy / "engine" / "runner.py"
    runner.write_text(runner.read_text() + "\n\ndef _late():\n    from judge.grading import outputs  # noqa\n")
    gradebook = copy / "grading" / "gradebook.py"
    gradebook.write_text("from judge.authoring.limits import measure  # noqa\n" + gradebook.read_text())
    assert layering_violations(import_graph(copy)) == [
        "judge.engine.runner (engine) imports judge.grading (grading)",
        "judge.engine.runner (engine) imports judge.grading.outputs (grading)",
        "judge.grading.gradebook (grading) imports judge.authoring.limits (authoring)",
    ]


def test_find_cycle_finds_a_planted_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_judge_modules():
    """No judge module imports, directly or through others, a module that imports it back (lazy imports
    inside functions count too: a circle is a design problem even when it happens not to break)."""
    cycle = find_cycle(without_root_entry_edge(import_graph()))
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_the_root_reaches_the_entry_points_only_through_getattr():
    """judge/__init__.py imports nothing of the judge but judge.entry, and that only inside __getattr__, which
    serves exactly judge.ENTRY_POINTS (each defined in judge/entry.py)."""
    import judge.entry

    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    judge_imports = [(node, fn.name) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
                     for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))
                     and ((getattr(node, "module", None) or "").startswith("judge")
                          or any(a.name.startswith("judge") for a in node.names))]
    top_level = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
                 and (getattr(node, "module", None) or "").startswith("judge")]
    assert not top_level
    assert [(ast.unparse(node), where) for node, where in judge_imports] == [("from judge import entry",
                                                                             "__getattr__")]
    assert all(callable(getattr(judge.entry, name)) for name in judge.ENTRY_POINTS)
    assert judge.test is judge.entry.test and judge.load_ipython_extension is judge.entry.load_ipython_extension
    with pytest.raises(AttributeError):
        judge.no_such_entry_point  # noqa: B018


# --- the trust boundary ------------------------------------------------------------------------------------------

def stray_imports(folder: Path) -> list[str]:
    """Imports of the judge from outside ``judge.isolated`` in the files of ``folder`` (the isolated side)."""
    stray = []
    for f in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(), filename=str(f))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = "judge.isolated" + (f".{node.module}" if node.module else "") if node.level else node.module
                names = [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            stray += [f"{f.name}:{node.lineno} imports {n}" for n in names
                      if (n == "judge" or n.startswith("judge.")) and not n.startswith("judge.isolated")]
    return stray


def test_isolated_side_imports_nothing_outside_its_folder():
    assert {f.name for f in ISOLATED.glob("*.py")} >= {"__init__.py", "worker.py", "wire.py", "zygote.py"}
    assert stray_imports(ISOLATED) == []


def test_the_import_check_sees_a_stray_import(tmp_path):
    (tmp_path / "bad.py").write_text("from judge.checkers import arrays\nimport judge.engine.runner\n"
                                     "from . import wire\nimport judge\n")
    assert stray_imports(tmp_path) == ["bad.py:1 imports judge.checkers.arrays",
                                       "bad.py:2 imports judge.engine.runner", "bad.py:4 imports judge"]


def test_only_the_isolated_folder_is_bound_into_the_sandbox(tmp_path):
    judge_dir = str(ISOLATED.parent)
    for argv in (
        launch.build_launch(launch.SandboxSpec("bwrap"), str(tmp_path), 3, 4, "{}").argv,
        launch.build_zygote_launch(launch.SandboxSpec("bwrap"), str(tmp_path), 3).argv,
    ):
        sources = [argv[i + 1] for i, a in enumerate(argv) if a in ("--ro-bind", "--bind")]
        assert str(ISOLATED) in sources
        assert judge_dir not in sources, "the whole judge package is bound into the sandbox"
        assert not any(s.startswith(judge_dir + "/") and s != str(ISOLATED) for s in sources)


# --- the regrade rule --------------------------------------------------------------------------------------------

@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """A copy of the judge package and a function giving its judge version."""
    copy = tmp_path / "judge"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))

    def version() -> str:
        monkeypatch.setattr(judge, "__file__", str(copy / "__init__.py"))
        monkeypatch.setattr(judge, "_JUDGE_VERSION", None)
        return judge.judge_version()

    return copy, version


def test_editing_a_presentation_room_keeps_the_judge_version(package_copy):
    """Editing a CLI message, a report, an authoring check or a grading output does not regrade a class (every
    file of every presentation room, and a new file in one)."""
    copy, version = package_copy
    base = version()
    files = [f for room in judge.PRESENTATION_ROOMS for f in sorted((copy / room).rglob("*.py"))]
    assert len(files) > 20
    for f in [*files, copy / "entry.py", copy / "__main__.py"]:
        f.write_text(f.read_text() + "\n# a new message\n")
    (copy / "grading" / "new_output.py").write_text("X = 1\n")
    assert version() == base


def test_editing_any_file_of_a_verdict_room_changes_the_judge_version(package_copy):
    """Every file of every verdict room (code, the pytest ini, the result schema), a new module in one, and a
    removed one each make a new judge version."""
    copy, version = package_copy
    files = [f for room in judge.VERDICT_ROOMS for f in sorted((copy / room).rglob("*")) if f.is_file()]
    assert {"engine/runner.py", "engine/pytest_judge.ini", "sandbox/launch.py", "isolated/worker.py",
            "checkers/arrays.py", "schemas/result.schema.json"} <= {f.relative_to(copy).as_posix() for f in files}
    seen = {version()}
    for f in files:
        f.write_bytes(f.read_bytes() + b"\n")
        seen.add(version())
    (copy / "engine" / "new_rule.py").write_text("X = 1\n")
    seen.add(version())
    (copy / "checkers" / "raises.py").unlink()
    seen.add(version())
    assert len(seen) == len(files) + 3


# --- the verdict vocabulary --------------------------------------------------------------------------------------

WORDS = {v.value for v in Verdict} | {s.value for s in ResultStatus}


def _literal_verdicts(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in WORDS:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [w for elt in node.elts for w in _literal_verdicts(elt)]
    return []


def stray_literals(source: str) -> list[tuple[int, str]]:
    """(line, word) for each verdict literal compared with something, assigned to a ``status``, given as a
    ``status=`` keyword or ``"status":`` value, or returned as the first item of a (verdict, message) pair."""
    found = []
    for node in ast.walk(ast.parse(source)):
        parts: list[ast.AST] = []
        if isinstance(node, ast.Compare):  # ``"error" in reply`` looks up a key: only the right of ``in`` counts
            key_lookup = all(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops)
            parts = [*([] if key_lookup else [node.left]), *node.comparators]
        elif isinstance(node, ast.Assign) and any("status" in ast.unparse(t) for t in node.targets):
            parts = [node.value]
        elif isinstance(node, ast.keyword) and node.arg == "status":
            parts = [node.value]
        elif isinstance(node, ast.Dict):
            parts = [v for k, v in zip(node.keys, node.values, strict=True)
                     if isinstance(k, ast.Constant) and k.value == "status"]
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and node.value.elts:
            parts = [node.value.elts[0]]
        found += [(node.lineno, w) for part in parts for w in _literal_verdicts(part)]
    return found


def test_no_module_spells_a_verdict_as_a_literal():
    stray = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "engine" / "verdicts.py":  # the vocabulary itself
            continue
        stray += [f"{path.relative_to(PACKAGE)}:{line}: {word!r}" for line, word in stray_literals(path.read_text())]
    assert not stray, "use judge.engine.verdicts.Verdict / ResultStatus instead of: " + "; ".join(stray)


def test_the_literal_check_finds_each_form_of_stray_literal():
    source = '''
def f(t, r):
    if t["status"] == "passed":
        pass
    if r["status"] in ("error", "missing"):
        pass
    r.status = "judge_error"
    g(status="timeout")
    d = {"status": "crashed"}
    return "failed", "message"
'''
    words = sorted(w for _, w in stray_literals(source))
    assert words == ["crashed", "error", "failed", "judge_error", "missing", "passed", "timeout"]


def verdict_decisions(source: str) -> list[tuple[int, str]]:
    """(line, member) for each ``Verdict.X`` / ``ResultStatus.X`` used other than in a comparison or an
    UPPER_CASE module constant: choosing a verdict, which only judge/engine/verdicts.py may do (through
    ``decide(Seen.X)`` and its other functions)."""
    tree = ast.parse(source)
    allowed: set[int] = set()
    for node in ast.walk(tree):
        constant = isinstance(node, ast.Assign) and len(node.targets) == 1 and \
            isinstance(node.targets[0], ast.Name) and node.targets[0].id.isupper()
        if isinstance(node, ast.Compare) or constant:
            allowed.update(id(sub) for sub in ast.walk(node))
    return sorted((node.lineno, f"{node.value.id}.{node.attr}") for node in ast.walk(tree)
                  if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                  and node.value.id in ("Verdict", "ResultStatus") and node.attr.isupper() and id(node) not in allowed)


def test_only_the_verdict_table_decides_a_verdict():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != PACKAGE / "engine" / "verdicts.py":
            found += [f"{path.relative_to(PACKAGE)}:{line}: {member}"
                      for line, member in verdict_decisions(path.read_text())]
    assert not found, "decide verdicts in judge/engine/verdicts.py (decide(Seen.X)), not: " + "; ".join(found)


def test_the_decision_check_finds_each_way_of_choosing_a_verdict():
    source = """
FLAGGED = (Verdict.TIMEOUT, Verdict.CRASHED)
def f(record, outcome):
    if outcome.verdict == Verdict.TIMEOUT or record.status in (Verdict.PASSED, ResultStatus.ERROR):
        pass
    record.status = Verdict.FAILED
    raise SubmissionFault(Verdict.CRASHED if outcome.seq else Verdict.JUDGE_ERROR, "protocol fault")
    return ResultStatus.MISSING
"""
    assert verdict_decisions(source) == [(6, "Verdict.FAILED"), (7, "Verdict.CRASHED"), (7, "Verdict.JUDGE_ERROR"),
                                         (8, "ResultStatus.MISSING")]


# --- tier names only in the sandbox room ------------------------------------------------------------------------

TIER_NAMES = {"bwrap", "container", "process"}


def tier_comparisons(source: str) -> list[int]:
    """Lines comparing something with a tier name (``spec.tier == "process"``, ``tier in ("bwrap", ...)``): what
    a tier implies is a property of SandboxSpec (``weak``, ``leases_uids``, ``forks_from_zygote``, ...)."""
    def names(node: ast.AST) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return {v for elt in node.elts for v in names(elt)}
        return set()

    return sorted({node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Compare)
                   and any(names(part) & TIER_NAMES for part in (node.left, *node.comparators))})


def test_only_the_sandbox_room_compares_tier_names():
    found = [f"{p.relative_to(PACKAGE)}:{line}" for p in sorted(PACKAGE.rglob("*.py"))
             if p.relative_to(PACKAGE).parts[0] != "sandbox" for line in tier_comparisons(p.read_text())]
    assert not found, "use a SandboxSpec property (weak, leases_uids, forks_from_zygote, ...) instead of: " + \
        ", ".join(found)
    assert tier_comparisons('if spec.tier == "process":\n    pass\nok = t in ("bwrap", "container")\n'
                            'x = "process" if a else "b"\n') == [1, 3]


# --- a class run's record in one module ---------------------------------------------------------------------------

def meta_key_uses(source: str) -> list[tuple[int, str]]:
    """(line, call) for each ``.meta(...)`` / ``.set_meta(...)`` call: a class run's settings are read and written
    only through judge/grading/class_run.py (the gradebook defines the two methods)."""
    return sorted((node.lineno, f".{node.func.attr}()") for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("meta", "set_meta"))


def test_a_class_runs_settings_are_spelled_in_one_module():
    found = [f"{p.relative_to(PACKAGE)}:{line}: {call}" for p in sorted(PACKAGE.rglob("*.py"))
             if p.relative_to(PACKAGE).as_posix() != "grading/class_run.py"
             for line, call in meta_key_uses(p.read_text())]
    assert not found, "use judge.grading.class_run.ClassRun instead of: " + "; ".join(found)
    assert meta_key_uses((PACKAGE / "grading" / "class_run.py").read_text())  # the check sees the real calls
    assert meta_key_uses('x = book.meta("shard")\nbook.set_meta("gradescope", "yes")\n') == [(1, ".meta()"),
                                                                                             (2, ".set_meta()")]


# --- the score policy in one module -------------------------------------------------------------------------------

def score_policy_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each computation with an override's score (``row["override"]["score"]`` in arithmetic, a
    return or an assignment; showing it in a message is fine) or with a late factor (``late.factor``): applying
    them is judge/grading/scores.py's alone (course.py defines Late)."""
    tree = ast.parse(source)
    parent = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript) and \
                ast.unparse(node.value.slice) == "'override'" and ast.unparse(node.slice) == "'score'" and \
                isinstance(parent.get(id(node)), (ast.BinOp, ast.AugAssign, ast.Return, ast.Assign)):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Attribute) and node.attr == "factor" and ast.unparse(node.value) != "self":
            found.append((node.lineno, ast.unparse(node)))
    return sorted(found)


def test_the_score_policy_is_applied_in_one_module():
    found = [f"{p.relative_to(PACKAGE)}:{line}: {what}" for p in sorted(PACKAGE.rglob("*.py"))
             if p.relative_to(PACKAGE).as_posix() not in ("grading/scores.py", "grading/course.py")
             for line, what in score_policy_uses(p.read_text())]
    assert not found, "use judge.grading.scores (effective_score, assignment_score) instead of: " + "; ".join(found)
    assert score_policy_uses((PACKAGE / "grading" / "scores.py").read_text())
    assert score_policy_uses('s = row["override"]["score"] * late.factor\nt = row["override"]["score"]\n'
                             'print(f"set to {row[\'override\'][\'score\']:g}")\n') == [
        (1, "late.factor"), (1, "row['override']['score']"), (2, "row['override']['score']")]


# --- wiring through constructors and methods ----------------------------------------------------------------------

WIRED = ("plugin", "executor", "proxy")


def wiring_from_outside(source: str) -> list[tuple[int, str]]:
    """(line, target) for each assignment to an attribute of a plugin, executor or proxy held by someone else
    (``plugin.proxy = ...``, ``self.plugin.records = ...``): they get what they need through their constructor or
    a method (``JudgePlugin(..., on_record=)``, ``plugin.serve(proxy, records)``, ``executor.refuse(outcome)``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(t, ast.Attribute) and ast.unparse(t.value) != "self" and \
                        ast.unparse(t.value).rpartition(".")[2].endswith(WIRED):
                    found.append((node.lineno, ast.unparse(t)))
    return found


def test_the_engine_is_wired_through_constructors_and_methods():
    found = [f"{p.relative_to(PACKAGE)}:{line}: {target}" for p in sorted(PACKAGE.rglob("*.py"))
             for line, target in wiring_from_outside(p.read_text())]
    assert not found, "pass it to the constructor or a method instead of: " + "; ".join(found)


def test_the_wiring_check_sees_an_assignment_from_outside():
    source = """
self.plugin.proxy = subject.proxy
plugin.on_record = on_test
executor.sticky = static
self.proxy = proxy
record.status, record.message = "x", "y"
"""
    assert wiring_from_outside(source) == [(2, "self.plugin.proxy"), (3, "plugin.on_record"), (4, "executor.sticky")]


# --- SQL only in the storage classes ------------------------------------------------------------------------------

STORAGE = {"grading/gradebook.py", "cli/store.py"}  # Gradebook (a class run) and Store (a learner's history)
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|"
                 r"CREATE\s+(TABLE|INDEX|UNIQUE|VIEW)|DROP\s+TABLE|ALTER\s+TABLE|PRAGMA\s+\w+)\b", re.S)
DB_CALLS = {"execute", "executemany", "executescript", "connect"}


def sql_outside_storage(source: str) -> list[tuple[int, str]]:
    """(line, what) for each SQL statement in a string and each database call (``.execute``, ``sqlite3.connect``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append((node.lineno, SQL.search(node.value).group(0).split()[0]))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DB_CALLS \
                and (node.func.attr != "connect" or ast.unparse(node.func.value) == "sqlite3"):
            found.append((node.lineno, f".{node.func.attr}()"))
    return sorted(found)


def test_sql_lives_only_in_the_storage_classes():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel not in STORAGE:
            found += [f"{rel}:{line}: {what}" for line, what in sql_outside_storage(path.read_text())]
    assert not found, "add a method to Gradebook or Store instead of: " + "; ".join(found)
    assert all(sql_outside_storage((PACKAGE / rel).read_text()) for rel in STORAGE)  # the check sees real SQL


def test_the_sql_fence_sees_a_query_in_a_report():
    source = """
def category_section(book, p):
    rows = book.db.execute(
        "SELECT g.result_json FROM roster r JOIN grades g "
        "WHERE r.problem=?", (p,))
    con = sqlite3.connect(path)
    con.executescript(f"CREATE TABLE IF NOT EXISTS t{n} (x)")
    re.compile("x").search("y")  # not a database call
    text = "Select the first problem from the list"  # prose, not SQL
"""
    assert sql_outside_storage(source) == [(3, ".execute()"), (4, "SELECT"), (6, ".connect()"),
                                           (7, ".executescript()"), (7, "CREATE")]


# --- pytest internals and file roles -----------------------------------------------------------------------------

PYTEST_INTERNALS = re.compile(r"(?<!self)\._request\b|_initrequest|_fixtureinfo|name2fixturedefs"
                              r"|get_direct_param_fixture_func|DID NOT RAISE|\"Timeout|(?<!\w)_pytest\b")


def test_only_pytest_compat_uses_pytest_internals():
    """The batch fast path's private pytest API and the message texts it reads stay in
    judge/engine/pytest_compat.py."""
    users = sorted(p.relative_to(REPO).as_posix() for p in PACKAGE.rglob("*.py")
                   if PYTEST_INTERNALS.search(p.read_text()))
    assert users == ["judge/engine/pytest_compat.py"]
    assert PYTEST_INTERNALS.search("from _pytest.fixtures import FixtureRequest")


def test_release_and_bundle_ship_files_by_the_declared_roles(tmp_path):
    """problems.FILE_ROLES decides what a release (public files) and the Gradescope bundle (public and grading
    files) hold of each problem, and both copy the judge package by one rule (problems.package_files)."""
    import zipfile

    from judge.engine.problems import FILE_ROLES, GRADING_FILES, RELEASE_FILES, package_files
    from judge.grading.gradescope import build_bundle
    from judge.grading.release import build_release

    fixture_root = REPO / "tests" / "fixtures" / "root"
    assert set(RELEASE_FILES) == {n for n, role in FILE_ROLES.items() if role == "public"}
    assert set(GRADING_FILES) == set(FILE_ROLES) > set(RELEASE_FILES)
    report = build_release(fixture_root, tmp_path / "release", ["probe"])
    assert not report.leaks
    released = sorted(p.name for p in (tmp_path / "release" / "problems" / "probe").iterdir())
    assert released == sorted(RELEASE_FILES)
    names = build_bundle(fixture_root, ["probe"], tmp_path / "bundle.zip")
    assert sorted(n.split("/")[-1] for n in names if n.startswith("problems/probe/")) == sorted(GRADING_FILES)
    package = sorted(rel for _, rel in package_files())
    assert sorted(n[len("judge/"):] for n in names if n.startswith("judge/")) == package
    in_release = sorted(p.relative_to(tmp_path / "release" / "judge").as_posix()
                        for p in (tmp_path / "release" / "judge").rglob("*") if p.is_file())
    assert in_release == package and "engine/pytest_judge.ini" in package and "schemas/result.schema.json" in package
    assert not any("__pycache__" in rel or rel.endswith(".pyc") for rel in package)
    with zipfile.ZipFile(tmp_path / "bundle.zip") as zf:
        assert zf.read("judge/engine/problems.py") == (PACKAGE / "engine" / "problems.py").read_bytes()


def bounds(requirement: str) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
    """(lower, upper) of a ``name>=A,<B`` requirement, as version tuples; None without an upper bound."""
    m = re.fullmatch(r"[\w-]+>=([\d.]+),<([\d.]+)", requirement.replace(" ", ""))
    return (tuple(map(int, m.group(1).split("."))), tuple(map(int, m.group(2).split(".")))) if m else None


@pytest.mark.parametrize("name", ["pytest", "pytest-timeout"])
def test_pytest_and_pytest_timeout_are_bounded_by_the_newest_verified(name):
    """The batch fast path uses pytest internals: a pytest newer than the one this suite ran on may break it, so
    pyproject pins an upper bound, and the installed version (what the suite verifies) lies within it."""
    from importlib.metadata import version

    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    (requirement,) = [d for d in deps if re.match(rf"{re.escape(name)}\s*[<>=]", d)]
    low, high = bounds(requirement)
    installed = tuple(int(x) for x in re.findall(r"\d+", version(name))[:3])
    assert low <= installed < high, f"{name} {version(name)} outside {requirement}"
    assert bounds("pytest>=7.4") is None and bounds("pytest>=7.4,<9.3") == ((7, 4), (9, 3))


def conftest_imports(source: str) -> list[int]:
    """Lines that import from conftest (helpers belong in tests/helpers.py; conftest.py holds fixtures only)."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ImportFrom) and node.module == "conftest"
            or isinstance(node, ast.Import) and any(alias.name == "conftest" for alias in node.names)]


def test_tests_import_helpers_never_conftest():
    found = [f"{p.relative_to(REPO)}:{line}" for p in sorted((REPO / "tests").rglob("*.py"))
             if "submissions" not in p.parts for line in conftest_imports(p.read_text())]
    assert not found, "import from helpers, not conftest: " + ", ".join(found)
    assert conftest_imports("from conftest import REPO\nimport conftest\nfrom helpers import judge\n") == [1, 2]
