"""Side files of LMS downloads that say who submitted and when.

- Gradescope's ``submission_metadata.yml`` (the "Export Submissions" zip): one top-level key per submission folder,
  ``:submitters:`` (one, or several for a group submission), the active submission's own ``:created_at:``, and
  ``:history:`` (older submissions, each with its own ``:created_at:``, never the time that counts).
- Moodle's grading worksheet ("Download grading worksheet", a CSV of the assignment's grading table):
  ``Identifier`` ("Participant 123456", the per-assignment id a Moodle download carries), ``Full name``, identity
  fields, ``Group`` for team assignments, ``Last modified (submission)`` in ``userdate`` form ("Sunday,
  14 February 2027, 11:12 PM") in the downloading user's time zone, which the file does not name.
- Push times of GitHub Classroom repositories, supplied by the instructor: a CSV (``repository,pushed_at``) or the
  JSON list GitHub's REST API returns for an organisation's repositories (``name``, ``pushed_at``).
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from judge.engine.problems import ProblemError

from .bounded import CONFIG_LIMIT, METADATA_LIMIT, read_bounded

YEARS = (1970, 2999)  # a time outside these years is absurd (forged, or a broken clock)
MOODLE_TIME_FORMATS = ("%A, %d %B %Y, %I:%M %p", "%A, %d %B %Y, %H:%M")  # strftimedatetime, 12 h and 24 h
PARTICIPANT = re.compile(r"^\s*Participant\s+(\d+)\s*$", re.IGNORECASE)


@dataclass
class GradescopeSubmission:
    submitters: list[dict[str, str]] = field(default_factory=list)  # {name, sid, email}
    created_at: str | None = None  # the active submission's own time (ISO 8601)
    history: int = 0  # how many older submissions :history: lists
    bad_time: str | None = None  # a :created_at: that cannot be read or is absurd


def plausible(moment: datetime) -> str:
    """``moment`` as ISO 8601; ValueError when its year is absurd (outside YEARS)."""
    if not YEARS[0] <= moment.year <= YEARS[1]:
        raise ValueError(f"absurd year {moment.year}")
    moment.astimezone(timezone.utc)  # OverflowError at the ends of datetime's range
    return moment.isoformat()


def gs_time(value: str) -> str:
    """``2027-02-14 23:12:45.123456000 -0500`` (or ``-05:00``, ``Z``) as ISO 8601; ValueError when unreadable or
    absurd."""
    m = re.match(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(?:\.\d+)?\s*(Z|UTC|[+-]\d\d:?\d\d)?$", value.strip())
    if not m:
        raise ValueError("not a date-time")
    zone = m[3] or "+00:00"
    if zone in ("Z", "UTC"):
        zone = "+00:00"
    elif ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    return plausible(datetime.fromisoformat(f"{m[1]}T{m[2]}{zone}"))


def _scalar(text: str) -> str:
    """A YAML plain or quoted scalar as Ruby's Psych writes it (``'123'``, ``"a"``, ``It''s``)."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return json.loads(text) if "\\" in text else text[1:-1]
    return text


def _key_value(line: str) -> tuple[str, str]:
    """``:name: Ada`` -> ("name", "Ada"); ``name: Ada`` -> ("name", "Ada")."""
    body = line[1:] if line.startswith(":") else line
    key, _, value = body.partition(":")
    return key.strip(), value


def gradescope_metadata(path: Path) -> dict[str, GradescopeSubmission]:
    """Submission folder -> its submitters and its own time, read from ``submission_metadata.yml`` by indentation
    (the shape Psych writes; ``:results:`` and ``:history:`` are skipped, so nothing in them can pose as the
    submission's time or a submitter)."""
    lines = read_bounded(path, METADATA_LIMIT, "pass the download as Gradescope wrote it").decode(
        "utf-8", "replace").splitlines()
    out: dict[str, GradescopeSubmission] = {}
    current: GradescopeSubmission | None = None
    section = ""
    section_indent = 0
    person: dict[str, str] | None = None
    person_indent = 0
    item_indent = -1
    for raw in lines:
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        line = raw.strip()
        if indent == 0:
            if not line.endswith(":"):
                raise ProblemError(f"{path}: {line[:60]!r} is not a submission key; pass the submission_metadata.yml "
                                   f"of a Gradescope export")
            current = out.setdefault(_scalar(line[:-1]), GradescopeSubmission())
            section, person = "", None
            continue
        if current is None:
            continue
        if not section or (indent <= section_indent and not line.startswith("- ")):
            key, value = _key_value(line)
            section, section_indent, person, item_indent = key, indent, None, -1
            if key == "created_at" and _scalar(value):
                try:
                    current.created_at = gs_time(_scalar(value))
                except (ValueError, OverflowError):
                    current.bad_time = _scalar(value)
            continue
        if section == "history" and line.startswith("- "):
            item_indent = item_indent if item_indent >= 0 else indent
            current.history += indent == item_indent  # an item of :history:, not of a list inside one
            continue
        if section != "submitters":
            continue
        if line.startswith("- ") and indent <= section_indent + 2:
            person, person_indent = {}, indent
            current.submitters.append(person)
            line, indent = line[2:].strip(), indent + 2
        if person is not None and indent >= person_indent + 2:
            key, value = _key_value(line)
            if key in ("name", "sid", "email"):
                person[key] = _scalar(value)
    return out


def moodle_time(text: str, zone: ZoneInfo) -> str | None:
    """A worksheet's ``Last modified (submission)`` cell in ``zone`` as ISO 8601; None for ``-`` or empty."""
    text = text.strip()
    if text in ("", "-"):
        return None
    for fmt in MOODLE_TIME_FORMATS:
        try:
            return plausible(datetime.strptime(text, fmt).replace(tzinfo=zone))
        except (ValueError, OverflowError):
            continue
    try:
        value = datetime.fromisoformat(text)
        return plausible(value if value.tzinfo else value.replace(tzinfo=zone))
    except (ValueError, OverflowError):
        return None


@dataclass
class WorksheetRow:
    participant: str  # the number of "Participant 123456"
    name: str
    email: str
    group: str
    submitted_at: str | None
    fields: dict[str, str]


def moodle_worksheet(path: Path, timezone: str | None) -> dict[str, WorksheetRow]:
    """Participant id -> the worksheet's row. ``timezone`` (e.g. Europe/Berlin) is the zone of the account that
    downloaded the worksheet; Moodle writes local times without it."""
    if not timezone:
        raise ProblemError(f"{path}: a Moodle grading worksheet has local times without a zone; pass --timezone "
                           f"(the time zone of the account that downloaded it, e.g. Europe/Berlin)")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ProblemError(f"--timezone {timezone}: not a time zone name; write e.g. Europe/Berlin or UTC") from None
    if not path.exists():
        raise ProblemError(f"{path}: no such worksheet; pass the CSV of 'Download grading worksheet'")
    try:
        text = read_bounded(path, CONFIG_LIMIT, "pass the CSV of 'Download grading worksheet'").decode("utf-8-sig")
        rows = list(csv.DictReader(text.splitlines()))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ProblemError(f"{path}: not a CSV worksheet ({exc}); pass the CSV of 'Download grading worksheet'") \
            from None
    out: dict[str, WorksheetRow] = {}
    for n, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        if "Identifier" not in row:
            raise ProblemError(f"{path}: no 'Identifier' column; pass the CSV of 'Download grading worksheet' "
                               f"(in English)")
        m = PARTICIPANT.match(row["Identifier"])
        if m is None:
            raise ProblemError(f"{path}:{n}: Identifier {row['Identifier']!r} is not 'Participant <number>'")
        when = row.get("Last modified (submission)", "")
        submitted = moodle_time(when, zone)
        if submitted is None and when not in ("", "-"):
            raise ProblemError(f"{path}:{n}: 'Last modified (submission)' {when!r} is not a Moodle date "
                               f"(e.g. 'Sunday, 14 February 2027, 11:12 PM'); download the worksheet in English")
        out[m[1]] = WorksheetRow(m[1], row.get("Full name", ""), row.get("Email address", ""), row.get("Group", ""),
                                 submitted, row)
    return out


def push_times(path: Path) -> dict[str, str]:
    """Repository name (lower case) -> push time (ISO 8601) from a CSV ``repository,pushed_at`` or GitHub's JSON
    list of repositories (``name`` or ``full_name``, ``pushed_at``)."""
    if not path.exists():
        raise ProblemError(f"{path}: no such file; pass a CSV repository,pushed_at or GitHub's JSON of the "
                           f"organisation's repositories")
    try:
        text = read_bounded(path, METADATA_LIMIT, "pass a CSV repository,pushed_at").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProblemError(f"{path}: not UTF-8 text; pass a CSV repository,pushed_at") from None
    pairs: list[tuple[str, str]] = []
    if text.lstrip().startswith("["):
        try:
            doc = json.loads(text)
            pairs = [((r.get("full_name") or r["name"]), r["pushed_at"]) for r in doc
                     if "name" in r and r.get("pushed_at")]  # never pushed: pushed_at is null
            if any("name" not in r for r in doc):
                raise KeyError("name")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ProblemError(f"{path}: not GitHub's JSON list of repositories (name, pushed_at)") from None
    else:
        reader = csv.DictReader(text.splitlines())
        header = {h.strip().lower(): h for h in reader.fieldnames or []}
        repo_col = header.get("repository") or header.get("repo") or header.get("name")
        time_col = header.get("pushed_at")
        if repo_col is None or time_col is None:
            raise ProblemError(f"{path}: needs the columns repository and pushed_at")
        pairs = [(row[repo_col], row[time_col]) for row in reader if row.get(time_col, "").strip()]
    out = {}
    for name, when in pairs:
        try:
            value = datetime.fromisoformat(when.strip().replace("Z", "+00:00"))
            if value.tzinfo is None:
                raise ProblemError(f"{path}: {name}: pushed_at {when!r} has no UTC offset; write e.g. ...Z")
            out[name.strip().split("/")[-1].lower()] = plausible(value)
        except (ValueError, OverflowError):
            raise ProblemError(f"{path}: {name}: pushed_at {when!r} is not an ISO 8601 time") from None
    return out
