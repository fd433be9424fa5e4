"""A learner's progress: which problems are solved, per track and overall, and which problem to do next."""

from __future__ import annotations

from dataclasses import dataclass

from judge.engine.problems import Problem


def is_solved(best: tuple[float, float] | None) -> bool:
    """Solved means full marks on some submission."""
    return best is not None and best[1] > 0 and best[0] >= best[1]


@dataclass
class TrackProgress:
    id: str
    title: str
    solved: int
    total: int


def track_progress(problems: list[Problem], best: dict[str, tuple[float, float]]) -> list[TrackProgress]:
    """Solved and total problems per track, in curriculum order."""
    out: dict[str, TrackProgress] = {}
    for p in problems:
        tp = out.setdefault(p.track.id, TrackProgress(p.track.id, p.track.title, 0, 0))
        tp.total += 1
        tp.solved += is_solved(best.get(p.id))
    return list(out.values())


def next_problem(problems: list[Problem], best: dict[str, tuple[float, float]]) -> tuple[Problem | None, str]:
    """The first unsolved problem, in curriculum order, whose prerequisites are all solved, and why it is next.
    (None, why) when every problem is solved."""
    solved = {p.id for p in problems if is_solved(best.get(p.id))}
    unsolved = [p for p in problems if p.id not in solved]
    if not unsolved:
        return None, f"every problem is solved ({len(problems)} of {len(problems)})"
    for p in unsolved:
        if all(pre in solved for pre in p.prerequisites):
            started = p.id in best
            pres = ", ".join(p.prerequisites)
            if started:
                why = f"you have submitted it ({best[p.id][0]:g}/{best[p.id][1]:g}) but not yet solved it"
            elif p.prerequisites:
                why = f"its prerequisites ({pres}) are solved"
            else:
                why = "it has no prerequisites"
            return p, f"{why}; it comes first in the learning path among the problems you can start"
    p = unsolved[0]
    missing = [pre for pre in p.prerequisites if pre not in solved]
    return p, f"the next problem in the learning path (its prerequisites {', '.join(missing)} are not solved yet)"
