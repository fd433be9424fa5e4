"""What every ``judge`` command shares: exit codes, the one-line error style, and the click classes that apply it.

Imported by :mod:`judge.cli.main` and by the modules whose commands it registers (:mod:`judge.cli.instructor`); it
imports neither, so the CLI has no import circle.
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from judge.engine.problems import JudgeError, ProblemError, find_root

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One line on stderr, ``judge: error: MESSAGE``, then exit with ``code``. Control characters of the message
    (a student's file name in an OSError, say) are shown escaped, so it stays one line and inert."""
    from judge.grading.inert_text import visible

    click.echo(f"judge: error: {visible(message)}", err=True)
    sys.exit(code)


def quiet_broken_pipe() -> NoReturn:
    """The reader of our output went away (``judge show X | head``): like other command-line tools, stop
    silently with exit 0. Standard output is pointed at /dev/null so the exit's flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_OK)


def did_you_mean(word: str, candidates: list[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest candidates, or an empty string."""
    close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.6)
    if not close:
        close = [c for c in candidates if word and word in c][:3]
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


class Command(click.Command):
    """Turns ProblemError, JudgeError and OSError into one line on stderr and a documented exit code, and click's
    own usage errors (a missing or malformed argument) into the same one-line style with exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProblemError as exc:
            fail(str(exc), EXIT_USAGE)
        except JudgeError as exc:
            fail(f"internal: {exc}", EXIT_INTERNAL)
        except BrokenPipeError:
            quiet_broken_pipe()
        except OSError as exc:
            fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}; check the path and permissions")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # click >= 8.2: a bare group prints its help
                raise
            fail(f"{exc.format_message().rstrip('.')}; see '{ctx.command_path} --help'", EXIT_USAGE)


class Group(click.Group):
    """The ``judge`` group and its sub-groups: every command gets :class:`Command`'s error handling."""

    command_class = Command

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                            list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = did_you_mean(name, self.list_commands(ctx))
            fail(f"no such command '{name}'{close}; see '{ctx.command_path} --help'")
        return super().resolve_command(ctx, args)


def root() -> Path:
    """The repository root (see :func:`judge.engine.problems.find_root`)."""
    return find_root()


def file_argument(name: str = "file", required: bool = False) -> Any:
    """A FILE argument: a path that, if it exists, must be a file (checked with the one-line error style)."""
    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and Path(value).is_dir():
            shown = value or "''"  # an empty argument (a shell variable that expanded to nothing) names cwd
            fail(f"{shown}: is a directory; pass the .py or .ipynb file of your solution")
        return value

    return click.argument(name, required=required, callback=check)
