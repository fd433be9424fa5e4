"""The record of a class run (judge/grading/class_run.py): what it stores in the gradebook's meta table round-trips,
a gradebook written before the record existed (the same encoding, optional fields missing) loads, and a merge of
shards keeps each setting from the first shard that has it."""

from __future__ import annotations

import json

from judge.grading.class_run import ClassRun, Shard


class Book:
    """The gradebook's meta table, in memory."""

    def __init__(self, rows: dict[str, str] | None = None) -> None:
        self.rows = dict(rows or {})

    def meta(self, key: str) -> str | None:
        return self.rows.get(key)

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.rows.pop(key, None)
        else:
            self.rows[key] = value


def test_a_run_round_trips_through_the_meta_table():
    run = ClassRun(course='{"title": "NLP 101"}', shard=Shard(2, 8, 400, ["causal_mask", "padding_mask"]),
                   submissions="/data/submissions", gradescope=True, known_sources="/data/known",
                   not_graded={"ada": [["notes.txt", "not a problem file"]]},
                   submission_notes={"ada": {"causal_mask": {"late_mark": True, "group": "g1"}}})
    book = Book()
    run.save(book)
    assert ClassRun.load(book) == run
    assert book.rows["gradescope"] == "yes" and json.loads(book.rows["shard"])["k"] == 2


def test_a_gradebook_from_before_the_record_loads():
    """What judge grade wrote before: a shard without its problems, no known sources, no notes."""
    old = Book({"course": "", "shard": '{"k": 1, "n": 2, "pairs": 10}', "submissions": "class",
                "not_graded": "{}"})
    run = ClassRun.load(old)
    assert run.shard == Shard(1, 2, 10, []) and run.course is None and not run.gradescope
    assert run.submission_notes == {} and run.known_sources is None
    assert ClassRun.load(Book()) == ClassRun()


def test_a_merge_keeps_the_first_shard_that_has_each_setting():
    a = ClassRun(shard=Shard(1, 2, 10), submissions=None, not_graded={})
    b = ClassRun(course='{"c": 1}', shard=Shard(2, 2, 10), submissions="/s", gradescope=True,
                 not_graded={"x": [["f", "why"]]}, known_sources="/k")
    merged = ClassRun.merged([a, b])
    assert merged == ClassRun(course='{"c": 1}', submissions="/s", gradescope=True, known_sources="/k",
                              not_graded={"x": [["f", "why"]]})
    assert merged.shard is None
