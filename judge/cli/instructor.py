"""Instructor commands: collect, grade, override, merge, release, export gradescope.

They are collected on the group :data:`instructor`, and :mod:`judge.cli.main` registers each of them on the ``judge``
command (this module never imports the CLI). Errors are one line on stderr with exit code 2 (usage or input),
1 (a release that failed its leak scan) or 3 (the judge itself failed on some pair; they are listed). ``judge
grade`` interrupted with Ctrl-C exits 130 (EXIT_INTERRUPTED): what was graded is kept, a rerun resumes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from judge.cli.common import EXIT_FAILED, EXIT_INTERNAL, EXIT_OK
from judge.cli.common import Group as _Group
from judge.cli.common import root as _root
from judge.engine.problems import ProblemError

EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it; never confused with "tests failed" (1)
instructor = _Group("instructor")  # a collector: judge.cli.main adds every command defined on it to ``judge``

PROBLEMS_OPTION = click.option(
    "--problems", "problems", multiple=True, metavar="ID",
    help="Only these problems (repeat the option, or separate ids with commas); default: every problem.")


def _ids(problems: tuple[str, ...]) -> list[str]:
    return [p for item in problems for p in item.split(",") if p]


@instructor.command()
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
@click.option("--course", "course_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="course.toml: roster, assignments with weights and deadlines, late policy, extensions; also "
                   "writes canvas.csv and moodle.csv.")
@click.option("--shard", "shard", metavar="K/N", default=None,
              help="Grade only shard K of N (a fixed share of the pairs) into OUT; join shards with judge merge.")
@click.option("--no-similarity", is_flag=True, help="Skip the similarity report.")
@click.option("--known-sources", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="Also compare with known code: a past class folder (<name>/<problem>.py) or collected solutions "
                   "(<problem>/<name>.py); pairs with them are reported as known:<name>.")
def grade(submissions: Path, problems: tuple[str, ...], out: Path, jobs: int | None, regrade: bool, quiet: bool,
          formats: tuple[str, ...], allow_weak_sandbox: bool, sandbox: str, pair_timeout: float,
          course_file: Path | None, shard: str | None, no_similarity: bool, known_sources: Path | None) -> None:
    """Grade a class: SUBMISSIONS/<student>/<problem_id>.py, every (student, problem) pair, public and hidden
    tests, in parallel, into a resumable SQLite gradebook (a rerun grades only what changed or is missing).

    Writes OUT/grades.csv, OUT/results/<student>/<problem>.json, OUT/feedback/<student>.md, OUT/report.html,
    OUT/ignored.txt (every file not graded, and why) and with --course OUT/canvas.csv and OUT/moodle.csv.
    Exit 0 when every pair was graded, 3 when the judge itself failed on some pair (listed at the end), 130 when
    interrupted (Ctrl-C; rerun to resume)."""
    from judge.grading.course import load_course
    from judge.grading.grade import grade_class, log_lines, parse_shard
    from judge.grading.inert_text import visible

    root = _root()
    course = load_course(course_file) if course_file is not None else None
    try:
        summary = grade_class(
            root, submissions, out, problems=_ids(problems), jobs=jobs or os.cpu_count() or 1, regrade=regrade,
            progress=not quiet and sys.stdout.isatty(), gradescope="gradescope" in formats,
            allow_weak_sandbox=allow_weak_sandbox, sandbox=sandbox, pair_timeout_s=pair_timeout, course=course,
            shard=parse_shard(shard) if shard else None, similarity=not no_similarity, known_sources=known_sources,
            warn=lambda m: click.echo(f"judge: warning: {m}", err=True),
        )
    except KeyboardInterrupt:
        message = (f"judge: interrupted; every pair graded so far is kept in {out / 'gradebook.db'}; run the same "
                   f"command again to resume")
        click.echo(f"\n{message}", err=True)
        if out.is_dir():
            log_lines(out, [message])
        sys.exit(EXIT_INTERRUPTED)
    rate = summary.graded / summary.elapsed_s if summary.elapsed_s else 0.0
    shown = [f"graded {summary.graded} of {summary.total} pairs in {summary.elapsed_s:.1f} s ({rate:.1f} pairs/s, "
             f"sandbox: {summary.sandbox}); {summary.skipped} already graded and unchanged"]
    reasons = summary.reasons
    if reasons:
        shown.append(f"{len(reasons)} file(s) not graded (all listed in {out / 'ignored.txt'})"
                     + (":" if not quiet else ""))
        if not quiet:
            shown += [f"  {f}: {why}" for f, why in reasons[:50]]
            if len(reasons) > 50:
                shown.append(f"  ... and {len(reasons) - 50} more")
    if summary.removed:
        shown.append(f"removed the files of {len(summary.removed)} student(s) no longer in the class: "
                     f"{', '.join(summary.removed[:20])}")
    shown.append(f"outputs in {out}: grades.csv, results/, feedback/, report.html, gradebook.db"
                 + (", canvas.csv, moodle.csv, lms_exports.txt" if course is not None and not shard else "")
                 + (", SHARD.txt (a shard: join with judge merge)" if shard else ""))
    for line in shown:
        click.echo(visible(line))  # student file and folder names: a newline or an escape sequence is shown
    errors = []
    if summary.judge_errors:
        errors.append(f"judge errors ({len(summary.judge_errors)} pairs, not graded, never counted as 0; rerun "
                      f"'judge grade' to retry them):")
        errors += [f"  {student}/{problem}: {message[:300]}" for student, problem, message in summary.judge_errors]
        for line in errors:
            click.echo(visible(line), err=True)
    log_lines(out, shown + errors)
    sys.exit(EXIT_INTERNAL if summary.judge_errors else EXIT_OK)


@instructor.command()
@click.argument("download", type=click.Path(path_type=Path))
@click.argument("submissions", type=click.Path(file_okay=False, path_type=Path))
@PROBLEMS_OPTION
@click.option("--format", "fmt", type=click.Choice(["auto", "canvas", "moodle", "gradescope", "github"]),
              default="auto", show_default=True, help="Where the download comes from; auto detects it.")
@click.option("--course", "course_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="course.toml whose roster matches students (and whose assignments name the problems).")
@click.option("--roster", "roster_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A roster CSV (id, name, email, group, canvas_id, moodle_user_id, github, ...) when there is no "
                   "course file.")
@click.option("--worksheet", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Moodle: the assignment's grading worksheet CSV ('Download grading worksheet'); maps participant "
                   "ids to students and gives 'Last modified (submission)' times (needs --timezone).")
@click.option("--timezone", default=None,
              help="Moodle: the time zone of the account that downloaded the worksheet, e.g. Europe/Berlin.")
@click.option("--push-times", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="GitHub Classroom: push times of the repositories (CSV repository,pushed_at, or GitHub's JSON "
                   "list of the organisation's repositories); without it no late penalty is computed.")
@click.option("--trust-commit-dates", is_flag=True,
              help="GitHub Classroom: take each graded file's last commit date as its submission time (students "
                   "can set it; every report says so).")
@click.option("--anonymous-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Canvas anonymous grading: CSV anonymous_id,canvas_id mapping anon_<id> downloads to students.")
@click.option("--groups", is_flag=True,
              help="A group assignment (Canvas, GitHub): every member of the submitter's roster group (the "
                   "roster's 'group' column) gets the submission (also: groups = true on the assignment in "
                   "course.toml). Moodle and Gradescope groups need no flag.")
def collect(download: Path, submissions: Path, problems: tuple[str, ...], fmt: str, course_file: Path | None,
            roster_file: Path | None, worksheet: Path | None, timezone: str | None, push_times: Path | None,
            trust_commit_dates: bool, anonymous_key: Path | None, groups: bool) -> None:
    """Turn an LMS download (Canvas, Moodle or Gradescope submissions, a folder or a .zip; or a folder of GitHub
    Classroom repositories) into SUBMISSIONS/<student>/<problem_id>.py for judge grade. What matched and what did
    not is saved in SUBMISSIONS/collect_report.txt and collect.json (with submission times for late penalties)."""
    from judge.engine.problems import load_problem, problem_ids
    from judge.grading.collect import CollectOptions
    from judge.grading.collect import collect as run_collect
    from judge.grading.course import load_course, read_roster_csv
    from judge.grading.inert_text import log_line

    root = _root()
    course = load_course(course_file) if course_file is not None else None
    roster = course.students if course else (read_roster_csv(roster_file) if roster_file else None)
    ids = list(_ids(problems) or (course.problems if course else problem_ids(root)))
    for pid in list(ids):  # a student's own earlier solutions that a graded file imports are kept too
        try:
            ids += [dep for dep in load_problem(root, pid).builds_on if dep not in ids]
        except ProblemError:
            continue
    starters = {}
    for pid in ids:
        try:
            starters[pid] = load_problem(root, pid).starter.read_bytes()
        except (ProblemError, OSError):
            continue  # a problem of another root: no starter to compare with
    if course is not None and any(a.groups for a in course.assignments if set(a.problems) & set(ids)):
        groups = True  # course.toml says this is a group assignment
    options = CollectOptions(worksheet=worksheet, timezone=timezone, push_times=push_times,
                             trust_commit_dates=trust_commit_dates, anonymous_key=anonymous_key, groups=groups,
                             starters=starters)
    report = run_collect(download, submissions, ids, fmt=fmt, roster=roster, options=options)
    click.echo(f"collected {report.files} file(s) of {len(report.students)} student(s) from a {report.format} "
               f"download into {submissions}")
    click.echo(f"not matched: {len(report.unmatched_students)} submission(s), {len(report.unmatched_files)} "
               f"file(s); {len(report.without_submission)} roster student(s) without a submission; "
               f"{len(report.ignored)} ignored (see {submissions / 'collect_report.txt'})")
    for u in report.unmatched_students:
        click.echo(log_line(f"  not matched: {u['submission']}: {u['why']}"))


def _load_book(out: Path):  # noqa: ANN202 - a Gradebook, imported lazily
    from judge.grading.gradebook import Gradebook

    if not (out / "gradebook.db").is_file():
        raise ProblemError(f"{out}: no gradebook.db here; pass the --out folder of judge grade")
    return Gradebook(out / "gradebook.db")


@instructor.command()
@click.argument("student")
@click.argument("problem")
@click.argument("score", type=float, required=False)
@click.option("--reason", default="", help="Why (required when setting a score): kept with who and when.")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("grading"),
              show_default=True, help="The output folder of judge grade.")
@click.option("--remove", is_flag=True, help="Remove the override: the graded score counts again.")
def override(student: str, problem: str, score: float | None, reason: str, out: Path, remove: bool) -> None:
    """Set STUDENT's score on PROBLEM by hand (an accepted regrade request): stored in the gradebook with who,
    when and why, kept through every regrade, shown as an override in every output (rewritten now)."""
    import getpass

    from judge.grading.class_run import ClassRun
    from judge.grading.course import Course
    from judge.grading.grade import render_outputs

    with _load_book(out) as book:
        if (student, problem) not in {(s, p) for s in book.students() for p in book.problems()}:
            raise ProblemError(f"{student}/{problem}: not a pair of this gradebook; check the student and problem")
        if remove:
            if not book.remove_override(student, problem):
                raise ProblemError(f"{student}/{problem}: has no override to remove")
            click.echo(f"removed the override of {student}/{problem}")
        else:
            maxima = book.problem_max_scores()
            if score is None or not reason.strip():
                raise ProblemError("give SCORE and --reason 'why' (or --remove)")
            if not 0 <= score <= maxima.get(problem, 0):
                raise ProblemError(f"score {score:g}: must be between 0 and {problem}'s max score "
                                   f"{maxima.get(problem, 0):g}")
            book.set_override(student, problem, score, reason.strip(), getpass.getuser())
            click.echo(f"{student}/{problem}: {score:g} (override: {reason.strip()})")
        run = ClassRun.load(book)
        course = Course.from_json(run.course) if run.course else None
        if course is not None and course.overrides_file:
            from judge.grading.overrides import record

            record(Path(course.overrides_file), student, problem, None if remove else score, reason.strip(),
                   getpass.getuser())
            click.echo(f"recorded in {course.overrides_file} (applied by every grade and merge)")
        render_outputs(book, out, title=f"Class report: {Path(run.submissions or 'class').name}", course=course,
                       gradescope=run.gradescope)
    click.echo(f"rewrote the outputs in {out}")


@instructor.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument("shards", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--no-similarity", is_flag=True, help="Skip the similarity report.")
def merge(out: Path, shards: tuple[Path, ...], no_similarity: bool) -> None:
    """Join the output folders of judge grade --shard K/N runs into OUT (a new gradebook and every output).
    Refuses shards graded with different tests or judge versions, and a set missing a shard."""
    from judge.grading.shard import merge_gradebooks

    summary = merge_gradebooks(out, list(shards), _root(), similarity=not no_similarity)
    click.echo(f"merged {summary.shards} gradebook(s): {summary.pairs} pairs of {summary.students} students into "
               f"{out}; {summary.overrides} override(s); similarity {summary.similarity}")
    if summary.judge_errors:
        click.echo(f"judge errors in {len(summary.judge_errors)} pairs (regrade their shard to retry them)",
                   err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(EXIT_OK)


@instructor.command()
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


@instructor.group("export", cls=_Group)
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
    from judge.engine.problems import load_problem, problem_ids
    from judge.grading.gradescope import build_bundle

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
