"""The side files and identities of LMS downloads, each modelled on the LMS's own code (cited per test)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile

import pytest
from helpers import judge, write_file

from judge.engine.problems import ProblemError
from judge.grading.collect import CollectOptions, collect
from judge.grading.identity import longest_suffix, name_key, name_keys
from judge.grading.lms_formats import gradescope_metadata, moodle_worksheet, push_times

PROBLEMS = ["causal_mask", "padding_mask"]
ROSTER = (
    "id,name,email,group,canvas_id,github\n"
    "ann,Ann Lee,ann@example.org,,201,ann-lee\n"
    "lee,Lee Park,lee@example.org,,202,lee\n"
    "mj,Mary-Jane Smith,mj@example.org,,203,mjs\n"
    "kim,김 민준,kim@example.kr,Team 3,204,minjun\n"
    "jo,Jo Ode,jo@example.org,Team 3,205,joode\n"
    "wu,Wu Fei,wu@example.org,,207,wufei\n"
)


def roster() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(ROSTER)))



def test_gradescope_metadata_own_time_groups_and_history(tmp_path):
    """As Psych writes a Gradescope export: :history: entries and a :results: block scalar hold :created_at:-like
    text that must not count; a group has several :submitters:; an empty list; quoted SIDs."""
    meta = write_file(tmp_path / "submission_metadata.yml", (
        "submission_1:\n"
        "  :submitters:\n"
        "  - :name: Ann Lee\n"
        "    :sid: '0042'\n"
        "    :email: ann@example.org\n"
        "  - :name: \"Lee Park\"\n"
        "    :sid: '202'\n"
        "  :created_at: 2027-02-15 09:00:00.000000000 -0500\n"
        "  :score: 3.0\n"
        "  :history:\n"
        "  - :created_at: 2027-02-13 09:00:00.000000000 -0500\n"
        "    :score: 1.0\n"
        "    :submitters:\n"
        "    - :name: Mallory\n"
        "  - :created_at: 2027-02-12 09:00:00.000000000 -0500\n"
        "  :results:\n"
        "    output: |-\n"
        "      :created_at: 2030-01-01 00:00:00 Z\n"
        "submission_2:\n"
        "  :submitters: []\n"
        "  :created_at: 2027-02-14 23:00:00.5 Z\n"))
    doc = gradescope_metadata(meta)
    one = doc["submission_1"]
    assert one.created_at == "2027-02-15T09:00:00-05:00"
    assert one.submitters == [{"name": "Ann Lee", "sid": "0042", "email": "ann@example.org"},
                              {"name": "Lee Park", "sid": "202"}]
    assert one.history == 2
    assert doc["submission_2"].submitters == [] and doc["submission_2"].created_at == "2027-02-14T23:00:00+00:00"


def test_names_are_compared_unicode_aware():
    assert name_key("Zoë Ñúñez") == "zoëñúñez" != name_key("Zoe Nunez")
    assert name_key("ＡＤＡ　Lovelace") == "adalovelace"  # full-width letters and space (NFKC)
    assert name_key("STRASSE") == name_key("Straße")  # casefold
    assert "민준김" in name_keys("김 민준") and "김민준" in name_keys("김 민준")
    assert name_key("山田, 太郎") == "山田太郎"  # Canvas sortable name, CJK letters kept
    assert "lovelaceadaking" in name_keys("Ada King Lovelace")  # Canvas "Lovelace, Ada King"


def test_repository_suffix_longest_match():
    for users in ([("ann", "ann-lee"), ("lee", "lee")], [("lee", "lee"), ("ann", "ann-lee")]):
        assert longest_suffix("masks-ann-lee", users) == ["ann"]
        assert longest_suffix("masks-lee", users) == ["lee"]
        assert longest_suffix("masks-bob", users) == []


def test_github_repo_suffix_and_team_repos(tmp_path):
    base = tmp_path / "clones"
    for repo in ("masks-ann-lee", "masks-lee", "masks-team-3"):
        write_file(base / repo / "causal_mask.py", f"# {repo}\n")
        (base / repo / ".git").mkdir()
    out = tmp_path / "subs"
    report = collect(base, out, PROBLEMS, fmt="github", roster=roster())
    assert (out / "ann" / "causal_mask.py").read_text() == "# masks-ann-lee\n"
    assert (out / "lee" / "causal_mask.py").read_text() == "# masks-lee\n"
    assert (out / "kim" / "causal_mask.py").read_text() == (out / "jo" / "causal_mask.py").read_text() \
        == "# masks-team-3\n"
    assert report.students["jo"]["causal_mask"]["group"] == "Team 3"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_github_times_never_from_a_clock_the_student_sets(tmp_path):
    """A README commit two days late, a commit date set with GIT_COMMITTER_DATE: no time by default (and said
    why); the file's own last commit with --trust-commit-dates; the supplied push time with --push-times (CSV as
    the instructor writes it, or GitHub's REST JSON of the organisation's repositories: name, pushed_at)."""
    repo = tmp_path / "clones" / "masks-lee"
    write_file(repo / "causal_mask.py", "# lee\n")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)

    def commit(message: str, when: str) -> None:
        env = dict(os.environ, GIT_AUTHOR_NAME="s", GIT_AUTHOR_EMAIL="s@x", GIT_COMMITTER_NAME="s",
                   GIT_COMMITTER_EMAIL="s@x", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
        subprocess.run(["git", "-C", str(repo), "add", "."], check=True, env=env)
        subprocess.run(["git", "-C", str(repo), "commit", "-qm", message], check=True, env=env)

    commit("solution", "2027-02-14T20:00:00+00:00")
    write_file(repo / "README.md", "late typo fix\n")
    commit("readme", "2027-02-16T20:00:00+00:00")
    default = collect(tmp_path / "clones", tmp_path / "a", PROBLEMS, fmt="github", roster=roster())
    entry = default.students["lee"]["causal_mask"]
    assert entry["submitted_at"] is None and entry["commit_time"] == "2027-02-16T20:00:00+00:00"
    assert "student's clock" in entry["time_source"]
    trusted = collect(tmp_path / "clones", tmp_path / "b", PROBLEMS, fmt="github", roster=roster(),
                      options=CollectOptions(trust_commit_dates=True))
    assert trusted.students["lee"]["causal_mask"]["submitted_at"] == "2027-02-14T20:00:00+00:00"
    pushed = write_file(tmp_path / "pushed.csv", "repository,pushed_at\nmasks-lee,2027-02-14T21:00:00Z\n")
    csv_times = collect(tmp_path / "clones", tmp_path / "c", PROBLEMS, fmt="github", roster=roster(),
                        options=CollectOptions(push_times=pushed))
    assert csv_times.students["lee"]["causal_mask"]["submitted_at"] == "2027-02-14T21:00:00+00:00"
    api = write_file(tmp_path / "repos.json", json.dumps([{"name": "masks-lee", "full_name": "org/masks-lee",
                                                      "pushed_at": "2027-02-15T01:00:00Z"}]))
    assert push_times(api) == {"masks-lee": "2027-02-15T01:00:00+00:00"}


def test_canvas_anonymous_download(tmp_path):
    """content_zipper.rb get_filename: ``anon_<anonymous_id>`` replaces name and user id under anonymous grading
    (``LATE_anon_...`` when late). Without a key the submissions are listed, never dropped."""
    dl = tmp_path / "dl"
    write_file(dl / "anon_x7Kp2_7001_causal_mask.py", "# a\n")
    write_file(dl / "LATE_anon_Qm3Zt_7002_causal_mask.py", "# b\n")
    report = collect(dl, tmp_path / "a", PROBLEMS, roster=roster())
    assert report.format == "canvas" and report.students == {}
    assert [u["why"] for u in report.unmatched_students] == ["anonymous: pass --anonymous-key to map it"] * 2
    key = write_file(tmp_path / "key.csv", "anonymous_id,canvas_id\nx7Kp2,201\nQm3Zt,202\n")
    mapped = collect(dl, tmp_path / "b", PROBLEMS, roster=roster(), options=CollectOptions(anonymous_key=key))
    assert sorted(mapped.students) == ["ann", "lee"]
    assert mapped.students["lee"]["causal_mask"]["late_mark"] is True
    anonymous = collect(dl, tmp_path / "c", PROBLEMS)  # graded anonymously, mapped later
    assert sorted(anonymous.students) == ["anon_Qm3Zt", "anon_x7Kp2"]


def test_moodle_team_names_and_hyphenated_names(tmp_path):
    """locallib.php: ``<group>-<fullname>_<uniqueid>_`` for a team, a bare name otherwise. A hyphen in a name is
    not a group unless the roster knows the group; every member of the group gets the submission; a Moodle
    4.3+ team folder ``<group>_<groupid>_`` names only the group."""
    dl = tmp_path / "dl"
    write_file(dl / "Team 3-김 민준_9101_assignsubmission_file_" / "causal_mask.py", "# team 3\n")
    write_file(dl / "Mary-Jane Smith_9102_assignsubmission_file_" / "causal_mask.py", "# mj\n")
    out = tmp_path / "subs"
    report = collect(dl, out, PROBLEMS, roster=roster())
    assert sorted(report.students) == ["jo", "kim", "mj"]
    assert report.students["jo"]["causal_mask"]["group"] == "Team 3"
    assert report.students["mj"]["causal_mask"]["group"] == ""
    dl2 = tmp_path / "dl2"
    write_file(dl2 / "Team 3_77_assignsubmission_file_" / "causal_mask.py", "# team 3\n")
    assert sorted(collect(dl2, tmp_path / "subs2", PROBLEMS, roster=roster()).students) == ["jo", "kim"]


def test_moodle_worksheet_times_and_errors(tmp_path):
    """gradingtable.php downloaded: Identifier "Participant N", userdate() times in the downloader's zone."""
    sheet = write_file(tmp_path / "ws.csv", "Identifier,Full name,Email address,Status,Last modified (submission)\n"
                  "Participant 9102,Mary-Jane Smith,mj@example.org,Submitted,\"Monday, 15 February 2027, 11:05 AM\"\n"
                  "Participant 9103,Lee Park,lee@example.org,No submission,-\n")
    rows = moodle_worksheet(sheet, "Europe/Berlin")
    assert rows["9102"].submitted_at == "2027-02-15T11:05:00+01:00" and rows["9103"].submitted_at is None
    with pytest.raises(ProblemError, match="--timezone"):
        moodle_worksheet(sheet, None)
    bad = write_file(tmp_path / "bad.csv", "Identifier,Last modified (submission)\nParticipant 1,15.02.2027 11:05\n")
    with pytest.raises(ProblemError, match=r"bad.csv:2: 'Last modified \(submission\)'"):
        moodle_worksheet(bad, "UTC")


def test_archives_inside_a_download_are_opened_safely(tmp_path):
    """A student's zip: a path escaping the folder, a link, too many entries; a tar; a broken zip."""
    dl = tmp_path / "dl"
    dl.mkdir()

    def zip_of(name: str, entries: dict[str, str]) -> None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for k, v in entries.items():
                zf.writestr(k, v)
        (dl / name).write_bytes(buf.getvalue())

    zip_of("annlee_201_1_work.zip", {"causal_mask.py": "# ann\n", "../../escape.py": "x"})
    zip_of("parklee_202_2_many.zip", {f"f{i}.txt": "" for i in range(2001)})
    (dl / "smithmaryjane_203_3_broken.zip").write_bytes(b"PK\x03\x04 not really")
    import tarfile

    with tarfile.open(dl / "minjun_204_4_work.tar.gz", "w:gz") as tf:
        info = tarfile.TarInfo("padding_mask.py")
        data = b"# kim\n"
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("causal_mask.py")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    with tarfile.open(dl / "wu_207_5_many.tar", "w") as tf:
        for i in range(2001):
            tf.addfile(tarfile.TarInfo(f"f{i}.txt"), io.BytesIO(b""))
    out = tmp_path / "subs"
    report = collect(dl, out, PROBLEMS, fmt="canvas", roster=roster())
    assert (out / "ann" / "causal_mask.py").read_text() == "# ann\n"
    assert not (tmp_path / "escape.py").exists() and not any(tmp_path.rglob("escape.py"))
    assert (out / "kim" / "padding_mask.py").read_text() == "# kim\n" and not (out / "kim" / "causal_mask.py").exists()
    why = {(u["student"], u["file"]): u["why"] for u in report.unmatched_files}
    assert "more than 2000" in why[("lee", "many.zip")]
    assert "more than 2000" in why[("wu", "many.tar")]
    assert "not a valid zip" in why[("mj", "broken.zip")]


def test_canvas_uuid_rename_and_template_starter(tmp_path):
    """Attachment.make_unique_filename: the 8th re-upload of a name becomes ``<base>-<uuid><ext>``; an untouched
    starter beside the student's own file loses (gh-classroom clones keep the template's files)."""
    dl = tmp_path / "dl"
    write_file(dl / "annlee_201_1_causal_mask-9f1c0a52-3b7e-4d2f-a0c1-5e6f7a8b9c0d.py", "# ann\n")
    report = collect(dl, tmp_path / "a", PROBLEMS, roster=roster())
    assert report.students["ann"]["causal_mask"]["original"].startswith("causal_mask-9f1c0a52")
    repos = tmp_path / "clones"
    write_file(repos / "masks-lee" / "causal_mask.py", "STARTER\n")
    write_file(repos / "masks-lee" / "solution" / "Causal_Mask.py", "# lee's own\n")
    (repos / "masks-lee" / ".git").mkdir()
    out = tmp_path / "b"
    got = collect(repos, out, PROBLEMS, fmt="github", roster=roster(),
                  options=CollectOptions(starters={"causal_mask": b"STARTER\n"}))
    assert (out / "lee" / "causal_mask.py").read_text() == "# lee's own\n"
    assert any("untouched template starter" in u["why"] for u in got.unmatched_files)


@pytest.mark.parametrize("make, message", [
    (lambda p: (p / "dl.zip").write_bytes(b"not a zip"), "not a valid zip file"),
    (lambda p: write_file(p / "dl" / "submission_metadata.yml", "- just a list\n"), "not a submission key"),
])
def test_unreadable_download_is_one_line_exit_2_nothing_written(tmp_path, make, message):
    make(tmp_path)
    source = tmp_path / ("dl.zip" if (tmp_path / "dl.zip").exists() else "dl")
    out = tmp_path / "subs"
    proc = judge("collect", str(source), str(out), "--problems", ",".join(PROBLEMS))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr and str(source) in proc.stderr
    assert not out.exists()


def test_groups_with_a_dropped_member_and_old_moodle_team_folders(tmp_path):
    """Gradescope: a group's submitter who left the course is listed, the others credited. Moodle before 4.3
    writes the team's files once per member (``<group>-<fullname>_<id>_``): the second folder is the same team
    submission, not a duplicate to report."""
    gs = tmp_path / "gs"
    write_file(gs / "submission_1" / "causal_mask.py", "# team\n")
    write_file(gs / "submission_metadata.yml", "submission_1:\n  :submitters:\n  - :name: Ann Lee\n    :sid: 'ann'\n"
                                          "  - :name: Gone Student\n    :sid: '999'\n  :created_at: 2027-02-14 "
                                          "10:00:00 Z\n")
    report = collect(gs, tmp_path / "a", PROBLEMS, roster=roster())
    assert sorted(report.students) == ["ann"]
    assert [u["why"] for u in report.unmatched_students] == [
        "this submitter of a group matches no roster student (the others were credited)"]
    assert "Gone Student" in report.unmatched_students[0]["submission"]
    dl = tmp_path / "moodle"
    write_file(dl / "Team 3-김 민준_9101_assignsubmission_file_" / "causal_mask.py", "# team 3\n")
    write_file(dl / "Team 3-Jo Ode_9102_assignsubmission_file_" / "causal_mask.py", "# team 3\n")
    team = collect(dl, tmp_path / "b", PROBLEMS, roster=roster())
    assert sorted(team.students) == ["jo", "kim"] and team.unmatched_students == []
    assert any("the same team submission" in i for i in team.ignored)


@pytest.mark.parametrize("args, message", [
    (["--worksheet", "{ws}"], "--timezone"),
    (["--worksheet", "{ws}", "--timezone", "Mars/Olympus"], "not a time zone name"),
    (["--worksheet", "{tmp}/none.csv", "--timezone", "UTC"], "no such worksheet"),
])
def test_bad_side_file_is_one_line_exit_2_nothing_written(tmp_path, args, message):
    dl = tmp_path / "dl"
    write_file(dl / "Lee Park_9103_assignsubmission_file_" / "causal_mask.py", "# lee\n")
    ws = write_file(tmp_path / "ws.csv", "Identifier,Last modified (submission)\nParticipant 9103,-\n")
    out = tmp_path / "subs"
    argv = [a.format(ws=ws, tmp=tmp_path) for a in args]
    proc = judge("collect", str(dl), str(out), "--problems", ",".join(PROBLEMS), *argv)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr
    assert not out.exists()


def test_push_times_errors_name_the_file(tmp_path):
    for text, message in (("repo,when\nx,1\n", "needs the columns repository and pushed_at"),
                          ("repository,pushed_at\nmasks-lee,yesterday\n", "not an ISO 8601 time"),
                          ("repository,pushed_at\nmasks-lee,2027-02-14T21:00:00\n", "no UTC offset"),
                          ('[{"nom": 1}]', "not GitHub's JSON")):
        path = write_file(tmp_path / "p.csv", text)
        with pytest.raises(ProblemError, match=message) as info:
            push_times(path)
        assert str(path) in str(info.value)


def test_an_override_only_the_gradebook_has_joins_the_course_file(tmp_path):
    """Overrides set before course.toml named an overrides file are written into it, never dropped."""
    from judge.grading.gradebook import Gradebook
    from judge.grading.overrides import read_overrides, sync

    with Gradebook(tmp_path / "gradebook.db") as book:
        book.set_override("ann", "causal_mask", 2.0, "regrade #1", "ta", "2027-02-20T10:00:00+00:00")
        path = tmp_path / "overrides.csv"
        write_file(path, "student,problem,score,reason,set_by,set_at\nlee,causal_mask,1,late excuse,prof,"
                    "2027-02-21T09:00:00+00:00\n")
        assert sync(book, path) == 2
        assert {(o["student"], o["score"], o["set_by"]) for o in book.all_overrides()} == {
            ("ann", 2.0, "ta"), ("lee", 1.0, "prof")}
    assert [(r["student"], r["reason"], r["set_at"]) for r in read_overrides(path)] == [
        ("ann", "regrade #1", "2027-02-20T10:00:00+00:00"), ("lee", "late excuse", "2027-02-21T09:00:00+00:00")]
    write_file(path, "student,problem,score,reason\nann,causal_mask,abc,x\n")
    with pytest.raises(ProblemError, match=r"overrides.csv:2: score 'abc'"):
        read_overrides(path)
