"""Reading an instructor's input files as bounded regular files: course.toml, the roster CSV, collect.json,
Gradescope's submission_metadata.yml, the autograder's submitted files and bundle config.

A path that is a device (``/dev/zero``), a fifo, a folder or a file over its limit is refused with one line naming
the file and the fix (:class:`~judge.problems.ProblemError`, exit 2) before more than ``limit`` bytes are read;
``nofollow`` also refuses a symbolic link (a student's submission). Parsed documents nested deeper than Python can
follow raise the same one-line error (:func:`parse_guard`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from judge.engine.problems import ProblemError

CONFIG_LIMIT = 4 << 20  # course.toml, roster.csv, collect.json, autograder.json
METADATA_LIMIT = 64 << 20  # Gradescope's submission_metadata.yml for a large class


def open_regular(path: str | Path, *, nofollow: bool = False) -> tuple[int, os.stat_result]:
    """An O_RDONLY descriptor of ``path`` and its fstat, or OSError/ProblemError when it is not a regular file.
    Never blocks on a fifo (O_NONBLOCK) and, with ``nofollow``, never follows a final symbolic link."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (os.O_NOFOLLOW if nofollow else 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if nofollow and os.path.islink(path):
            raise ProblemError(f"{path}: a symbolic link; only regular files are read") from None
        raise exc
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a device, fifo or socket"
        raise ProblemError(f"{path}: {kind}, not a regular file; pass the file itself")
    return fd, st


def read_bounded(path: str | Path, limit: int, fix: str, *, nofollow: bool = False) -> bytes:
    """The bytes of the regular file ``path``; ProblemError (naming ``fix``) when it is not one or is larger
    than ``limit`` bytes."""
    fd, st = open_regular(path, nofollow=nofollow)
    try:
        if st.st_size > limit:
            raise ProblemError(f"{path}: {st.st_size} bytes, more than the {limit >> 10} KiB allowed; {fix}")
        chunks, size = [], 0
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while read
                raise ProblemError(f"{path}: more than the {limit >> 10} KiB allowed; {fix}")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text_bounded(path: str | Path, limit: int, fix: str, *, nofollow: bool = False,
                      encoding: str = "utf-8") -> str:
    """:func:`read_bounded`, decoded; bytes that are not ``encoding`` are a one-line error too."""
    try:
        return read_bounded(path, limit, fix, nofollow=nofollow).decode(encoding)
    except UnicodeDecodeError as exc:
        raise ProblemError(f"{path}: not {encoding} text (byte {exc.start}); save it as {encoding}") from None


@contextmanager
def parse_guard(path: str | Path, fix: str) -> Iterator[None]:
    """Turns a parser's RecursionError (a document nested thousands deep) into a one-line ProblemError."""
    try:
        yield
    except RecursionError:
        raise ProblemError(f"{path}: nested too deeply to read; {fix}") from None

