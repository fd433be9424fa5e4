"""Every verdict string in the judge comes from judge/engine/verdicts.py: no module compares a status with, or sets a
status to, a verdict spelled as a literal."""

from __future__ import annotations

import ast
from pathlib import Path

from judge.engine.verdicts import ResultStatus, Verdict

JUDGE = Path(__file__).resolve().parent.parent / "judge"
WORDS = {v.value for v in Verdict} | {s.value for s in ResultStatus}
EXEMPT = {"verdicts.py"}  # the vocabulary itself; judge/isolated/ never names a verdict (checked below too)


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
    for path in sorted(JUDGE.rglob("*.py")):
        if path.name in EXEMPT and path.parent == JUDGE / "engine":
            continue
        stray += [f"{path.relative_to(JUDGE)}:{line}: {word!r}" for line, word in stray_literals(path.read_text())]
    assert not stray, "use judge.engine.verdicts.Verdict / ResultStatus instead of: " + "; ".join(stray)


def test_the_check_finds_each_form_of_stray_literal():
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
