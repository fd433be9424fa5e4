"""Instructor commands, attached to the ``judge`` click group: grade, release, export gradescope.

Loaded by the last line of :mod:`judge.cli`. Errors are one line on stderr with exit code 2 (usage or input),
1 (a release that failed its leak scan) or 3 (the judge itself failed on some pair; they are listed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from judge.cli import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, _Group, _root, main
from judge.problems import ProblemError

PROBLEMS_OPTION = click.option(
    "--problems", "problems", multiple=True, metavar="ID",
    help="Only these problems (repeat the option, or separate ids with commas); default: every problem.")


def _ids(problems: tuple[str, ...]) -> list[str]:
    return [p for item in problems for p in item.split(",") if p]


@main.command()
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@PROBLEMS_OPTION
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("grading"),
              show_default=True, help="Output folder: gradebook.db, grades.csv, results/, feedback/, report.html.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Pairs graded in parallel, one grading process each (default: the number of cores).")
@click.option("--regrade", is_flag=True, help="Grade every pair again, even those already in the gradebook.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and only the final summary.")
@click.option("--format", "formats", type=click.Choice(["gradescope"]), multiple=True,
              help="Also write results/<student>/results.json in Gradescope's results format.")
@click.option("--allow-weak-sandbox", is_flag=True,
              help="Grade even when only the 'process' sandbox tier is available (no bubblewrap).")
@click.option("--sandbox", "sandbox", type=click.Choice(["auto", "bwrap", "container", "process"]), default="auto",
              show_default=True, help="Sandbox tier of the workers; auto picks the strongest available.")
@click.option("--pair-timeout", type=click.FloatRange(min=1), default=900.0, show_default=True,
              help="Seconds after which a grading process stuck on one pair is killed (the pair is retried once).")
def grade(submissions: Path, problems: tuple[str, ...], out: Path, jobs: int | None, regrade: bool, quiet: bool,
          formats: tuple[str, ...], allow_weak_sandbox: bool, sandbox: str, pair_timeout: float) -> None:
    """Grade a class: SUBMISSIONS/<student>/<problem_id>.py, every (student, problem) pair, public and hidden
    tests, in parallel, into a resumable SQLite gradebook (a rerun grades only what changed or is missing).

    Writes OUT/grades.csv, OUT/results/<student>/<problem>.json, OUT/feedback/<student>.md and OUT/report.html.
    Exit 0 when every pair was graded, 3 when the judge itself failed on some pair (listed at the end)."""
    from judge.grading.grade import grade_class

    root = _root()
    summary = grade_class(
        root, submissions, out, problems=_ids(problems), jobs=jobs or os.cpu_count() or 1, regrade=regrade,
        progress=not quiet and sys.stdout.isatty(), gradescope="gradescope" in formats,
        allow_weak_sandbox=allow_weak_sandbox, sandbox=sandbox, pair_timeout_s=pair_timeout,
        warn=lambda m: click.echo(f"judge: warning: {m}", err=True),
    )
    rate = summary.graded / summary.elapsed_s if summary.elapsed_s else 0.0
    click.echo(f"graded {summary.graded} of {summary.total} pairs in {summary.elapsed_s:.1f} s ({rate:.1f} pairs/s, "
               f"sandbox: {summary.sandbox}); {summary.skipped} already graded and unchanged")
    if summary.ignored and not quiet:
        click.echo(f"ignored {len(summary.ignored)} file(s) that are not <student>/<problem_id>.py:")
        for f in summary.ignored[:50]:
            click.echo(f"  {f}")
        if len(summary.ignored) > 50:
            click.echo(f"  ... and {len(summary.ignored) - 50} more")
    elif summary.ignored:
        click.echo(f"ignored {len(summary.ignored)} file(s) that are not <student>/<problem_id>.py")
    click.echo(f"outputs in {out}: grades.csv, results/, feedback/, report.html, gradebook.db")
    if summary.judge_errors:
        click.echo(f"judge errors ({len(summary.judge_errors)} pairs, not graded, never counted as 0; rerun "
                   f"'judge grade' to retry them):", err=True)
        for student, problem, message in summary.judge_errors:
            click.echo(f"  {student}/{problem}: {message[:300]}", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@PROBLEMS_OPTION
def release(out_dir: Path, problems: tuple[str, ...]) -> None:
    """Write the student distribution to OUT_DIR (a new or empty folder): the judge, statements, starters and
    public tests; never hidden tests, references or mutants. The release is then scanned for any text of those,
    and deleted if anything leaked (exit 1)."""
    from judge.grading.release import build_release

    root = _root()
    report = build_release(root, out_dir, _ids(problems))
    if report.leaks:
        click.echo(f"judge: error: the release leaked hidden material and was deleted: {report.leaks[0]}", err=True)
        for leak in report.leaks[1:20]:
            click.echo(f"  {leak}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"wrote {out_dir}: {len(report.problems)} problems, {report.files} files; leak scan clean "
               f"({report.markers} distinctive strings of hidden tests, references and mutants searched)")
    click.echo("in the release, 'judge submit' runs the public tests; hidden tests run when you grade with "
               "'judge grade'")


@main.group("export", cls=_Group)
def export() -> None:
    """Export the judge for other graders (Gradescope)."""


@export.command("gradescope")
@click.argument("out_zip", type=click.Path(dir_okay=False, path_type=Path))
@PROBLEMS_OPTION
@click.option("--allow-weak-sandbox", is_flag=True,
              help="Let the autograder grade on the 'process' tier where bubblewrap cannot start and it is not root "
                   "(a submission could then read the hidden tests and rewrite its score); without it, such an image "
                   "gets a results.json that says the autograder is misconfigured.")
@click.option("--deadline", "deadline_s", type=click.FloatRange(min=30), default=480.0, show_default=True,
              help="The autograder's own overall deadline in seconds (keep it under the assignment's Gradescope "
                   "limit, 10 minutes by default): results.json is always written before it, with problems not "
                   "graded in time marked timeout.")
def export_gradescope(out_zip: Path, problems: tuple[str, ...], allow_weak_sandbox: bool, deadline_s: float) -> None:
    """Write a Gradescope autograder bundle OUT_ZIP (setup.sh, run_autograder, the judge and the problems with
    their hidden tests, no solutions): each submission's <problem_id>.py files are graded into
    results/results.json. JUDGE_AUTOGRADER_ROOT overrides Gradescope's /autograder root."""
    from judge.grading.gradescope import build_bundle
    from judge.problems import load_problem, problem_ids

    root = _root()
    ids = _ids(problems) or problem_ids(root)
    for pid in ids:
        if not load_problem(root, pid).test_files("all"):
            raise ProblemError(f"problems/{pid}: no test files; finish it or leave it out with --problems")
    if out_zip.suffix != ".zip":
        raise ProblemError(f"{out_zip}: the bundle must be a .zip file; pass a name ending in .zip")
    names = build_bundle(root, ids, out_zip, allow_weak_sandbox=allow_weak_sandbox, deadline_s=deadline_s)
    click.echo(f"wrote {out_zip}: {len(ids)} problems, {len(names)} files; upload it as the autograder of a "
               f"Gradescope programming assignment (students submit <problem_id>.py files)")
