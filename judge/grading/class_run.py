"""The record of a class run: what ``judge grade`` and ``judge merge`` store about the run itself in the
gradebook's ``meta`` table, typed, and the one module that spells its keys (``tests/test_fitness.py`` checks
that no other module reads or writes a meta key). The stored encoding is unchanged, so older gradebooks load."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol


class MetaStore(Protocol):
    """What a run needs of its gradebook (:class:`judge.grading.gradebook.Gradebook` is one)."""

    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str | None) -> None: ...


@dataclass
class Shard:
    """Shard ``k`` of ``n`` of a run: ``pairs`` in the whole class, the ``problems`` graded."""

    k: int
    n: int
    pairs: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class ClassRun:
    """One class run: the course (its JSON, or None), the shard (None for a whole run), the submissions folder,
    whether Gradescope results are written, the known-sources folder, the files not graded per student (file,
    why), and judge collect's notes per (student, problem) (late mark, time source, group)."""

    course: str | None = None
    shard: Shard | None = None
    submissions: str | None = None
    gradescope: bool = False
    known_sources: str | None = None
    not_graded: dict[str, list[list[str]]] = field(default_factory=dict)
    submission_notes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def save(self, book: MetaStore) -> None:
        book.set_meta("course", self.course)
        book.set_meta("shard", json.dumps({"k": self.shard.k, "n": self.shard.n, "pairs": self.shard.pairs,
                                           "problems": self.shard.problems}) if self.shard else None)
        book.set_meta("submissions", self.submissions)
        book.set_meta("gradescope", "yes" if self.gradescope else None)
        book.set_meta("known_sources", self.known_sources)
        book.set_meta("not_graded", json.dumps(self.not_graded))
        book.set_meta("submission_notes", json.dumps(self.submission_notes, sort_keys=True))

    @classmethod
    def load(cls, book: MetaStore) -> ClassRun:
        shard = json.loads(book.meta("shard") or "null")
        return cls(
            course=book.meta("course") or None,
            shard=Shard(int(shard["k"]), int(shard["n"]), int(shard.get("pairs", 0)), list(shard.get("problems") or
                                                                                           [])) if shard else None,
            submissions=book.meta("submissions") or None,
            gradescope=book.meta("gradescope") == "yes",
            known_sources=book.meta("known_sources") or None,
            not_graded=json.loads(book.meta("not_graded") or "{}"),
            submission_notes=json.loads(book.meta("submission_notes") or "{}"),
        )

    @classmethod
    def merged(cls, runs: list[ClassRun]) -> ClassRun:
        """The run of a merge of shards: the first shard's course, folder, known sources and notes that has them,
        Gradescope results if any shard wrote them; no shard (the merge is whole)."""
        def first(name: str) -> Any:
            return next((getattr(r, name) for r in runs if getattr(r, name)), None)

        return cls(course=first("course"), submissions=first("submissions"), gradescope=any(r.gradescope for r in runs),
                   known_sources=first("known_sources"), not_graded=first("not_graded") or {},
                   submission_notes=first("submission_notes") or {})
