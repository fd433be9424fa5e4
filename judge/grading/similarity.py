"""Similarity of submissions: token n-gram fingerprints with winnowing (Schleimer, Wilkerson, Aiken 2003, as
MOSS does), per problem, ranked, with the matched line ranges for side-by-side views.

Code is normalized before hashing: comments, docstrings and blank lines are dropped, local identifiers become
one token (renaming variables changes nothing), attribute names, builtins, keywords, operators and numbers stay.
Every k-gram of the starter code and of the reference's boilerplate (imports and ``def`` lines) is excluded, and
so is any fingerprint shared by more than half the files *and* by more than ``max_count`` of them (an idiom, not
evidence; both limits as Dolos's ``-M``/``-m``, the count as MOSS's ``-m``, default 10): in a small section where
most students copied one leaked solution, the copy still surfaces. Known sources (last year's submissions, a
solution posted online) take part as ``known:<name>``; a pair of two known sources is never reported.
Fingerprints are sets, so reordering functions changes little. The score of a pair is the Jaccard index of its
fingerprint sets.

It flags, it never accuses: similar code is a reason for a person to look, not proof of copying.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import io
import keyword
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

from judge.engine.notebooks import NotebookError, is_notebook, read_notebook

K = 6           # tokens per k-gram
WINDOW = 4      # winnowing window: any match of K + WINDOW - 1 tokens or more is always found
MIN_FINGERPRINTS = 4
KEEP_PER_PROBLEM = 10
MAX_SHARED_COUNT = 10  # a fingerprint in more files than this (and than half of them) is an idiom (MOSS -m 10)
KNOWN = "known:"
FLAG_AT = 0.5   # a pair at or above this score is marked for a look
MAX_SOURCE = 20000
MAX_BYTES = 200_000  # larger files are left out of the comparison (no solution here is near that size)
_BUILTINS = set(dir(builtins))
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}


@dataclass
class Fingerprints:
    hashes: dict[int, tuple[int, int]]  # winnowed k-gram hash -> (first line, last line) of its first occurrence

    def __len__(self) -> int:
        return len(self.hashes)


def normalized_tokens(source: str) -> list[tuple[str, int, int]]:
    """(normalized token, first line, last line); an unparsable tail falls back to a plain word split."""
    out: list[tuple[str, int, int]] = []
    previous = ""
    statement_start, dropped = True, False
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in _SKIP:
                continue
            if dropped and tok.type == tokenize.NEWLINE:
                dropped = False
                continue
            dropped = False
            text = tok.string
            if tok.type == tokenize.STRING:
                if statement_start:  # a docstring or a bare string statement, with its NEWLINE
                    dropped = True
                    continue
                text = "S"
            elif tok.type == tokenize.NAME and not keyword.iskeyword(text) and previous != "." \
                    and text not in _BUILTINS:
                text = "V"
            out.append((text, tok.start[0], tok.end[0]))
            statement_start = tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        done = out[-1][2] if out else 0
        for n, line in enumerate(source.splitlines()[done:], start=done + 1):
            out.extend((w, n, n) for w in re.findall(r"\w+|[^\s\w]", line.split("#", 1)[0]))
    return out


def _hash(tokens: Iterable[str]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(tokens).encode(), digest_size=8).digest(), "big")


def kgram_hashes(tokens: list[tuple[str, int, int]], k: int = K) -> list[tuple[int, int, int]]:
    """(hash, first line, last line) of every k-gram."""
    return [(_hash(t for t, _, _ in tokens[i:i + k]), tokens[i][1], tokens[i + k - 1][2])
            for i in range(len(tokens) - k + 1)]


def winnow(grams: list[tuple[int, int, int]], window: int = WINDOW) -> Fingerprints:
    """The minimum hash of every window of ``window`` k-grams (the rightmost on ties), each recorded once."""
    chosen: dict[int, tuple[int, int]] = {}
    if 0 < len(grams) < window:
        window = len(grams)
    for i in range(len(grams) - window + 1):
        span = grams[i:i + window]
        low = min(h for h, _, _ in span)
        h, first, last = next(g for g in reversed(span) if g[0] == low)
        chosen.setdefault(h, (first, last))
    return Fingerprints(chosen)


def boilerplate(starter: str, reference: str) -> str:
    """The code every submission may share: the starter, and the reference's imports and ``def`` lines."""
    parts = [starter]
    try:
        tree = ast.parse(reference)
    except SyntaxError:
        return starter
    lines = reference.splitlines()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            parts.append("\n".join(lines[node.lineno - 1:node.end_lineno]))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            header_end = node.body[0].lineno - 1
            parts.append("\n".join(lines[node.lineno - 1:header_end]) + "\n    pass")
    return "\n".join(parts)


def _regions(spans: list[tuple[int, int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return merged


def compare_problem(sources: dict[str, str], excluded_text: str = "", keep: int = KEEP_PER_PROBLEM,
                    known: dict[str, str] | None = None, max_count: int = MAX_SHARED_COUNT
                    ) -> list[tuple[str, str, float, dict[str, Any]]]:
    """(a, b, score, detail) of the ``keep`` most similar pairs among ``sources`` (student -> code) and ``known``
    sources (name -> code, labelled ``known:<name>``), best first. ``detail`` has the shared fingerprint count,
    each side's share, the matched line regions and both sources."""
    sources = {**sources, **{KNOWN + name: code for name, code in (known or {}).items()}}
    excluded = {h for h, _, _ in kgram_hashes(normalized_tokens(excluded_text))} if excluded_text else set()
    prints: dict[str, Fingerprints] = {}
    for student, code in sources.items():
        fp = winnow(kgram_hashes(normalized_tokens(code)))
        fp.hashes = {h: span for h, span in fp.hashes.items() if h not in excluded}
        prints[student] = fp
    owners: dict[int, list[str]] = {}
    for student, fp in prints.items():
        for h in fp.hashes:
            owners.setdefault(h, []).append(student)
    common = max(2, len(prints) // 2, max_count)
    for h in [h for h, who in owners.items() if len(who) > common]:
        for student in owners.pop(h):
            del prints[student].hashes[h]
    shared: dict[tuple[str, str], list[int]] = {}
    for h, who in owners.items():
        for a, b in combinations(sorted(who), 2):
            shared.setdefault((a, b), []).append(h)
    ranked = []
    for (a, b), hashes in shared.items():
        if a.startswith(KNOWN) and b.startswith(KNOWN):
            continue
        fa, fb = prints[a].hashes, prints[b].hashes
        if len(fa) < MIN_FINGERPRINTS or len(fb) < MIN_FINGERPRINTS:
            continue
        union = len(set(fa) | set(fb))
        score = len(hashes) / union
        ranked.append((a, b, round(score, 4), {
            "shared": len(hashes), "a_percent": round(100 * len(hashes) / len(fa), 1),
            "b_percent": round(100 * len(hashes) / len(fb), 1),
            "a_regions": _regions([fa[h] for h in hashes]), "b_regions": _regions([fb[h] for h in hashes]),
            "a_source": sources[a][:MAX_SOURCE], "b_source": sources[b][:MAX_SOURCE]}))
    ranked.sort(key=lambda r: (-r[2], r[0], r[1]))
    return ranked[:keep]


def known_sources(folder: Path | None, problem: str) -> dict[str, str]:
    """Known sources of ``problem`` in ``folder``: ``<name>/<problem>.py`` (a past class folder) or
    ``<problem>/<name>.py`` (collected solutions), readable files only."""
    if folder is None:
        return {}
    out = {}
    for path in sorted([*folder.glob(f"*/{problem}.py"), *folder.glob(f"{problem}/*.py")]):
        name = path.parent.name if path.name == f"{problem}.py" else path.stem
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_BYTES:
                out[name] = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    return out


def class_similarity(files: dict[tuple[str, str], Path], problems: list[str], root: Path,
                     keep: int = KEEP_PER_PROBLEM, known: Path | None = None
                     ) -> list[tuple[str, str, str, float, dict[str, Any]]]:
    """(problem, a, b, score, detail) for every problem: its submitted files (and the known sources in
    ``known``) compared, the problem's starter and the reference's boilerplate excluded."""
    rows = []
    for problem in problems:
        sources = {}
        for (student, p), path in sorted(files.items()):
            if p == problem:
                try:
                    if path.stat().st_size > MAX_BYTES:
                        continue
                    if is_notebook(path):  # its code cells, as the worker loaded them
                        sources[student] = read_notebook(path).source
                    else:
                        sources[student] = path.read_text(encoding="utf-8", errors="replace")
                except (OSError, NotebookError):
                    continue
        starter = root / "problems" / problem / "starter.py"
        reference = root / "solutions" / problem / "reference.py"
        excluded = boilerplate(starter.read_text() if starter.is_file() else "",
                               reference.read_text() if reference.is_file() else "")
        rows.extend((problem, a, b, s, d) for a, b, s, d in compare_problem(sources, excluded, keep,
                                                                            known_sources(known, problem)))
    return rows
