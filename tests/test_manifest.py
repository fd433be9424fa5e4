"""collect.json as judge/grading/manifest.py reads it: the entries judge collect writes come back typed, a
manifest of an older collect (fewer fields, unknown extra ones) still reads, and a file that is not a manifest is a
one-line error naming it. The end-to-end path (collect, then grade reading the times) is tested in test_collect.py
and test_lms_roundtrip.py."""

from __future__ import annotations

import json

import pytest

from judge.engine.problems import ProblemError
from judge.grading import manifest
from judge.grading.grade import read_manifest, read_manifest_notes


def test_entries_round_trip(tmp_path):
    manifest.write(tmp_path, {"format": "canvas", "students": {"ada": {"causal_mask": {
        "original": "Causal_Mask-1.py", "submitted_at": None, "late_mark": True, "time_source": "none: Canvas",
        "group": None, "group_members": [], "commit_time": None, "lms": "canvas", "lms_ref": "ada_5551_9"}}}})
    (entry,) = manifest.read(tmp_path).values()
    assert entry == manifest.Entry("Causal_Mask-1.py", None, True, "none: Canvas", None, [], "canvas", "ada_5551_9")
    assert read_manifest(tmp_path) == {("ada", "causal_mask"): (None, "Causal_Mask-1.py")}
    assert read_manifest_notes(tmp_path) == {"ada": {"causal_mask": {
        "late_mark": True, "time_source": "none: Canvas", "lms": "canvas", "lms_ref": "ada_5551_9"}}}


def test_an_older_manifest_reads_and_none_is_empty(tmp_path):
    assert manifest.read(tmp_path) == {}
    (tmp_path / manifest.NAME).write_text(json.dumps({"students": {"ben": {"padding_mask": {
        "original": "padding_mask.py", "submitted_at": "2027-02-14T23:00:00+00:00", "future_field": 1}}}}))
    assert manifest.read(tmp_path)[("ben", "padding_mask")].submitted_at == "2027-02-14T23:00:00+00:00"


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", '{"students": {"ada": []}}'])
def test_a_file_that_is_not_a_manifest_is_one_line(tmp_path, text):
    (tmp_path / manifest.NAME).write_text(text)
    with pytest.raises(ProblemError) as caught:
        manifest.read(tmp_path)
    assert str(caught.value).startswith(str(tmp_path / manifest.NAME)) and "\n" not in str(caught.value)
