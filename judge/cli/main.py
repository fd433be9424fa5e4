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

import click

from judge import __version__
from judge.cli import instructor as cli_instructor
from judge.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, Group, did_you_mean, fail, file_argument, root
from judge.cli.hints import parse_hints, without_hints
from judge.cli.progress import is_solved, next_per_track, next_problem, track_progress
from judge.cli.store import Store, changed_tests
from judge.engine.problems import Problem, ProblemError, list_problems, load_problem, problem_ids
from judge.engine.verdicts import ResultStatus
from judge.feedback.report import TestProgress, render_changes, render_result, render_table


def _db_path(root_dir: Path, db: str | None) -> Path:
    return Path(db) if db else root_dir / ".judge" / "judge.db"


def _best(root_dir: Path, db: str | None) -> dict[str, tuple[float, float]]:
    dbp = _db_path(root_dir, db)
    return Store(dbp).best_scores() if dbp.exists() else {}


def _problem(root_dir: Path, problem_id: str) -> Problem:
    """load_problem, with a did-you-mean for an unknown id."""
    if not (root_dir / "problems" / problem_id).is_dir():
        hint = did_you_mean(problem_id, problem_ids(root_dir))
        raise ProblemError(f"unknown problem '{problem_id}'{hint}; run 'judge list' to see the problem ids")
    return load_problem(root_dir, problem_id)


def _solution_path(root_dir: Path, problem: Problem, file: str | None) -> Path:
    if file:
        return Path(file)
    default = root_dir / "workspace" / f"{problem.id}.py"
    notebook = default.with_suffix(".ipynb")  # written by judge start --notebook
    if not default.is_file() and notebook.is_file():
        return notebook
    if not default.is_file():
        raise ProblemError(f"{default}: no such file; run 'judge start {problem.id}' or pass FILE")
    return default


DB_OPTION = click.option("--db", type=click.Path(dir_okay=False), default=None,
                         help="SQLite history file (default: .judge/judge.db in the repository).")
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a report.")
JSON_ARRAY_OPTION = click.option("--json", "as_json", is_flag=True,
                                 help="Print one JSON array (an object per row) instead of a report.")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="judge")
def main() -> None:
    """Exercises on causal vs masked language models, and the judge that scores them.

    Learners: list, next, show, hint, start, test, submit, history. Instructors: grade, release, export.
    Authors: new, validate.
    """


@main.command("list")
@click.option("--track", help="Only the problems of this track (an id from problems/tracks.toml).")
@JSON_ARRAY_OPTION
@DB_OPTION
def list_cmd(track: str | None, as_json: bool, db: str | None) -> None:
    """Problems in curriculum order, grouped by track, with your best submitted score and your progress per
    track and overall (solved = full marks on some submission)."""
    root_dir = root()
    problems = list_problems(root_dir)
    if track:
        tracks = list(dict.fromkeys(p.track.id for p in problems))
        if track not in tracks:
            raise ProblemError(f"unknown track '{track}'{did_you_mean(track, tracks)}; known tracks: "
                               f"{', '.join(tracks)}")
        problems = [p for p in problems if p.track.id == track]
    best = _best(root_dir, db)
    rows = [
        {
            "id": p.id, "title": p.title, "track": p.track.id, "track_title": p.track.title,
            "difficulty": p.difficulty, "order": p.order,
            "best_score": best[p.id][0] if p.id in best else None,
            "max_score": best[p.id][1] if p.id in best else None,
            "solved": is_solved(best.get(p.id)),
        }
        for p in problems
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no problems yet: add one under problems/ (see problems/AUTHORING.md)")
        return
    progress = {t.id: t for t in track_progress(problems, best)}
    id_w = max(len(r["id"]) for r in rows)
    title_w = max(len(r["title"]) for r in rows)
    current = None
    for r in rows:
        if r["track"] != current:
            current = r["track"]
            tp = progress[current]
            click.echo(click.style(f"\n{r['track_title']} [{r['track']}]", bold=True) + f"  {tp.solved} of {tp.total} "
                       f"solved")
        score = f"{r['best_score']:g}/{r['max_score']:g}" if r["best_score"] is not None else "-"
        mark = click.style("done", fg="green") if r["solved"] else "    "
        click.echo(f"  {mark} {r['id']:<{id_w}}  {r['title']:<{title_w}}  {r['difficulty']:<6}  best: {score}")
    solved = sum(r["solved"] for r in rows)
    click.echo(click.style(f"\n{solved} of {len(rows)} problems solved "
                           f"({100 * solved / len(rows):.0f}%)", bold=True) + "; 'judge next' suggests what to do next")


@main.command("next")
@JSON_OPTION
@DB_OPTION
def next_cmd(as_json: bool, db: str | None) -> None:
    """The problem to do next: the first unsolved one in the learning path whose prerequisites you have solved;
    then every track's next step (the capstone too), with what to solve first where a track is not open yet."""
    root_dir = root()
    problems, best = list_problems(root_dir), _best(root_dir, db)
    problem, why = next_problem(problems, best)
    steps = next_per_track(problems, best)
    if as_json:
        click.echo(json.dumps({"id": problem.id if problem else None, "title": problem.title if problem else None,
                               "reason": why, "tracks": [
                                   {"track": s.track, "next": s.problem.id if s.problem else None,
                                    "missing": s.missing, "start_with": s.start_with} for s in steps]}))
        return
    if problem is None:
        click.echo(f"Nothing left: {why}.")
        return
    click.echo(f"Next: {problem.id}: {problem.title} ({problem.track.title}, {problem.difficulty})")
    click.echo(f"  why: {why}")
    click.echo(f"  start: judge show {problem.id}; judge start {problem.id}")
    click.echo("Every track:")
    width = max(len(s.track) for s in steps)
    for s in steps:
        if s.problem is None:
            state = "done"
        elif not s.missing:
            state = f"{s.problem.id} (ready)"
        else:
            state = f"{s.problem.id} after {', '.join(s.missing)}"
            if s.start_with and len(s.missing) > 1:
                state += f" (start with {s.start_with})"
        click.echo(f"  {s.track:<{width}}  {state}")


@main.command()
@click.argument("problem_id")
def show(problem_id: str) -> None:
    """Print the statement of PROBLEM_ID (its hints stay hidden: 'judge hint PROBLEM_ID' reveals them one by one)."""
    problem = _problem(root(), problem_id)
    if not problem.statement.is_file():
        raise ProblemError(f"{problem.statement}: the statement is missing")
    text = problem.statement.read_text()
    click.echo(without_hints(text).rstrip())
    hints = parse_hints(text)
    if hints:
        click.echo(f"\n## Hints\n{len(hints)} hint(s), revealed one at a time: judge hint {problem.id}")
    click.echo(f"\n---\nEntry points: {', '.join(problem.entry_points)}. Limits per test: "
               f"{problem.time_limit_s:g} s of CPU time, {problem.memory_limit_mb} MB of memory; "
               f"{problem.submission_time_limit_s:g} s for all tests together. Allowed imports: "
               f"{', '.join(problem.allowed_imports)} (anything else is the verdict 'forbidden').")
    if problem.builds_on:
        click.echo(f"Builds on: {', '.join(problem.builds_on)}. Your file may import your own solution of each "
                   f"(from {problem.builds_on[0]} import ...): the file of that name beside yours, .py or .ipynb "
                   f"(judge test/submit --imports-from DIR: another folder). Graded with the same student's file, "
                   f"never another's; see the statement.")


@main.command()
@click.argument("problem_id")
@JSON_OPTION
@DB_OPTION
def hint(problem_id: str, as_json: bool, db: str | None) -> None:
    """Reveal the next hint of PROBLEM_ID (one more each time; the ones already revealed are shown again).
    Revealed hints are recorded in the history."""
    root_dir = root()
    problem = _problem(root_dir, problem_id)
    hints = parse_hints(problem.statement.read_text()) if problem.statement.is_file() else []
    if not hints:
        raise ProblemError(f"{problem.statement}: this statement has no hints")
    with Store(_db_path(root_dir, db)) as store:
        before = store.hints_revealed(problem.id)
        shown = store.reveal_hint(problem.id, len(hints))
    if as_json:
        click.echo(json.dumps({"problem": problem.id, "revealed": shown, "total": len(hints),
                               "hints": hints[:shown]}))
        return
    for i, text in enumerate(hints[:shown], 1):
        click.echo(click.style(f"Hint {i} of {len(hints)}: ", bold=i == shown) + text)
    if shown == before:
        click.echo(f"(all {len(hints)} hints are revealed)")
    elif shown < len(hints):
        click.echo(f"({len(hints) - shown} more: judge hint {problem.id})")


@main.command()
@click.argument("problem_id")
@click.option("--force", is_flag=True, help="Overwrite an existing workspace file.")
@click.option("--notebook", is_flag=True,
              help="Write workspace/PROBLEM_ID.ipynb instead: the statement, the starter in a %%judge cell, the "
                   "statement's examples and a submit cell.")
def start(problem_id: str, force: bool, notebook: bool) -> None:
    """Copy the starter of PROBLEM_ID to workspace/PROBLEM_ID.py (never overwrites without --force); with
    --notebook, write workspace/PROBLEM_ID.ipynb (then 'judge test PROBLEM_ID' uses it when there is no .py)."""
    root_dir = root()
    problem = _problem(root_dir, problem_id)
    target = root_dir / "workspace" / f"{problem.id}{'.ipynb' if notebook else '.py'}"
    if target.exists() and not force:
        raise ProblemError(f"{target} already exists; edit it, or pass --force to replace it with the starter")
    target.parent.mkdir(exist_ok=True)
    if notebook:
        import nbformat

        from judge.cli.start_notebook import starter_notebook

        nbformat.write(starter_notebook(problem, target.name), str(target))
        click.echo(f"created {target}\nopen it in Jupyter (from the repository, with .venv's Python as the "
                   f"kernel) and run its cells; or judge test {problem.id} {target}")
    else:
        shutil.copyfile(problem.starter, target)
        click.echo(f"created {target}\nread the statement: judge show {problem.id}\nrun the public tests: "
                   f"judge test {problem.id}")
    unsolved = _unsolved_prerequisites(root_dir, problem)
    if unsolved:
        click.echo(f"note: its prerequisites {', '.join(unsolved)} are not solved yet (it starts anyway; "
                   f"'judge next' suggests an order)")
    if problem.builds_on:
        from judge.engine.builds_on import beside

        found = beside(problem, target.parent)
        there = ", ".join(f"{p.name}" for p in found.values() if p is not None)
        absent = [dep for dep, p in found.items() if p is None]
        pronoun = "them" if len(problem.builds_on) > 1 else "it"
        click.echo(f"it builds on your own {' and '.join(problem.builds_on)}: the starter imports {pronoun} from "
                   f"{target.parent}" + (f" (found: {there})" if there else "")
                   + (f"; not there yet: {', '.join(f'{d}.py' for d in absent)} (judge start {absent[0]})"
                      if absent else ""))


def _unsolved_prerequisites(root_dir: Path, problem: Problem, db: str | None = None) -> list[str]:
    best = _best(root_dir, db)
    return [pre for pre in problem.prerequisites if not is_solved(best.get(pre))]


IMPORTS_FROM_OPTION = click.option(
    "--imports-from", "imports_from", metavar="DIR", default=None,
    type=click.Path(exists=True, file_okay=False, dir_okay=True),
    help="For a problem that builds on earlier ones: the folder of your own solutions it imports "
         "(default: FILE's folder).")


def _run(problem_id: str, file: str | None, as_json: bool, db: str | None, kind: str,
         imports_from: str | None = None) -> None:
    from judge.engine.runner import collect_tests, run_solution  # pytest and NumPy: only commands that judge
    from judge.grading.release import released_hidden

    """judge test (kind "test": public tests, not recorded) or judge submit (kind "submit": public and hidden
    tests, recorded in the history)."""
    root_dir = root()
    problem = _problem(root_dir, problem_id)
    visibility = "all" if kind == "submit" and problem.has_hidden_tests else "public"
    path = _solution_path(root_dir, problem, file)
    progress = None
    if not as_json and sys.stdout.isatty():  # on a terminal: each test's verdict as it comes, then the report
        progress = TestProgress(problem.id, len(collect_tests(problem, visibility)), sys.stdout)
    try:
        result = run_solution(problem, path, visibility, validate=False, on_test=progress, imports_from=imports_from)
    finally:
        if progress is not None:
            progress.done()
    record_error = number = None
    if kind == "submit":
        try:
            with Store(_db_path(root_dir, db)) as store:
                number = store.record(result, str(path), kind)
        except (sqlite3.Error, OSError) as exc:  # the result is still printed: nothing is lost
            record_error = f"{_db_path(root_dir, db)}: could not record this run ({exc}); check --db"
    released = released_hidden(root_dir, problem.id) if visibility == "public" else None
    if as_json:
        click.echo(json.dumps(result, sort_keys=True))
    else:
        if released is not None:
            pending = "the hidden tests run when your instructor grades"
        elif visibility == "public" and problem.has_hidden_tests:
            pending = f"'judge submit {problem.id}' adds the hidden tests and records your score"
        else:
            pending = None
        click.echo(render_result(result, pending=pending))
        if released is not None:  # a student release: the hidden tests are not here, and say so plainly
            points = f", {released['points']:g} points" if released.get("points") is not None else ""
            click.echo(f"Hidden tests ({released['tests']} tests{points}) are not part of this release: they run "
                       f"when your instructor grades, so your grade can be lower than this score.")
        if number is not None:
            click.echo(f"Recorded as #{number}: judge history --attempt {number}")
    if record_error:
        fail(record_error, EXIT_USAGE)
    sys.exit(EXIT_OK if result["status"] == ResultStatus.PASSED else EXIT_FAILED)


@main.command()
@click.argument("problem_id")
@file_argument()
@JSON_OPTION
@IMPORTS_FROM_OPTION
def test(problem_id: str, file: str | None, as_json: bool, imports_from: str | None) -> None:
    """Run the public tests of PROBLEM_ID on FILE (default workspace/PROBLEM_ID.py), with full feedback.
    Not recorded: 'judge submit' records."""
    _run(problem_id, file, as_json, None, "test", imports_from)


@main.command()
@click.argument("problem_id")
@file_argument()
@JSON_OPTION
@DB_OPTION
@IMPORTS_FROM_OPTION
def submit(problem_id: str, file: str | None, as_json: bool, db: str | None, imports_from: str | None) -> None:
    """Run public and hidden tests on FILE (default workspace/PROBLEM_ID.py), print the score report and record
    it in the history."""
    _run(problem_id, file, as_json, db, "submit", imports_from)


@main.command()
@click.argument("problem_id", required=False)
@click.option("--attempt", "attempt", type=int, metavar="N",
              help="Show submission N (the # column) in full, and which tests changed since the one before.")
@click.option("--against", "against", type=int, metavar="M",
              help="With --attempt: compare with submission M instead of the previous one of that problem.")
@click.option("--limit", default=50, show_default=True, help="How many submissions to list.")
@JSON_OPTION
@DB_OPTION
def history(problem_id: str | None, attempt: int | None, against: int | None, limit: int, as_json: bool,
            db: str | None) -> None:
    """Your past submissions, newest first (all problems, or PROBLEM_ID), and the hints you revealed.
    With --attempt N: that submission's full report and which tests changed since the previous one."""
    root_dir = root()
    if problem_id:
        _problem(root_dir, problem_id)
    dbp = _db_path(root_dir, db)
    if against is not None and attempt is None:
        raise ProblemError("--against needs --attempt N: pass the submission to compare with M")
    if attempt is not None:
        _show_attempt(dbp, problem_id, attempt, against, as_json)
        return
    store = Store(dbp) if dbp.exists() else None
    rows = store.history(problem_id, limit) if store else []
    hints = store.hint_log(problem_id) if store else []
    if as_json:
        click.echo(json.dumps({"submissions": rows, "hints": hints}, indent=2))
        return
    if not rows:
        click.echo("no submissions yet: judge submit ID [FILE]")
    else:
        table = [[r["id"], r["submitted_at"], r["problem"], r["status"], f"{r['score']:g}/{r['max_score']:g}",
                  r["solution_path"]] for r in rows]
        click.echo(render_table(["#", "time (UTC)", "problem", "status", "score", "file"], table))
        click.echo("a full report: judge history --attempt N")
    if hints:
        per: dict[str, int] = {}
        for h in hints:
            per[h["problem"]] = max(per.get(h["problem"], 0), h["number"])
        click.echo("hints revealed: " + ", ".join(f"{p} {n}" for p, n in per.items()))


def _show_attempt(dbp: Path, problem_id: str | None, number: int, against: int | None, as_json: bool) -> None:
    store = Store(dbp) if dbp.exists() else None
    row = store.attempt(number) if store else None
    if row is None or (problem_id and row["problem"] != problem_id):
        where = f" of {problem_id}" if problem_id else ""
        raise ProblemError(f"no submission #{number}{where} in {dbp}; 'judge history' lists the numbers")
    other_n = against if against is not None else store.previous_attempt(number)
    other = store.attempt(other_n) if other_n is not None else None
    if against is not None and other is None:
        raise ProblemError(f"no submission #{against} in {dbp}; 'judge history' lists the numbers")
    changes = changed_tests(other["result"], row["result"]) if other else None
    if as_json:
        click.echo(json.dumps({"attempt": {k: v for k, v in row.items() if k != "result"}, "result": row["result"],
                               "compared_with": other_n if other else None, "changes": changes}, indent=2))
        return
    click.echo(f"#{number}  {row['submitted_at']} UTC  {row['solution_path']}")
    click.echo(render_result(row["result"]))
    if other is None:
        click.echo("(the first submission of this problem: nothing to compare with)")
    else:
        click.echo(render_changes(changes, other_n, number))


@main.command()
@click.argument("problem_ids", nargs=-1)
@JSON_ARRAY_OPTION
def validate(problem_ids: tuple[str, ...], as_json: bool) -> None:
    """Author's check of PROBLEM_IDS (default: all): schema, statement, reference full marks, starter zero,
    every mutant caught by a hidden test, every test's category."""
    from judge.authoring.validate import validate_problem
    from judge.engine.problems import problem_ids as all_ids

    root_dir = root()
    ids = list(problem_ids) or all_ids(root_dir)
    results = []
    for pid in ids:
        v = validate_problem(root_dir, pid)
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
    from judge.authoring.scaffold import create_problem, write_learning_path

    root_dir = root()
    if sync:
        click.echo(f"wrote the learning path of {write_learning_path(root_dir)}")
        return
    if not problem_id or not track:
        fail("pass a problem id and --track TRACK (or --sync to rewrite the learning path only)")
    for path in create_problem(root_dir, problem_id, track):
        click.echo(f"wrote {path}")
    click.echo(f"next: write every TODO(author), at least 3 mutants in solutions/{problem_id}/mutants/, then run "
               f"'judge validate {problem_id}'")


for _command in cli_instructor.instructor.commands.values():  # grade, release, export: defined there
    main.add_command(_command)
