"""Problem folders: finding the repository, reading and schema-checking ``problem.toml``, curriculum order."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from judge.engine.time_policy import default_submission_s

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
# What a learner's file may import unless problem.toml says otherwise: NumPy and the pure, side-effect-free standard
# modules a NumPy programmer reaches for. The sandbox, not this list, keeps a submission from doing harm; the list
# keeps the exercise honest (no torch or scipy, no files, network or processes).
DEFAULT_IMPORTS = [
    "numpy", "math", "cmath", "typing", "functools", "itertools", "collections", "dataclasses", "operator",
    "numbers", "bisect", "heapq", "re", "string", "enum", "abc", "copy", "fractions", "decimal", "statistics",
    "types", "contextlib", "warnings", "__future__",
]
METADATA = "problem.toml"
STATEMENT = "README.md"
STARTER = "starter.py"
PUBLIC_TESTS = "tests_public.py"
HIDDEN_TESTS = "tests_hidden.py"
# The files of a problem folder and their role, declared once: "public" files go to learners (a release),
# "grading" files only to what grades (the Gradescope bundle holds both kinds); `judge validate` requires every one.
FILE_ROLES = {METADATA: "public", STATEMENT: "public", STARTER: "public", PUBLIC_TESTS: "public",
              HIDDEN_TESTS: "grading"}
RELEASE_FILES = tuple(name for name, role in FILE_ROLES.items() if role == "public")
GRADING_FILES = tuple(FILE_ROLES)
PACKAGE_DIR = Path(__file__).resolve().parent.parent


def package_files() -> list[tuple[Path, str]]:
    """Every file of the judge package as (path, posix path relative to the package), sorted: what a release and
    the Gradescope bundle ship (everything but byte-code caches)."""
    return [(f, f.relative_to(PACKAGE_DIR).as_posix()) for f in sorted(PACKAGE_DIR.rglob("*"))
            if f.is_file() and "__pycache__" not in f.relative_to(PACKAGE_DIR).parts and f.suffix != ".pyc"]


class ProblemError(Exception):
    """A problem or repository that cannot be used; the message is one line naming the file and the fix."""


class JudgeError(Exception):
    """The judge itself could not run the tests (a broken test file, a pytest failure)."""


@cache
def load_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


@cache
def validator(name: str) -> Any:
    """A compiled jsonschema validator for one of the judge's schemas (the schema itself is checked once)."""
    import jsonschema  # imported on first use: it costs a tenth of a small `judge submit`

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    position: int
    description: str = ""


@dataclass
class Problem:
    """One folder under ``problems/``."""

    id: str
    path: Path
    meta: dict[str, Any]
    track: Track | None = None
    prerequisites: list[str] = field(default_factory=list)

    title = property(lambda self: self.meta["title"])
    order = property(lambda self: self.meta["order"])
    difficulty = property(lambda self: self.meta["difficulty"])
    entry_points = property(lambda self: list(self.meta["entry_points"]))
    time_limit_s = property(lambda self: float(self.meta["time_limit_s"]))
    submission_time_limit_s = property(
        lambda self: float(self.meta.get("submission_time_limit_s") or default_submission_s(self.time_limit_s)))
    memory_limit_mb = property(lambda self: int(self.meta["memory_limit_mb"]))
    hidden_feedback = property(lambda self: self.meta["hidden_feedback"])
    builds_on = property(lambda self: list(self.meta.get("builds_on", [])))
    # The learner's own solutions of the builds_on problems are importable too (judge/engine/builds_on.py).
    allowed_imports = property(lambda self: list(self.meta.get("allowed_imports", DEFAULT_IMPORTS)) + self.builds_on)

    @property
    def statement(self) -> Path:
        return self.path / STATEMENT

    @property
    def starter(self) -> Path:
        return self.path / STARTER

    def test_files(self, visibility: str) -> list[tuple[Path, str]]:
        """(file, visibility) pairs for ``public`` (public tests only) or ``all``; absent files are skipped."""
        files = [(self.path / PUBLIC_TESTS, "public")]
        if visibility == "all":
            files.append((self.path / HIDDEN_TESTS, "hidden"))
        return [(p, v) for p, v in files if p.is_file()]

    @property
    def has_hidden_tests(self) -> bool:
        return (self.path / HIDDEN_TESTS).is_file()

    def tests_sha256(self, visibility: str = "all") -> str:
        h = hashlib.sha256()
        for path, vis in self.test_files(visibility):
            h.update(f"{vis}:{path.name}:".encode())
            h.update(path.read_bytes())
        return h.hexdigest()


def find_root(start: str | os.PathLike | None = None) -> Path:
    """The repository root: $JUDGE_ROOT, else the nearest folder up from ``start`` holding problems/tracks.toml,
    else the folder the judge package was installed from."""
    env = os.environ.get("JUDGE_ROOT")
    if env:
        root = Path(env).resolve()
        if not (root / "problems").is_dir():
            raise ProblemError(f"JUDGE_ROOT={env} has no problems/ folder; point it at the repository root")
        return root
    here = Path(start or os.getcwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "problems" / "tracks.toml").is_file():
            return candidate
    package_parent = Path(__file__).resolve().parent.parent.parent
    if (package_parent / "problems" / "tracks.toml").is_file():
        return package_parent
    raise ProblemError("no problems/ folder found here or above; run judge inside the repository or set JUDGE_ROOT")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ProblemError(f"{path}: file is missing; every problem folder needs one") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProblemError(f"{path}: not valid TOML ({exc}); fix the syntax") from None


def load_tracks(root: Path) -> dict[str, Track]:
    path = root / "problems" / "tracks.toml"
    data = _read_toml(path)
    tracks = data.get("tracks")
    if not isinstance(tracks, list) or not all(isinstance(t, dict) and "id" in t and "title" in t for t in tracks):
        raise ProblemError(f"{path}: expected [[tracks]] tables with id and title; fix the file")
    return {t["id"]: Track(t["id"], t["title"], i, str(t.get("description", "")).strip())
            for i, t in enumerate(tracks)}


def load_problem(root: Path, problem_id: str, tracks: dict[str, Track] | None = None) -> Problem:
    """Read and validate ``problems/<id>/problem.toml``."""
    folder = root / "problems" / problem_id
    if not folder.is_dir():
        raise ProblemError(f"unknown problem '{problem_id}'; run 'judge list' to see the problem ids")
    path = folder / "problem.toml"
    meta = _read_toml(path)
    _validate_meta(root, path, meta)
    if meta["id"] != problem_id:
        raise ProblemError(f"{path}: id '{meta['id']}' differs from the folder name '{problem_id}'; make them equal")
    tracks = tracks if tracks is not None else load_tracks(root)
    if meta["track"] not in tracks:
        raise ProblemError(f"{path}: track '{meta['track']}' is not listed in problems/tracks.toml; add it there")
    return Problem(problem_id, folder, meta, tracks[meta["track"]], list(meta.get("prerequisites", [])))


def _validate_meta(root: Path, path: Path, meta: dict[str, Any]) -> None:
    """Check ``meta`` against problem.schema.json. A file once found valid is remembered by the hash of its bytes
    and of the schema (in .judge/valid/), so later runs skip the jsonschema import."""
    digest = hashlib.sha256((SCHEMA_DIR / "problem.schema.json").read_bytes() + path.read_bytes()).hexdigest()
    marker = root / ".judge" / "valid" / digest
    if marker.exists():
        return
    import jsonschema

    try:
        validator("problem.schema.json").validate(meta)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise ProblemError(f"{path}: {where}: {exc.message}; see judge/schemas/problem.schema.json") from None
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass  # a read-only checkout validates every time


def problem_ids(root: Path) -> list[str]:
    base = root / "problems"
    return sorted(p.name for p in base.iterdir() if p.is_dir() and (p / "problem.toml").is_file())


def list_problems(root: Path) -> list[Problem]:
    """Every problem, in curriculum order: by track position, then by ``order``."""
    tracks = load_tracks(root)
    problems = [load_problem(root, pid, tracks) for pid in problem_ids(root)]
    return sorted(problems, key=lambda p: (p.track.position, p.order, p.id))
