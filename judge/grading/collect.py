"""``judge collect``: an LMS submissions download (a folder or a zip) into ``SUBMISSIONS/<student>/<problem>.py``.

Supported downloads (detected, or named with ``--format``):

- ``canvas``: one flat folder, ``<name>_<userid>_<submissionid>_<file>`` (``<name>_LATE_<userid>_...`` when late);
  students match on the roster's ``canvas_id``, then on their name. Canvas puts no submission time in the
  download, only the LATE mark, which is kept.
- ``moodle``: a folder (or a file prefix) per submission, ``<Full Name>_<id>_assignsubmission_file_``; students
  match on ``moodle_id``, then on their name. No submission time.
- ``gradescope``: ``submission_<id>/`` folders and ``submission_metadata.yml``; students match on the SID (the
  roster's ``id`` or ``sis_user_id``), then email, then name; the time is ``:created_at:``.
- ``github``: one cloned repository per student, ``<assignment>-<github user>``; students match on the roster's
  ``github``; the time is the last commit's (``git log``), when git is installed.

Files match problems by normalized name (:mod:`judge.grading.names`) at the top of a submission or one folder
down; ``__MACOSX``, dotfiles and editor backups are ignored. Everything else, ambiguous files, students not in
the roster and roster students with no submission are written to ``collect_report.txt`` and ``collect.json``
(which also keeps each file's original name and submission time for ``judge grade``'s late penalties).

A download is untrusted: one bad entry is skipped and reported, never fatal to the class. Zip entries that cannot
be written (a name over 255 bytes, a file and a folder of one name, two entries of one name: neither is kept) are
listed as ignored; archives over MAX_ZIP_ENTRIES entries or MAX_UNZIPPED bytes are refused before anything is
unpacked. A submission whose student id would be a reserved or impossible folder name (``collect.json``, ``..``,
a dotfile, over 200 bytes), whose submission time cannot be read or is absurd (outside 1970..2999), or that
cannot be copied is reported with why. Without a roster, ids that collide get the LMS id appended
(``Ada_Lovelace_5551``); with one, a submission matched by an LMS id wins over one matched only by name, and two
of equal standing are both reported, never one kept over the other. The class folder is built in a temporary
folder next to ``out`` and renamed at the end: nothing is ever half-written.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from judge.engine.problems import ProblemError

from .bounded import METADATA_LIMIT, read_bounded
from .inert_text import visible
from .names import is_junk, match_problem
from .roster import bad_student_id

FORMATS = ("canvas", "moodle", "gradescope", "github")
CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)$")
MAX_UNZIPPED = 512 << 20
MAX_ZIP_ENTRIES = 50_000  # 1,250 students with a file for each of 39 problems + notes; 100,000 are refused
MAX_NAME_BYTES = 255  # one file name on Linux file systems
YEARS = (1970, 2999)  # a submission time outside these years is absurd (forged, or a broken clock)
SKIPPED = (OSError, ValueError, OverflowError, UnicodeError)  # what one entry can raise; never fatal to the class


@dataclass
class Entry:
    """One student's submission as the download has it."""

    label: str                                     # how the report names it
    ids: dict[str, str]                            # what can identify the student: canvas_id, name, email, ...
    files: list[tuple[Path, str]] = field(default_factory=list)  # (file here, its name in the download)
    submitted_at: str | None = None
    late_mark: bool = False
    bad: str | None = None                         # why this submission cannot be collected, found while reading


@dataclass
class CollectReport:
    format: str
    students: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    unmatched_students: list[dict[str, str]] = field(default_factory=list)
    unmatched_files: list[dict[str, str]] = field(default_factory=list)
    without_submission: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(len(p) for p in self.students.values())


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _zip_plan(infos: list[zipfile.ZipInfo]) -> tuple[list[tuple[zipfile.ZipInfo, tuple[str, ...]]], list[str]]:
    """The entries that can be unpacked safely, and why each other one is not: absolute paths, ``..``, links,
    names over MAX_NAME_BYTES, two entries of one name (neither kept) and a file that is also a folder (neither
    the file nor what is under the folder kept)."""
    skipped: list[str] = []
    candidates: list[tuple[zipfile.ZipInfo, tuple[str, ...]]] = []
    for info in infos:
        parts = tuple(p for p in PurePosixPath(info.filename.replace("\\", "/")).parts if p not in ("", "."))
        if info.filename.startswith(("/", "\\")) or ".." in parts or not parts:
            skipped.append(f"{info.filename} (refused: a path outside the download)")
        elif stat.S_ISLNK(info.external_attr >> 16):
            skipped.append(f"{info.filename} (refused: a link in the zip)")
        elif any(len(p.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES for p in parts):
            skipped.append(f"{info.filename} (refused: a name longer than {MAX_NAME_BYTES} bytes)")
        else:
            candidates.append((info, parts))
    files: dict[tuple[str, ...], int] = {}
    for info, parts in candidates:
        if not info.is_dir():
            files[parts] = files.get(parts, 0) + 1
    folders = {parts[:i] for info, parts in candidates for i in range(1, len(parts) + (1 if info.is_dir() else 0))}
    clashes = {f for f in files if f in folders}
    plan = []
    for info, parts in candidates:
        if not info.is_dir() and files[parts] > 1:
            skipped.append(f"{info.filename} (refused: {files[parts]} zip entries have this name; none is kept)")
        elif any(parts[:i] in clashes for i in range(1, len(parts) + 1)):
            skipped.append(f"{info.filename} (refused: a file and a folder have one name; neither is kept)")
        else:
            plan.append((info, parts))
    return plan, skipped


class _TooManyEntries(Exception):
    """An archive over MAX_ZIP_ENTRIES entries (args: how many)."""


def _declared_entries(archive: Path) -> int | None:
    """The entry count the zip's end record declares (zip64 too), read before the central directory is parsed,
    so an archive of millions of entries is refused without building millions of ZipInfo objects."""
    end_record = getattr(zipfile, "_EndRecData", None)  # CPython's reader of that record, 3.10 to 3.13
    try:
        with archive.open("rb") as fh:
            record = end_record(fh) if end_record is not None else None
        return int(record[zipfile._ECD_ENTRIES_TOTAL]) if record else None
    except (OSError, AttributeError, IndexError, TypeError, ValueError, zipfile.BadZipFile):
        return None


def _safe_extract(archive: Path, into: Path) -> list[str]:
    """Unzip refusing more than MAX_ZIP_ENTRIES entries or MAX_UNZIPPED bytes (before writing anything), and
    every entry :func:`_zip_plan` refuses or that cannot be written; returns why each was left out."""
    declared = _declared_entries(archive)
    try:
        if declared is not None and declared > MAX_ZIP_ENTRIES:
            raise _TooManyEntries(declared)
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise _TooManyEntries(len(infos))
            if sum(i.file_size for i in infos) > MAX_UNZIPPED:
                raise ProblemError(f"{archive}: unpacks to more than {MAX_UNZIPPED >> 20} MiB; unzip it yourself")
            plan, skipped = _zip_plan(infos)
            for info, parts in plan:
                target = into.joinpath(*parts)
                try:
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, open(target, "xb") as dst:
                        shutil.copyfileobj(src, dst)
                except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
                    skipped.append(f"{info.filename} (not unpacked: {getattr(exc, 'strerror', None) or exc})")
            return skipped
    except _TooManyEntries as exc:
        raise ProblemError(f"{archive}: has {exc.args[0]} entries, more than {MAX_ZIP_ENTRIES}; unzip it yourself "
                           f"and pass the folder") from None
    except zipfile.BadZipFile:
        raise ProblemError(f"{archive}: not a valid zip file; pass the download as downloaded, or a folder") from None


def _walk(folder: Path, base: Path, ignored: list[str]) -> list[tuple[Path, str]]:
    """Regular files under ``folder`` (not links, not junk) as (path, name relative to ``base``)."""
    out = []
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(base)
        if is_junk(f.relative_to(folder)):
            if not any(is_junk(Path(p)) for p in f.relative_to(folder).parent.parts):
                ignored.append(str(rel) + ("/" if f.is_dir() else ""))
            continue
        if f.is_symlink():
            ignored.append(f"{rel} (a link)")
        elif f.is_file():
            out.append((f, str(rel)))
    return out


def _detect(base: Path) -> str:
    names = [p.name for p in base.iterdir() if not is_junk(Path(p.name))]
    if "submission_metadata.yml" in names:
        return "gradescope"
    if any(MOODLE.match(n) for n in names):
        return "moodle"
    if any(CANVAS.match(n) for n in names):
        return "canvas"
    dirs = [p for p in base.iterdir() if p.is_dir() and not is_junk(Path(p.name))]
    if dirs and all((d / ".git").exists() for d in dirs):
        return "github"
    raise ProblemError(f"{base}: cannot tell which LMS this download comes from; pass --format "
                       f"({', '.join(FORMATS)})")


def _canvas(base: Path, ignored: list[str]) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for f, rel in _walk(base, base, ignored):
        m = CANVAS.match(Path(rel).parts[0])
        if m is None:
            ignored.append(f"{rel} (not a Canvas submission file name)")
            continue
        entry = entries.setdefault(m["uid"], Entry(f"{m['name']} (Canvas user {m['uid']})",
                                                   {"canvas_id": m["uid"], "name": m["name"]}))
        entry.late_mark = entry.late_mark or bool(m["late"])
        inner = m["file"] if len(Path(rel).parts) == 1 else str(Path(m["file"], *Path(rel).parts[1:]))
        entry.files.append((f, inner))
    return list(entries.values())


def _moodle(base: Path, ignored: list[str]) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for f, rel in _walk(base, base, ignored):
        top = Path(rel).parts[0]
        m = MOODLE.match(top)
        if m is None:
            ignored.append(f"{rel} (not a Moodle submission name)")
            continue
        entry = entries.setdefault(m["id"], Entry(f"{m['name']} (Moodle {m['id']})",
                                                  {"moodle_id": m["id"], "name": m["name"]}))
        inner = str(Path(*Path(rel).parts[1:])) if f.parent != base else m["file"]
        entry.files.append((f, inner))
    return list(entries.values())


def _gradescope_metadata(path: Path) -> dict[str, dict[str, Any]]:
    """submission folder -> {submitters: [{name, sid, email}], created_at} from submission_metadata.yml (the
    shape Gradescope writes; a full YAML parser is not needed for it)."""
    out: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    person: dict[str, str] | None = None
    text = read_bounded(path, METADATA_LIMIT, "pass the download as Gradescope wrote it").decode("utf-8", "replace")
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip())
        line = raw.strip()
        if indent == 0 and line.endswith(":"):
            current = out.setdefault(line[:-1].strip("'\""), {"submitters": [], "created_at": None})
            person = None
            continue
        if current is None:
            continue
        item = line.startswith("- ")
        if item:
            person = {}
            current["submitters"].append(person)
            line = line[2:].strip()
        key, _, value = line.partition(":") if not line.startswith(":") else line[1:].partition(":")
        key, value = key.strip().lstrip(":"), value.strip().strip("'\"")
        if key == "created_at" and value:
            try:
                current["created_at"] = _gs_time(value)
            except SKIPPED:
                current["bad_time"] = value
        elif person is not None and key in ("name", "sid", "email") and (item or indent >= 4):
            person[key] = value
    return out


def _plausible(moment: datetime) -> str:
    """``moment`` as ISO 8601; ValueError when its year is absurd (outside YEARS)."""
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError(f"absurd year {moment.year}")
    moment.astimezone(timezone.utc)  # OverflowError at the ends of datetime's range
    return moment.isoformat()


def _gs_time(value: str) -> str:
    """``2027-02-14 23:12:45.123456000 -0500`` (or ``-05:00``) as ISO 8601; ValueError when unreadable."""
    m = re.match(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$", value)
    if not m:
        raise ValueError("not a date-time")
    zone = m[3] or "+00:00"
    if zone == "Z":
        zone = "+00:00"
    elif ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    return _plausible(datetime.fromisoformat(f"{m[1]}T{m[2]}{zone}"))


def _gradescope(base: Path, ignored: list[str]) -> list[Entry]:
    meta = _gradescope_metadata(base / "submission_metadata.yml")
    entries = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not is_junk(Path(p.name))):
        info = meta.get(folder.name, {"submitters": [], "created_at": None})
        person = info["submitters"][0] if info["submitters"] else {}
        ids = {k: v for k, v in {"sid": person.get("sid", ""), "email": person.get("email", ""),
                                 "name": person.get("name", "")}.items() if v}
        entry = Entry(f"{folder.name} ({person.get('name', 'no submitter listed')})", {**ids, "lms": folder.name},
                      submitted_at=info["created_at"])
        if "bad_time" in info:
            entry.bad = f"unreadable or absurd submission time {info['bad_time']!r}"
        entry.files = [(f, str(Path(rel).relative_to(folder.name))) for f, rel in _walk(folder, base, ignored)]
        entries.append(entry)
    for f in base.iterdir():
        if f.is_file() and f.name != "submission_metadata.yml" and not is_junk(Path(f.name)):
            ignored.append(f"{f.name} (not in a submission folder)")
    return entries


def _git_time(repo: Path) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%cI"], capture_output=True,
                              text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = proc.stdout.strip()
    return _plausible(datetime.fromisoformat(text.replace("Z", "+00:00"))) if proc.returncode == 0 and text \
        else None


def _github(base: Path, ignored: list[str]) -> list[Entry]:
    entries = []
    for repo in sorted(p for p in base.iterdir() if p.is_dir() and not is_junk(Path(p.name))):
        entry = Entry(f"{repo.name} (repository)", {"repo": repo.name})
        try:
            entry.submitted_at = _git_time(repo) if (repo / ".git").exists() else None
        except SKIPPED as exc:
            entry.bad = f"unreadable or absurd time of the last commit ({exc})"
        entry.files = [(f, str(Path(rel).relative_to(repo.name))) for f, rel in _walk(repo, base, ignored)]
        entries.append(entry)
    return entries


def _match_student(entry: Entry, fmt: str, roster: list[dict[str, str]] | None) -> str | None:
    """The roster id of an entry's student; without a roster, an id made from the download's own."""
    ids = entry.ids
    if roster is None:
        raw = {"canvas": ids.get("name", "") + "_" + ids.get("canvas_id", ""), "moodle": ids.get("name", ""),
               "gradescope": ids.get("sid") or ids.get("email", "").split("@")[0] or ids.get("name", ""),
               "github": ids.get("repo", "")}[fmt]
        sid = re.sub(r"[^A-Za-z0-9_.-]+", "_", raw).strip("._")
        return sid or None
    def first(pred: Callable[[dict[str, str]], bool]) -> str | None:
        hits = [s["id"] for s in roster if pred(s)]
        return hits[0] if len(hits) == 1 else None

    name = _squash(ids.get("name", ""))

    def by_name(s: dict[str, str]) -> bool:  # "Ada Lovelace", "lovelaceada" (Canvas), "Lovelace Ada"
        full = s.get("name", "")
        return bool(name) and name in {_squash(full), _squash(" ".join(reversed(full.split())))}

    if fmt == "canvas":
        return first(lambda s: s.get("canvas_id") == ids["canvas_id"]) or first(by_name)
    if fmt == "moodle":
        return first(lambda s: s.get("moodle_id") == ids["moodle_id"]) or first(by_name)
    if fmt == "gradescope":
        sid, email = ids.get("sid", ""), ids.get("email", "").lower()
        return (first(lambda s: bool(sid) and sid in (s["id"], s.get("sis_user_id")))
                or first(lambda s: bool(email) and s.get("email", "").lower() == email) or first(by_name))
    repo = ids["repo"].lower()
    return first(lambda s: bool(s.get("github")) and (repo == s["github"].lower()
                                                      or repo.endswith("-" + s["github"].lower())))


def _lms_key(entry: Entry) -> str:
    """The id the LMS itself gives this submission (Canvas user, Moodle id, Gradescope submission, repository)."""
    ids = entry.ids
    return ids.get("canvas_id") or ids.get("moodle_id") or ids.get("lms") or ids.get("repo") or ""


def _by_lms_id(entry: Entry, fmt: str, student: dict[str, str]) -> bool:
    """Whether ``entry`` matches the roster row ``student`` by an id the LMS vouches for, not only by name."""
    ids = entry.ids
    if fmt == "canvas":
        return bool(student.get("canvas_id")) and student.get("canvas_id") == ids.get("canvas_id")
    if fmt == "moodle":
        return bool(student.get("moodle_id")) and student.get("moodle_id") == ids.get("moodle_id")
    if fmt == "gradescope":
        sid, email = ids.get("sid", ""), ids.get("email", "").lower()
        return (bool(sid) and sid in (student["id"], student.get("sis_user_id"))) or \
            (bool(email) and student.get("email", "").lower() == email)
    return True  # github: the repository name is the only identity


def _skip(report: CollectReport, entry: Entry, why: str) -> None:
    report.unmatched_students.append({"submission": entry.label, "files": ", ".join(n for _, n in entry.files),
                                      "why": why})


def _assign(entries: list[Entry], fmt: str, roster: list[dict[str, str]] | None, report: CollectReport
            ) -> list[tuple[Entry, str]]:
    """(entry, student id) of every entry that can be collected; the others are reported with why. Ids that
    collide: without a roster, each gets its LMS id appended; with one, an LMS-id match wins over name matches,
    and of two matches of equal standing neither is collected."""
    matched: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.bad:
            _skip(report, entry, entry.bad)
            continue
        student = _match_student(entry, fmt, roster)
        if student is None:
            _skip(report, entry, "no single roster student matches")
            continue
        matched.setdefault(student, []).append(entry)
    rows = {s["id"]: s for s in roster} if roster is not None else {}
    named: list[tuple[Entry, str]] = []
    for student, group in matched.items():
        if len(group) == 1:
            named.append((group[0], student))
        elif roster is None:  # two downloads' names sanitize alike: keep both, told apart by the LMS id
            named += [(entry, f"{student}_{_lms_key(entry)}".strip("._")) for entry in group]
        else:
            strong = [e for e in group if _by_lms_id(e, fmt, rows[student])]
            winner = strong[0] if len(strong) == 1 else None
            for entry in group:
                if entry is winner:
                    named.append((entry, student))
                elif winner is not None:
                    _skip(report, entry, f"matches {student} only by name; {winner.label} matches by LMS id")
                else:
                    _skip(report, entry, f"{len(group)} submissions in this download match {student}; none was "
                                         f"collected (collect that student's files by hand)")
    taken = [s for _, s in named]
    result = []
    for entry, student in named:
        why = bad_student_id(student) or (f"{student} already has a submission in this download"
                                          if taken.count(student) > 1 else None)
        if why:
            _skip(report, entry, why)
        else:
            result.append((entry, student))
    return result


def _copy_entry(entry: Entry, student: str, folder: Path, wanted: set[str], report: CollectReport) -> None:
    """Copy one entry's files matching a problem into ``folder`` (created here) and record them."""
    chosen: dict[str, list[tuple[int, int, Path, str]]] = {}
    unmatched = []
    for f, name in entry.files:
        depth = len(Path(name).parts) - 1
        problem = match_problem(Path(name).name, wanted) if depth <= 1 else None
        if problem is None:
            unmatched.append({"student": student, "file": name,
                              "why": "no problem has this name (or it is nested too deep)"})
            continue
        chosen.setdefault(problem, []).append((depth, 0 if Path(name).name == f"{problem}.py" else 1, f, name))
    collected: dict[str, dict[str, Any]] = {}
    folder.mkdir()
    for problem, options in sorted(chosen.items()):
        options.sort(key=lambda o: o[:2])
        best = [o for o in options if o[:2] == options[0][:2]]
        if len(best) > 1:
            names = ", ".join(o[3] for o in best)
            for o in options:
                unmatched.append({"student": student, "file": o[3],
                                  "why": f"ambiguous: {names} could each be {problem}.py"})
            continue
        _, _, f, name = options[0]
        shutil.copyfile(f, folder / f"{problem}.py", follow_symlinks=False)
        collected[problem] = {"original": name, "submitted_at": entry.submitted_at, "late_mark": entry.late_mark}
        for o in options[1:]:
            unmatched.append({"student": student, "file": o[3], "why": f"{name} was taken for {problem}"})
    report.students[student] = collected
    report.unmatched_files.extend(unmatched)


def collect(source: Path, out: Path, problems: list[str], *, fmt: str = "auto",
            roster: list[dict[str, str]] | None = None) -> CollectReport:
    """Turn the download ``source`` into ``out/<student>/<problem>.py`` and write the reports into ``out``. The
    folder is built next to ``out`` and renamed into place once complete."""
    if not source.exists():
        raise ProblemError(f"{source}: no such file or folder; pass the LMS download (a folder or a .zip)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ProblemError(f"{out}: already exists and is not empty; pass a new folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.collecting-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()  # the mode a plain mkdir of `out` would get (umask), unlike mkdtemp's 0700
    try:
        with tempfile.TemporaryDirectory(prefix="judge-collect-") as tmp:
            ignored: list[str] = []
            base = source
            if source.is_file():
                base = Path(tmp)
                ignored += _safe_extract(source, base)
            inner = [p for p in base.iterdir() if not is_junk(Path(p.name))]
            if len(inner) == 1 and inner[0].is_dir() and fmt != "github" and not (inner[0] / ".git").exists():
                base = inner[0]  # a zip holding one top folder
            fmt = _detect(base) if fmt == "auto" else fmt
            entries = {"canvas": _canvas, "moodle": _moodle, "gradescope": _gradescope, "github": _github}[fmt](
                base, ignored)
            report = CollectReport(fmt, ignored=ignored)
            wanted = set(problems)
            for entry, student in _assign(entries, fmt, roster, report):
                try:
                    _copy_entry(entry, student, staging / student, wanted, report)
                except SKIPPED as exc:  # one entry never stops the class; nothing of it is kept
                    report.students.pop(student, None)
                    shutil.rmtree(staging / student, ignore_errors=True)
                    _skip(report, entry, f"could not be collected: {getattr(exc, 'strerror', None) or exc}")
        if roster is not None:
            report.without_submission = sorted(s["id"] for s in roster if s["id"] not in report.students)
        write_reports(staging, report)
        if out.exists():
            out.rmdir()  # empty, checked above
        os.rename(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return report


def write_reports(out: Path, report: CollectReport) -> None:
    """collect.json (read by judge grade) and collect_report.txt (for people)."""
    doc = {"format": report.format, "collected_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "students": report.students, "unmatched_students": report.unmatched_students,
           "unmatched_files": report.unmatched_files, "without_submission": report.without_submission,
           "ignored": report.ignored}
    (out / "collect.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    lines = [f"judge collect ({report.format}): {len(report.students)} students matched, {report.files} files "
             f"collected", "", "matched (student/problem.py <- name in the download, submitted at):"]
    for student, problems in sorted(report.students.items()):
        for problem, e in sorted(problems.items()):
            when = e["submitted_at"] or ("unknown, marked LATE" if e["late_mark"] else "unknown")
            lines.append(f"  {student}/{problem}.py <- {e['original']} ({when})")
    lines += ["", f"submissions matching no roster student ({len(report.unmatched_students)}):"]
    lines += [f"  {u['submission']}: {u['why']} [{u['files']}]" for u in report.unmatched_students]
    lines += ["", f"files not collected ({len(report.unmatched_files)}):"]
    lines += [f"  {u['student']}: {u['file']}: {u['why']}" for u in report.unmatched_files]
    lines += ["", f"roster students without a submission ({len(report.without_submission)}):"]
    lines += [f"  {s}" for s in report.without_submission]
    lines += ["", f"ignored (__MACOSX, dotfiles, editor backups, links; {len(report.ignored)}):"]
    lines += [f"  {i}" for i in report.ignored]
    (out / "collect_report.txt").write_text("\n".join(visible(line) for line in lines) + "\n", encoding="utf-8")
