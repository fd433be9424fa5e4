"""The ``judge`` command.

Exit codes: 0 success; 1 not every test passed (or validation found a problem); 2 usage or input error
(unknown problem, missing file, malformed problem.toml); 3 the judge itself failed (a broken test file).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from judge import __version__
from judge.grading.release import released_hidden
from judge.problems import Problem, ProblemError, find_root, list_problems, load_problem
from judge.report import render_result, render_table
from judge.runner import JudgeError, run_solution
from judge.store import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"judge: error: {message}", err=True)
    sys.exit(code)


class _Command(click.Command):
    """Turns ProblemError and JudgeError into one line on stderr and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProblemError as exc:
            _fail(str(exc), EXIT_USAGE)
        except JudgeError as exc:
            _fail(f"internal: {exc}", EXIT_INTERNAL)
        except OSError as exc:
            _fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}; check the path and permissions")


class _Group(click.Group):
    command_class = _Command


def _root() -> Path:
    return find_root()


def _db_path(root: Path, db: str | None) -> Path:
    return Path(db) if db else root / ".judge" / "judge.db"


def _solution_path(root: Path, problem: Problem, file: str | None) -> Path:
    if file:
        return Path(file)
    default = root / "workspace" / f"{problem.id}.py"
    if not default.is_file():
        raise ProblemError(f"{default}: no such file; run 'judge start {problem.id}' or pass FILE")
    return default


DB_OPTION = click.option("--db", type=click.Path(dir_okay=False), default=None,
                         help="SQLite history file (default: .judge/judge.db in the repository).")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="judge")
def main() -> None:
    """Exercises on causal vs masked language models, and the judge that scores them.

    Learners: list, show, start, test, submit, history. Authors: new, validate.
    """


@main.command("list")
@click.option("--track", help="Only the problems of this track (an id from problems/tracks.toml).")
@JSON_OPTION
@DB_OPTION
def list_cmd(track: str | None, as_json: bool, db: str | None) -> None:
    """Problems in curriculum order, grouped by track, with your best submitted score."""
    root = _root()
    problems = list_problems(root)
    if track:
        tracks = {p.track.id for p in problems}
        if track not in tracks:
            raise ProblemError(f"unknown track '{track}'; known tracks: {', '.join(sorted(tracks))}")
        problems = [p for p in problems if p.track.id == track]
    dbp = _db_path(root, db)
    best = Store(dbp).best_scores() if dbp.exists() else {}
    rows = [
        {
            "id": p.id, "title": p.title, "track": p.track.id, "track_title": p.track.title,
            "difficulty": p.difficulty, "order": p.order,
            "best_score": best[p.id][0] if p.id in best else None,
            "max_score": best[p.id][1] if p.id in best else None,
        }
        for p in problems
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    current = None
    for r in rows:
        if r["track"] != current:
            current = r["track"]
            click.echo(click.style(f"\n{r['track_title']} [{r['track']}]", bold=True))
        score = f"{r['best_score']:g}/{r['max_score']:g}" if r["best_score"] is not None else "-"
        click.echo(f"  {r['id']:<30} {r['title']:<44} {r['difficulty']:<7} best: {score}")


@main.command()
@click.argument("problem_id")
def show(problem_id: str) -> None:
    """Print the statement of PROBLEM_ID."""
    problem = load_problem(_root(), problem_id)
    if not problem.statement.is_file():
        raise ProblemError(f"{problem.statement}: the statement is missing")
    click.echo(problem.statement.read_text().rstrip())
    click.echo(f"\n---\nEntry points: {', '.join(problem.entry_points)}. Limits per test: "
               f"{problem.time_limit_s:g} s of CPU time, {problem.memory_limit_mb} MB of memory. Allowed imports: "
               f"{', '.join(problem.allowed_imports)} (anything else is the verdict 'forbidden').")


@main.command()
@click.argument("problem_id")
@click.option("--force", is_flag=True, help="Overwrite an existing workspace file.")
def start(problem_id: str, force: bool) -> None:
    """Copy the starter of PROBLEM_ID to workspace/PROBLEM_ID.py (never overwrites without --force)."""
    root = _root()
    problem = load_problem(root, problem_id)
    target = root / "workspace" / f"{problem.id}.py"
    if target.exists() and not force:
        raise ProblemError(f"{target} already exists; edit it, or pass --force to replace it with the starter")
    target.parent.mkdir(exist_ok=True)
    shutil.copyfile(problem.starter, target)
    click.echo(f"created {target}\nread the statement: judge show {problem.id}\nrun the public tests: "
               f"judge test {problem.id}")


def _run(problem_id: str, file: str | None, as_json: bool, db: str | None, kind: str) -> None:
    """judge test (kind "test": public tests) or judge submit (kind "submit": public and hidden tests)."""
    root = _root()
    problem = load_problem(root, problem_id)
    visibility = "all" if kind == "submit" and problem.has_hidden_tests else "public"
    path = _solution_path(root, problem, file)
    result = run_solution(problem, path, visibility, validate=False)
    record_error = None
    if kind == "submit" or db:
        try:
            with Store(_db_path(root, db)) as store:
                store.record(result, str(path), kind)
        except (sqlite3.Error, OSError) as exc:  # the result is still printed: nothing is lost
            record_error = f"{_db_path(root, db)}: could not record this run ({exc}); check --db"
    released = released_hidden(root, problem.id) if visibility == "public" else None
    hidden_pending = visibility == "public" and (problem.has_hidden_tests or released is not None)
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
    else:
        click.echo(render_result(result, hidden_pending=hidden_pending))
        if released is not None:  # a student release: the hidden tests are not here, and say so plainly
            points = f", {released['points']:g} points" if released.get("points") is not None else ""
            click.echo(f"Hidden tests ({released['tests']} tests{points}) are not part of this release: they run "
                       f"when your instructor grades, so your grade can be lower than this score.")
    if record_error:
        _fail(record_error, EXIT_USAGE)
    sys.exit(EXIT_OK if result["status"] == "passed" else EXIT_FAILED)


@main.command()
@click.argument("problem_id")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@JSON_OPTION
@DB_OPTION
def test(problem_id: str, file: str | None, as_json: bool, db: str | None) -> None:
    """Run the public tests of PROBLEM_ID on FILE (default workspace/PROBLEM_ID.py), with full feedback."""
    _run(problem_id, file, as_json, db, "test")


@main.command()
@click.argument("problem_id")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@JSON_OPTION
@DB_OPTION
def submit(problem_id: str, file: str | None, as_json: bool, db: str | None) -> None:
    """Run public and hidden tests on FILE, print the score report and record it in the history."""
    _run(problem_id, file, as_json, db, "submit")


@main.command()
@click.argument("problem_id", required=False)
@click.option("--limit", default=50, show_default=True, help="How many submissions to show.")
@JSON_OPTION
@DB_OPTION
def history(problem_id: str | None, limit: int, as_json: bool, db: str | None) -> None:
    """Past submissions, newest first (all problems, or PROBLEM_ID)."""
    root = _root()
    if problem_id:
        load_problem(root, problem_id)
    dbp = _db_path(root, db)
    rows = Store(dbp).history(problem_id, limit) if dbp.exists() else []
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no submissions yet: judge submit ID [FILE]")
        return
    table = [[r["id"], r["submitted_at"], r["kind"], r["problem"], r["status"],
              f"{r['score']:g}/{r['max_score']:g}", r["solution_path"]] for r in rows]
    click.echo(render_table(["#", "time (UTC)", "kind", "problem", "status", "score", "file"], table))


@main.command()
@click.argument("problem_ids", nargs=-1)
@JSON_OPTION
def validate(problem_ids: tuple[str, ...], as_json: bool) -> None:
    """Author's check of PROBLEM_IDS (default: all): schema, statement, reference full marks, starter zero,
    every mutant caught by a hidden test."""
    from judge.problems import problem_ids as all_ids
    from judge.validate import validate_problem

    root = _root()
    ids = list(problem_ids) or all_ids(root)
    results = []
    for pid in ids:
        v = validate_problem(root, pid)
        results.append(v)
        if not as_json:
            mark = click.style("ok", fg="green") if v.ok else click.style("FAIL", fg="red")
            click.echo(f"{pid:<30} reference {v.reference:<9} starter {v.starter:<9} "
                       f"mutants caught {v.mutants_caught}/{v.mutants_total}  {mark}")
            if v.cost:
                click.echo(f"    {v.cost}")
            for err in v.errors:
                click.echo(f"    {err}")
    if as_json:
        click.echo(json.dumps([v.as_dict() for v in results], indent=2))
    elif len(results) > 1:
        bad = sum(not v.ok for v in results)
        click.echo(f"{len(results) - bad} of {len(results)} problems valid")
    sys.exit(EXIT_OK if all(v.ok for v in results) else EXIT_FAILED)


@main.command("new")
@click.argument("problem_id", required=False)
@click.option("--track", help="The track of the new problem (an id from problems/tracks.toml).")
@click.option("--sync", is_flag=True, help="Only rewrite the learning path of problems/README.md.")
def new(problem_id: str | None, track: str | None, sync: bool) -> None:
    """Start problem PROBLEM_ID in a track: every file, with TODO(author) where only the author can write; then
    `judge validate PROBLEM_ID` lists what is left. Also rewrites the learning path of problems/README.md."""
    from judge.scaffold import create_problem, write_learning_path

    root = _root()
    if sync:
        click.echo(f"wrote the learning path of {write_learning_path(root)}")
        return
    if not problem_id or not track:
        _fail("pass a problem id and --track TRACK (or --sync to rewrite the learning path only)")
    for path in create_problem(root, problem_id, track):
        click.echo(f"wrote {path}")
    click.echo(f"next: write every TODO(author), at least 3 mutants in solutions/{problem_id}/mutants/, then run "
               f"'judge validate {problem_id}'")


import judge.cli_instructor  # noqa: E402,F401  (attaches grade, release, export to main)
