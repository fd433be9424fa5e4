"""``judge collect``: an LMS submissions download (a folder or a zip) into ``SUBMISSIONS/<student>/<problem>.py``.

Supported downloads (detected, or named with ``--format``); each fixture in tests/test_collect.py and
tests/test_lms_roundtrip.py cites the LMS source it is modelled on:

- ``canvas``: one flat folder, ``<sortable name>_<userid>_<attachmentid>_<file>`` (``..._LATE_<userid>_...`` when
  late; ``anon_<anonymous id>_...`` under anonymous grading), as canvas-lms ``lib/content_zipper.rb`` writes it.
  Students match on the roster's ``canvas_id``, then on their name; anonymous ids through ``--anonymous-key``.
  Canvas puts no time in the download, only the LATE mark, which is kept (course.toml's ``late_mark_days``
  says what it costs). A group assignment's download holds one representative per group: ``--groups`` gives
  the submission to every member of the representative's roster group.
- ``moodle``: a folder (or a file prefix) per submission, ``<Full Name>_<participant id>_assignsubmission_file_``,
  ``<Group>-<Full Name>_<id>_...`` for team submissions (moodle ``mod/assign/locallib.php``). The participant
  id is per assignment, not the user id: students match through ``--worksheet`` (the grading worksheet maps it
  to a name and email and gives ``Last modified (submission)``, read in ``--timezone``), else by name.
- ``gradescope``: ``submission_<id>/`` folders and ``submission_metadata.yml``; every submitter of a submission
  (several for a group) matches on the SID (roster ``id`` or ``sis_user_id``), then email, then name; the time is
  the active submission's own ``:created_at:``, never one of ``:history:``.
- ``github``: one cloned repository per student or team, ``<assignment>-<github user or team>`` (longest
  suffix wins); a commit date is whatever the student's clock said, so it is recorded but never used for a
  penalty unless the instructor supplies push times (``--push-times``) or says to trust commit dates (of the
  commit that last changed each graded file, ``--trust-commit-dates``).

Files match problems by normalized name (:mod:`judge.grading.names`) at the top of a submission or one folder
down, inside a zip or tar the student uploaded too (opened with size, count and path checks); an untouched
template starter loses to the student's own file; ``__MACOSX``, dotfiles and editor backups are ignored.
Everything else, ambiguous files, entries no roster student claims and roster students with no submission are
written to ``collect_report.txt`` and ``collect.json`` (which also keeps each file's original name, submission
time, where the time came from, the LATE mark and the group, for ``judge grade``).

A download is untrusted: one bad entry is skipped and reported, never fatal to the class. Zip entries that cannot
be written (a name over 255 bytes, a file and a folder of one name, two entries of one name: neither is kept) are
listed as ignored; archives over MAX_ZIP_ENTRIES entries or MAX_UNZIPPED bytes are refused before anything is
unpacked. A submission whose student id would be a reserved or impossible folder name (``collect.json``, ``..``,
a dotfile, over 200 bytes), whose submission time (or last commit's) cannot be read or is absurd (outside
1970..2999), or that cannot be copied is reported with why. Without a roster, ids that collide get the LMS id appended
(``Ada_Lovelace_5551``); with one, a submission matched by an LMS id wins over one matched only by name, and two
of equal standing are both reported, never one kept over the other. The class folder is built in a temporary
folder next to ``out`` and renamed at the end: nothing is ever half-written.
"""


from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import subprocess
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Any

from judge.engine.problems import ProblemError

from . import manifest
from .bounded import CONFIG_LIMIT, read_bounded
from .identity import group_key, longest_suffix, name_key, name_keys
from .inert_text import visible
from .lms_formats import WorksheetRow, gradescope_metadata, moodle_worksheet, plausible, push_times
from .names import is_junk, match_problem, preference
from .roster import bad_student_id

FORMATS = ("canvas", "moodle", "gradescope", "github")
CANVAS = re.compile(r"^(?P<name>[^_]+)_(?:(?P<late>LATE)_)?(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
CANVAS_ANON = re.compile(r"^(?:(?P<late>LATE)_)?anon_(?P<anon>[A-Za-z0-9]+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)$")
MOODLE_NO_GROUP = "Default group"  # get_string('defaultteam', 'assign'): a team submission outside any group
MAX_UNZIPPED = 512 << 20
MAX_ZIP_ENTRIES = 50_000  # 1,250 students with a file for each of 39 problems + notes; 100,000 are refused
MAX_NAME_BYTES = 255  # one file name on Linux file systems
MAX_INNER_BYTES = 64 << 20  # a zip or tar a student uploaded: what it may unpack to
MAX_INNER_FILES = 2000
ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz")
SKIPPED = (OSError, ValueError, OverflowError, UnicodeError)  # what one entry can raise; never fatal to the class

@dataclass
class Entry:
    """One submission as the download has it (one student's, or a group's)."""

    label: str                                     # how the report names it
    ids: dict[str, str]                            # what can identify the submitter: canvas_id, name, email, ...
    files: list[tuple[Path, str]] = field(default_factory=list)  # (file here, its name in the download)
    submitted_at: str | None = None
    late_mark: bool = False
    time_source: str = ""                          # where submitted_at comes from, or why there is none
    members: list[dict[str, str]] = field(default_factory=list)  # further submitters of a group submission
    group: str = ""                                # the group the download names, if any
    commit_time: str | None = None                 # GitHub: the last commit's date (never a penalty by itself)
    lms_ref: str = ""                              # how the LMS's feedback upload names this submission
    bad: str | None = None                         # why this submission cannot be collected, found while reading



@dataclass
class CollectOptions:
    """What the instructor supplies beside the download."""

    worksheet: Path | None = None        # Moodle grading worksheet (CSV)
    timezone: str | None = None          # the worksheet's time zone
    push_times: Path | None = None       # GitHub push times (CSV repository,pushed_at or GitHub's JSON)
    trust_commit_dates: bool = False     # GitHub: penalties from commit dates, said so in every output
    anonymous_key: Path | None = None    # Canvas: CSV anonymous_id,canvas_id (or id)
    groups: bool = False                 # a group assignment: every member of the submitter's roster group
    starters: dict[str, bytes] = field(default_factory=dict)  # problem -> its starter file, untouched



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


def _safe_extract(archive: Path, into: Path, limit: int = MAX_UNZIPPED, max_entries: int = MAX_ZIP_ENTRIES
                  ) -> list[str]:
    """Unzip refusing more than ``max_entries`` entries or ``limit`` bytes (before writing anything, and again
    while writing: the sizes a zip declares may lie), and every entry :func:`_zip_plan` refuses or that cannot
    be written; returns why each was left out."""
    declared = _declared_entries(archive)
    try:
        if declared is not None and declared > max_entries:
            raise _TooManyEntries(declared)
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if len(infos) > max_entries:
                raise _TooManyEntries(len(infos))
            if sum(i.file_size for i in infos) > limit:
                raise ProblemError(f"{archive}: unpacks to more than {limit >> 20} MiB; unzip it yourself")
            written = 0
            plan, skipped = _zip_plan(infos)
            for info, parts in plan:
                target = into.joinpath(*parts)
                try:
                    if info.is_dir():
                        target.mkdir(parents=True, exist_ok=True)
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src, open(target, "xb") as dst:
                        while chunk := src.read(1 << 20):
                            written += len(chunk)
                            if written > limit:
                                raise ProblemError(f"{archive}: unpacks to more than {limit >> 20} MiB")
                            dst.write(chunk)
                except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
                    skipped.append(f"{info.filename} (not unpacked: {getattr(exc, 'strerror', None) or exc})")
            return skipped
    except _TooManyEntries as exc:
        raise ProblemError(f"{archive}: has {exc.args[0]} entries, more than {max_entries}; unzip it yourself "
                           f"and pass the folder") from None
    except zipfile.BadZipFile:
        raise ProblemError(f"{archive}: not a valid zip file; pass the download as downloaded, or a folder") from None



def _safe_untar(archive: Path, into: Path) -> None:
    """Untar regular files and folders only, inside ``into``, within the size and count limits."""
    try:
        with tarfile.open(archive) as tf:
            members = tf.getmembers()
            if len(members) > MAX_INNER_FILES:
                raise ProblemError(f"{archive}: holds {len(members)} entries, more than {MAX_INNER_FILES}")
            if sum(m.size for m in members if m.isfile()) > MAX_INNER_BYTES:
                raise ProblemError(f"{archive}: unpacks to more than {MAX_INNER_BYTES >> 20} MiB")
            for m in members:
                name = PurePosixPath(m.name.replace("\\", "/"))
                if name.is_absolute() or ".." in name.parts or not (m.isfile() or m.isdir()):
                    continue
                target = into.joinpath(*name.parts)
                if m.isdir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                src = tf.extractfile(m)
                if src is not None:
                    with src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ProblemError(f"{archive}: not a readable tar file ({exc})") from None


def _open_archives(files: list[tuple[Path, str]], scratch: Path, problems: list[tuple[str, str]]
                   ) -> list[tuple[Path, str]]:
    """Files of a submission with every zip or tar it holds replaced by the files inside (``x.zip/inner.py``).
    An archive that cannot be opened safely is listed in ``problems`` as (name, why) and left out."""
    out = []
    for f, name in files:
        if not name.lower().endswith(ARCHIVES):
            out.append((f, name))
            continue
        target = Path(tempfile.mkdtemp(prefix="inner-", dir=scratch))
        try:
            if name.lower().endswith(".zip"):
                for why in _safe_extract(f, target, MAX_INNER_BYTES, MAX_INNER_FILES):
                    problems.append((f"{name}/{why}", "left out of the archive"))
            else:
                _safe_untar(f, target)
        except ProblemError as exc:
            problems.append((name, f"an archive that was not opened: {str(exc).split(': ', 1)[-1]}"))
            continue
        inner = [p for p in target.iterdir() if not is_junk(Path(p.name))]
        root = inner[0] if len(inner) == 1 and inner[0].is_dir() else target  # a zip of one folder
        for g in sorted(root.rglob("*")):
            if g.is_file() and not g.is_symlink() and not is_junk(g.relative_to(root)):
                out.append((g, str(PurePosixPath(*g.relative_to(root).parts))))
    return out



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
    if any(CANVAS.match(n) or CANVAS_ANON.match(n) for n in names):
        return "canvas"
    dirs = [p for p in base.iterdir() if p.is_dir() and not is_junk(Path(p.name))]
    if dirs and all((d / ".git").exists() for d in dirs):
        return "github"
    raise ProblemError(f"{base}: cannot tell which LMS this download comes from; pass --format "
                       f"({', '.join(FORMATS)})")



def _canvas(base: Path, ignored: list[str], opts: CollectOptions) -> list[Entry]:
    entries: dict[str, Entry] = {}
    for f, rel in _walk(base, base, ignored):
        top = Path(rel).parts[0]
        anon = CANVAS_ANON.match(top)
        m = anon or CANVAS.match(top)
        if m is None:
            ignored.append(f"{rel} (not a Canvas submission file name)")
            continue
        if anon:
            key = "anon_" + anon["anon"]
            entry = entries.setdefault(key, Entry(f"anonymous {anon['anon']} (Canvas)", {"anonymous_id": anon["anon"]},
                                                  time_source="none: Canvas downloads carry no time"))
        else:
            key = m["uid"]
            entry = entries.setdefault(key, Entry(f"{m['name']} (Canvas user {m['uid']})",
                                                  {"canvas_id": m["uid"], "name": m["name"]},
                                                  time_source="none: Canvas downloads carry no time",
                                                  lms_ref=f"{m['name']}_{m['uid']}_{m['sub']}"))
        entry.late_mark = entry.late_mark or bool(m["late"])
        inner = m["file"] if len(Path(rel).parts) == 1 else str(Path(m["file"], *Path(rel).parts[1:]))
        entry.files.append((f, inner))
    return list(entries.values())


def _moodle_name(name: str) -> tuple[str, str]:
    """(group, full name) of a Moodle prefix; here only ``Default group-<name>`` (a team submission outside any
    group, i.e. no group) is split: ``<Group>-<name>`` needs the roster's or the worksheet's groups."""
    if name.startswith(MOODLE_NO_GROUP + "-"):
        return "", name[len(MOODLE_NO_GROUP) + 1:]
    return "", name


def _moodle(base: Path, ignored: list[str], opts: CollectOptions) -> list[Entry]:
    sheet = moodle_worksheet(opts.worksheet, opts.timezone) if opts.worksheet else {}
    entries: dict[str, Entry] = {}
    for f, rel in _walk(base, base, ignored):
        top = Path(rel).parts[0]
        m = MOODLE.match(top)
        if m is None:
            ignored.append(f"{rel} (not a Moodle submission name)")
            continue
        if m["id"] not in entries:
            row: WorksheetRow | None = sheet.get(m["id"])
            group, name = _moodle_name(m["name"])
            ids = {"participant": m["id"], "name": name, "prefix": m["name"]}
            entry = Entry(f"{m['name']} (Moodle participant {m['id']})", ids, group=group,
                          time_source="none: Moodle downloads carry no time; pass --worksheet",
                          lms_ref=f"{m['name']}_{m['id']}")
            if row is not None:
                ids.update({k: v for k, v in {"name": row.name, "email": row.email}.items() if v})
                entry.group = row.group or entry.group
                entry.submitted_at = row.submitted_at
                entry.time_source = f"Moodle grading worksheet, 'Last modified (submission)' in {opts.timezone}"
            elif sheet:
                entry.time_source = "none: this participant is not in the grading worksheet"
            entries[m["id"]] = entry
        inner = str(Path(*Path(rel).parts[1:])) if f.parent != base else m["file"]
        entries[m["id"]].files.append((f, inner))
    return list(entries.values())


def _gradescope(base: Path, ignored: list[str], opts: CollectOptions) -> list[Entry]:
    meta = gradescope_metadata(base / "submission_metadata.yml")
    entries = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not is_junk(Path(p.name))):
        info = meta.get(folder.name)
        people = [{k: v for k, v in p.items() if v} for p in (info.submitters if info else [])]
        person = people[0] if people else {}
        names = ", ".join(p.get("name") or p.get("sid") or p.get("email", "?") for p in people)
        entry = Entry(f"{folder.name} ({names or 'no submitter listed'})", {**person, "lms": folder.name},
                      submitted_at=info.created_at if info else None, members=people[1:],
                      time_source="Gradescope :created_at: of the active submission" if info and info.created_at
                      else "none: submission_metadata.yml has no :created_at: for it")
        if info is not None and info.bad_time is not None:
            entry.bad = f"unreadable or absurd submission time {info.bad_time!r}"
        if len(people) > 1:
            entry.group = f"Gradescope group {folder.name}"
        entry.files = [(f, str(Path(rel).relative_to(folder.name))) for f, rel in _walk(folder, base, ignored)]
        entries.append(entry)
    for f in base.iterdir():
        if f.is_file() and f.name != "submission_metadata.yml" and not is_junk(Path(f.name)):
            ignored.append(f"{f.name} (not in a submission folder)")
    return entries


def _git_time(repo: Path, path: str | None = None) -> str | None:
    """The committer date of the repository's last commit (of the last one that changed ``path``); ValueError
    when it is unreadable or absurd (a forged clock)."""
    args = ["git", "-C", str(repo), "log", "-1", "--format=%cI"] + (["--", path] if path else [])
    try:
        proc = subprocess.run(args, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = proc.stdout.strip()
    return plausible(datetime.fromisoformat(text.replace("Z", "+00:00"))) if proc.returncode == 0 and text \
        else None


def _github(base: Path, ignored: list[str], opts: CollectOptions) -> list[Entry]:
    pushed = push_times(opts.push_times) if opts.push_times else {}
    entries = []
    for repo in sorted(p for p in base.iterdir() if p.is_dir() and not is_junk(Path(p.name))):
        entry = Entry(f"{repo.name} (repository)", {"repo": repo.name})
        try:
            entry.commit_time = _git_time(repo) if (repo / ".git").exists() else None
        except SKIPPED as exc:
            entry.bad = f"unreadable or absurd time of the last commit ({exc})"
        if opts.push_times:
            entry.submitted_at = pushed.get(repo.name.lower())
            entry.time_source = f"push time from {opts.push_times.name}" if entry.submitted_at else \
                f"none: {repo.name} is not in {opts.push_times.name}"
        elif opts.trust_commit_dates:
            entry.time_source = "commit date of the last commit changing the file (set by the student's clock; " \
                                "trusted by --trust-commit-dates)"
        else:
            entry.time_source = "none: commit dates are set by the student's clock; pass --push-times or grade " \
                                "a clone made at the deadline"
        entry.files = [(f, str(Path(rel).relative_to(repo.name))) for f, rel in _walk(repo, base, ignored)]
        entries.append(entry)
    return entries



def _anonymous_key(path: Path) -> dict[str, str]:
    """anonymous id -> ``canvas_id:<id>`` or ``id:<roster id>``, from a CSV with columns anonymous_id and canvas_id
    (or id)."""
    import csv

    if not path.exists():
        raise ProblemError(f"{path}: no such file; pass the CSV anonymous_id,canvas_id")
    try:
        text = read_bounded(path, CONFIG_LIMIT, "pass the CSV anonymous_id,canvas_id").decode("utf-8-sig")
        reader = csv.DictReader(text.splitlines())
        cols = {c.strip().lower(): c for c in reader.fieldnames or []}
        target = "canvas_id" if "canvas_id" in cols else "id" if "id" in cols else None
        if "anonymous_id" not in cols or target is None:
            raise ProblemError(f"{path}: needs the columns anonymous_id and canvas_id (or id)")
        return {row[cols["anonymous_id"]].strip(): f"{target}:{(row[cols[target]] or '').strip()}" for row in reader}
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ProblemError(f"{path}: not a CSV anonymous_id,canvas_id ({exc})") from None


def _roster_person(person: dict[str, str], fmt: str, roster: list[dict[str, str]]) -> str | None:
    """The roster id one submitter's identifiers claim, when exactly one student is claimed."""
    def first(pred: Callable[[dict[str, str]], bool]) -> str | None:
        hits = [s["id"] for s in roster if pred(s)]
        return hits[0] if len(hits) == 1 else None

    name = name_key(person.get("name", ""))

    def by_name(s: dict[str, str]) -> bool:  # "Ada Lovelace", "lovelaceada" (Canvas), "Lovelace Ada", 山田太郎
        return bool(name) and name in name_keys(s.get("name", ""))

    email = person.get("email", "").strip().lower()

    def by_email(s: dict[str, str]) -> bool:
        return bool(email) and s.get("email", "").strip().lower() == email

    if "mapped" in person:
        column, _, value = person["mapped"].partition(":")
        return first(lambda s: s.get(column) == value)
    if fmt == "canvas":
        if "canvas_id" not in person:
            return None
        return first(lambda s: s.get("canvas_id") == person["canvas_id"]) or first(by_name)
    if fmt == "moodle":
        return first(by_email) or first(by_name)
    if fmt == "gradescope":
        sid = person.get("sid", "")
        return (first(lambda s: bool(sid) and sid in (s["id"], s.get("sis_user_id"))) or first(by_email)
                or first(by_name))
    hits = longest_suffix(person["repo"], [(s["id"], s.get("github", "")) for s in roster])
    return hits[0] if len(hits) == 1 else None


def _group_members(group: str, roster: list[dict[str, str]]) -> list[str]:
    key = group_key(group)
    return [s["id"] for s in roster if key and group_key(s.get("group", "")) == key]


def _moodle_team(entry: Entry, roster: list[dict[str, str]]) -> None:
    """Split ``<Group>-<Full Name>`` where the part before a hyphen is a roster group (names may hold hyphens)."""
    if entry.group:
        return
    prefix = entry.ids.get("prefix", "")
    for i, ch in enumerate(prefix):
        if ch == "-" and _group_members(prefix[:i], roster):
            entry.group, entry.ids["name"] = prefix[:i], prefix[i + 1:]
            return
    if _group_members(prefix, roster):  # Moodle 4.3+: <Group>_<groupid>_assignsubmission_file_
        entry.group, entry.ids["name"] = prefix, ""


def _match_students(entry: Entry, fmt: str, roster: list[dict[str, str]] | None, opts: CollectOptions
                    ) -> tuple[list[str], str]:
    """(roster ids the submission belongs to, the group it was credited as); without a roster, an id made from
    the download's own. A group submitter no roster entry claims is listed by the caller, the others credited."""
    ids = entry.ids
    if roster is None:
        raw = {"canvas": (ids.get("name", "") + "_" + ids.get("canvas_id", "")) if "canvas_id" in ids
               else "anon_" + ids.get("anonymous_id", ""),
               "moodle": ids.get("name", "") or ids.get("prefix", ""),
               "gradescope": ids.get("sid") or ids.get("email", "").split("@")[0] or ids.get("name", ""),
               "github": ids.get("repo", "")}[fmt]
        sid = re.sub(r"[^\w.-]+", "_", raw).strip("._")
        others = [re.sub(r"[^\w.-]+", "_", p.get("sid") or p.get("email", "").split("@")[0] or p.get("name", ""))
                  .strip("._") for p in entry.members]
        return ([sid] if sid else []) + [o for o in others if o], entry.group
    if fmt == "moodle":
        _moodle_team(entry, roster)
    people = [entry.ids, *entry.members]
    found = [_roster_person(p, fmt, roster) for p in people]
    group = entry.group
    if fmt == "github" and found == [None]:  # a team repository: <assignment>-<team>
        teams = {s.get("group", "") for s in roster if s.get("group")}
        repo = ids["repo"].lower()
        named = [t for t in teams if repo.endswith("-" + re.sub(r"[^a-z0-9]+", "-", t.lower()).strip("-"))]
        if len(named) == 1:
            return _group_members(named[0], roster), named[0]
    if fmt == "moodle" and entry.group and found == [None] and not ids.get("name"):
        return _group_members(entry.group, roster), entry.group
    if all(f is None for f in found) or (found[0] is None and fmt != "gradescope"):
        return [], group
    students = list(dict.fromkeys(f for f in found if f is not None))
    roster_groups = {s["id"]: s.get("group", "") for s in roster}
    if entry.group and fmt == "moodle":
        students += _group_members(entry.group, roster)
    elif opts.groups and fmt in ("canvas", "github") and roster_groups.get(students[0]):
        group = roster_groups[students[0]]
        students += _group_members(group, roster)
    return list(dict.fromkeys(students)), group



def _choose(files: list[tuple[Path, str]], wanted: set[str], starters: dict[str, bytes]
            ) -> tuple[dict[str, tuple[Path, str]], list[tuple[str, str]]]:
    """problem -> (file, name in the download) and the files not taken, with why. Ranked: the student's own file
    before an untouched template starter, then top level before a sub-folder, then the exact name."""
    chosen: dict[str, list[tuple[int, int, int, Path, str]]] = {}
    rejected: list[tuple[str, str]] = []
    for f, name in files:
        depth = len(Path(name).parts) - 1
        problem = match_problem(Path(name).name, wanted) if depth <= 1 else None
        if problem is None:
            rejected.append((name, "no problem has this name (or it is nested too deep)"))
            continue
        starter = problem in starters and f.read_bytes() == starters[problem]
        chosen.setdefault(problem, []).append((int(starter), depth, preference(Path(name).name, problem), f, name))
    taken: dict[str, tuple[Path, str]] = {}
    for problem, options in sorted(chosen.items()):
        options.sort(key=lambda o: o[:3])
        best = [o for o in options if o[:3] == options[0][:3]]
        if len(best) > 1:
            names = ", ".join(o[4] for o in best)
            rejected += [(o[4], f"ambiguous: {names} could each be {problem}.py") for o in options]
            continue
        taken[problem] = (options[0][3], options[0][4])
        for o in options[1:]:
            why = "the untouched template starter; the student's own file" if o[0] and not options[0][0] else "it"
            rejected.append((o[4], f"{why} {options[0][4]} was taken for {problem}"))
    return taken, rejected


def _lms_key(entry: Entry) -> str:
    """The id the LMS itself gives this submission (Canvas user or anonymous id, Moodle participant, Gradescope
    submission, repository)."""
    ids = entry.ids
    return (ids.get("canvas_id") or ids.get("anonymous_id") or ids.get("participant") or ids.get("lms")
            or ids.get("repo") or "")


def _by_lms_id(entry: Entry, fmt: str, student: dict[str, str]) -> bool:
    """Whether ``entry`` matches the roster row ``student`` by an id the LMS vouches for, not only by name."""
    ids = entry.ids
    if "mapped" in ids:  # Canvas anonymous id through the instructor's key
        return True
    if fmt == "canvas":
        return bool(student.get("canvas_id")) and student.get("canvas_id") == ids.get("canvas_id")
    if fmt == "moodle":  # the grading worksheet's email for this participant
        email = ids.get("email", "").strip().lower()
        return bool(email) and student.get("email", "").strip().lower() == email
    if fmt == "gradescope":
        for person in (ids, *entry.members):
            sid, email = person.get("sid", ""), person.get("email", "").lower()
            if (sid and sid in (student["id"], student.get("sis_user_id"))) or \
                    (email and student.get("email", "").lower() == email):
                return True
        return False
    return True  # github: the repository name is the only identity


def _skip(report: CollectReport, entry: Entry, why: str) -> None:
    report.unmatched_students.append({"submission": entry.label, "files": ", ".join(n for _, n in entry.files),
                                      "why": why})


def _assign(entries: list[Entry], fmt: str, roster: list[dict[str, str]] | None, report: CollectReport,
            opts: CollectOptions, anonymous: dict[str, str]) -> list[tuple[Entry, list[str], str]]:
    """(entry, the students it is collected for, its group) of every entry that can be collected; the others are
    reported with why. A student claimed by several entries: the same team submission downloaded once per
    member is credited once; without a roster each gets its LMS id appended; with one, an LMS-id match wins
    over name matches, and of two matches of equal standing neither is collected. ``anonymous`` maps Canvas
    anonymous ids to ``canvas_id:<id>`` or ``id:<roster id>``."""
    matched: list[tuple[Entry, list[str], str]] = []
    claims: dict[str, list[int]] = {}
    for entry in entries:
        if entry.bad:
            _skip(report, entry, entry.bad)
            continue
        if entry.ids.get("anonymous_id") in anonymous:
            entry.ids["mapped"] = anonymous[entry.ids["anonymous_id"]]
        students, group = _match_students(entry, fmt, roster, opts)
        if not students:
            unmapped = "anonymous_id" in entry.ids and "mapped" not in entry.ids and roster is not None
            _skip(report, entry, "anonymous: pass --anonymous-key to map it" if unmapped else
                  "no single roster student matches" + (" any submitter" if entry.members else ""))
            continue
        if roster is not None and entry.members:
            for person in [entry.ids, *entry.members]:
                if _roster_person(person, fmt, roster) is None:
                    report.unmatched_students.append({
                        "submission": f"{entry.label}: {person.get('name') or person.get('sid', '?')}",
                        "files": ", ".join(n for _, n in entry.files),
                        "why": "this submitter of a group matches no roster student (the others were credited)"})
        for s in students:
            claims.setdefault(s, []).append(len(matched))
        matched.append((entry, students, group))
    rows = {s["id"]: s for s in roster} if roster is not None else {}
    keep: list[dict[str, str]] = [{s: s for s in students} for _, students, _ in matched]  # claimed -> folder
    why_not: list[list[str]] = [[] for _ in matched]
    same_team: list[list[str]] = [[] for _ in matched]
    for student, who in claims.items():
        if len(who) == 1:
            continue
        first = matched[who[0]]
        if first[2] and all(matched[i][2] == first[2] and set(matched[i][1]) == set(first[1]) for i in who):
            for i in who[1:]:  # Moodle (< 4.3) writes a team's files once per member
                keep[i].pop(student, None)
                same_team[i].append(student)
            continue
        if roster is None:  # two downloads' names sanitize alike: keep both, told apart by the LMS id
            for i in who:
                keep[i][student] = f"{student}_{_lms_key(matched[i][0])}".strip("._")
            continue
        strong = [i for i in who if _by_lms_id(matched[i][0], fmt, rows[student])]
        winner = strong[0] if len(strong) == 1 else None
        for i in who:
            if i == winner:
                continue
            keep[i].pop(student, None)
            why_not[i].append(f"matches {student} only by name; {matched[winner][0].label} matches by LMS id"
                              if winner is not None else
                              f"{len(who)} submissions in this download match {student}; none was collected "
                              f"(collect that student's files by hand)")
    folders = [f for k in keep for f in k.values()]
    result = []
    for i, (entry, _, group) in enumerate(matched):
        for why in why_not[i]:
            _skip(report, entry, why)
        chosen = []
        for folder in keep[i].values():
            bad = bad_student_id(folder) or (f"{folder} already has a submission in this download"
                                             if folders.count(folder) > 1 else None)
            if bad:
                _skip(report, entry, bad)
            else:
                chosen.append(folder)
        if same_team[i] and not keep[i]:
            report.ignored.append(f"{entry.label} (the same team submission, already credited to "
                                  f"{', '.join(same_team[i])})")
        if chosen:
            result.append((entry, chosen, group))
    return result


def _copy_entry(entry: Entry, students: list[str], group: str, staging: Path, wanted: set[str], fmt: str,
                report: CollectReport, opts: CollectOptions, scratch: Path) -> None:
    """Copy one entry's files matching a problem into each of its students' folders (created here), record them."""
    problems_seen: list[tuple[str, str]] = []
    files = _open_archives(entry.files, scratch, problems_seen)
    chosen, rejected = _choose(files, wanted, opts.starters)
    unmatched = []
    for student in students:
        folder = staging / student
        folder.mkdir()
        collected: dict[str, dict[str, Any]] = {}
        unmatched += [{"student": student, "file": n, "why": w} for n, w in problems_seen + rejected]
        for problem, (f, name) in chosen.items():
            when = entry.submitted_at
            if fmt == "github" and opts.trust_commit_dates and not opts.push_times:
                repo = next((p for p in f.parents if (p / ".git").exists()), None)
                try:
                    when = _git_time(repo, str(f.relative_to(repo))) if repo else None
                except SKIPPED:
                    when = None
            suffix = ".ipynb" if name.lower().endswith(".ipynb") else ".py"  # a notebook stays one, byte for byte
            shutil.copyfile(f, folder / f"{problem}{suffix}", follow_symlinks=False)
            collected[problem] = {
                "original": name, "submitted_at": when, "late_mark": entry.late_mark,
                "time_source": entry.time_source, "group": group,
                "group_members": students if len(students) > 1 or group else [],
                "commit_time": entry.commit_time, "lms": fmt, "lms_ref": entry.lms_ref}
        report.students[student] = collected
    report.unmatched_files.extend(unmatched)


def collect(source: Path, out: Path, problems: list[str], *, fmt: str = "auto",
            roster: list[dict[str, str]] | None = None, options: CollectOptions | None = None) -> CollectReport:
    """Turn the download ``source`` into ``out/<student>/<problem>.py`` and write the reports into ``out``. The
    folder is built next to ``out`` and renamed into place once complete: nothing is written when the download
    (or a file beside it) cannot be read."""
    opts = options or CollectOptions()
    if not source.exists():
        raise ProblemError(f"{source}: no such file or folder; pass the LMS download (a folder or a .zip)")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ProblemError(f"{out}: already exists and is not empty; pass a new folder")
    anonymous = _anonymous_key(opts.anonymous_key) if opts.anonymous_key else {}  # read before anything is written
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.collecting-{os.getpid()}-{secrets.token_hex(4)}"
    staging.mkdir()  # the mode a plain mkdir of `out` would get (umask), unlike mkdtemp's 0700
    try:
        with tempfile.TemporaryDirectory(prefix="judge-collect-") as tmp:
            ignored: list[str] = []
            base = source
            if source.is_file():
                base = Path(tmp) / "download"
                base.mkdir()
                ignored += _safe_extract(source, base)
            inner = [p for p in base.iterdir() if not is_junk(Path(p.name))]
            if len(inner) == 1 and inner[0].is_dir() and fmt != "github" and not (inner[0] / ".git").exists() \
                    and not MOODLE.match(inner[0].name) and not CANVAS.match(inner[0].name):
                base = inner[0]  # a zip holding one top folder (not a download of one submission)
            fmt = _detect(base) if fmt == "auto" else fmt
            entries = {"canvas": _canvas, "moodle": _moodle, "gradescope": _gradescope, "github": _github}[fmt](
                base, ignored, opts)
            report = CollectReport(fmt, ignored=ignored)
            wanted = set(problems)
            scratch = Path(tmp) / "archives"
            scratch.mkdir()
            for entry, students, group in _assign(entries, fmt, roster, report, opts, anonymous):
                try:
                    _copy_entry(entry, students, group, staging, wanted, fmt, report, opts, scratch)
                except SKIPPED as exc:  # one entry never stops the class; nothing of it is kept
                    for student in students:
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
    """collect.json (read by judge grade) and collect_report.txt (for people, every line made inert)."""
    doc = {"format": report.format, "collected_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "students": report.students, "unmatched_students": report.unmatched_students,
           "unmatched_files": report.unmatched_files, "without_submission": report.without_submission,
           "ignored": report.ignored}
    manifest.write(out, doc)
    lines = [f"judge collect ({report.format}): {len(report.students)} students matched, {report.files} files "
             f"collected", "", "matched (student/problem.py <- name in the download, submitted at, from where):"]
    for student, problems in sorted(report.students.items()):
        for problem, e in sorted(problems.items()):
            when = e["submitted_at"] or ("unknown, marked LATE" if e["late_mark"] else "unknown")
            group = f"; group {e['group']}: {', '.join(e['group_members'])}" if e.get("group") else ""
            suffix = ".ipynb" if e["original"].lower().endswith(".ipynb") else ".py"  # a notebook stays one
            lines.append(f"  {student}/{problem}{suffix} <- {e['original']} ({when}; {e.get('time_source', '')}"
                         f"{group})")
    lines += ["", f"submissions matching no roster student ({len(report.unmatched_students)}):"]
    lines += [f"  {u['submission']}: {u['why']} [{u['files']}]" for u in report.unmatched_students]
    lines += ["", f"files not collected ({len(report.unmatched_files)}):"]
    lines += [f"  {u['student']}: {u['file']}: {u['why']}" for u in report.unmatched_files]
    lines += ["", f"roster students without a submission ({len(report.without_submission)}):"]
    lines += [f"  {s}" for s in report.without_submission]
    lines += ["", f"ignored (__MACOSX, dotfiles, editor backups, links; {len(report.ignored)}):"]
    lines += [f"  {i}" for i in report.ignored]
    (out / manifest.REPORT_NAME).write_text("\n".join(visible(line) for line in lines) + "\n", encoding="utf-8")
