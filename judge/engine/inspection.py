"""Static checks of a learner's file before anything runs: it parses, and imports only what is allowed."""

from __future__ import annotations

import ast

from judge.engine.executor import Outcome
from judge.engine.verdicts import Seen, decide

MAX_SOURCE_BYTES = 1 << 20


def inspect_source(source: bytes, allowed_imports: list[str]) -> Outcome | None:
    """An ``invalid`` or ``forbidden`` outcome for the whole file, or None when it may be loaded."""
    if len(source) > MAX_SOURCE_BYTES:
        return Outcome(decide(Seen.FILE_UNLOADABLE), message=f"the file is larger than {MAX_SOURCE_BYTES >> 10} KiB")
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Outcome(decide(Seen.FILE_UNLOADABLE),
                       message=f"the file is not valid UTF-8 ({exc.reason} at byte {exc.start})")
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        return Outcome(decide(Seen.FILE_UNLOADABLE), message=f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})")
    except (ValueError, RecursionError, MemoryError) as exc:
        return Outcome(decide(Seen.FILE_UNLOADABLE), message=f"the file cannot be parsed ({type(exc).__name__})")
    allowed = set(allowed_imports) | {"__future__"}
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                return Outcome(decide(Seen.IMPORT_REFUSED),
                               message=f"line {node.lineno}: relative imports are not allowed")
            names = [node.module or ""]
        for name in names:
            top = name.partition(".")[0]
            if top not in allowed:
                return Outcome(
                    decide(Seen.IMPORT_REFUSED),
                    message=f"line {node.lineno} imports '{name}', which this problem does not allow "
                    f"(allowed: {', '.join(sorted(allowed_imports))})",
                )
    return None
