"""The capstone track: the Bayes-optimal numbers its statements state, derived here by exact enumeration of the
synthetic language, and a second, differently written correct solution of each problem scoring full marks."""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from fractions import Fraction

import pytest
from helpers import REPO, judge_json

pytestmark = pytest.mark.slow

CAPSTONE = ("tiny_transformer", "pretrain_both_ways", "compare_objectives", "tasks_both_ways")
KINDS = "aLRb"
MASK = 16


def all_texts():
    """Every text of two blocks [a, L, R, b], each of the 8^4 draws of (a1, b1, a2, b2) equally likely."""
    for a1, b1, a2, b2 in itertools.product(range(8), repeat=4):
        yield (a1, 8 + a1 % 4, 12 + b1 // 2, b1, a2, 8 + a2 % 4, 12 + b2 // 2, b2)


def bayes(context_of):
    """Per kind: (accuracy, loss) of the Bayes-optimal predictor of texts[t] given context_of(text, t)."""
    texts = list(all_texts())
    result = {}
    for kind in range(4):
        positions = [t for t in range(kind, 8, 4) if context_of(None, t) is not None]
        acc, loss = [], []
        for t in positions:
            groups = defaultdict(lambda: defaultdict(int))
            for text in texts:
                groups[context_of(text, t)][text[t]] += 1
            hits = sum(max(c.values()) for c in groups.values())
            nats = -sum(n * math.log(n / sum(c.values())) for c in groups.values() for n in c.values())
            acc.append(Fraction(hits, len(texts)))
            loss.append(nats / len(texts))
        result[KINDS[kind]] = (sum(acc) / len(acc), sum(loss) / len(loss))
    return result


def next_token_context(text, t):
    """Everything before t; position 0 is never a next-token target (None)."""
    if t == 0:
        return None
    return () if text is None else tuple(text[:t])


def fill_in_context(text, t):
    """Everything but t, which holds [MASK]."""
    if text is None:
        return ()
    return tuple(text[:t]) + (MASK,) + tuple(text[t + 1:])


NEXT_TOKEN = {"a": (Fraction(1, 8), math.log(8)), "L": (Fraction(1), 0.0), "R": (Fraction(1, 4), math.log(4)),
              "b": (Fraction(1, 2), math.log(2))}
FILL_IN = {"a": (Fraction(1, 2), math.log(2)), "L": (Fraction(1), 0.0), "R": (Fraction(1), 0.0),
           "b": (Fraction(1, 2), math.log(2))}


def test_bayes_optimum_by_enumeration():
    """The statements' table, derived from the 4096 equally likely texts."""
    for derived, stated in ((bayes(next_token_context), NEXT_TOKEN), (bayes(fill_in_context), FILL_IN)):
        for kind, (acc, loss) in stated.items():
            assert derived[kind][0] == acc, kind
            assert derived[kind][1] == pytest.approx(loss, abs=1e-12), kind


def parse_cell(cell: str) -> tuple[Fraction, float]:
    """'**1/4 / `log 4 = 1.386`**' or '1/8, `log 8 = 2.079` (...)' -> (1/4, log 4)."""
    text = cell.replace("*", "").replace("`", "").strip()
    acc = Fraction(re.match(r"(\d+(?:/\d+)?)", text).group(1))
    rest = text[len(re.match(r"(\d+(?:/\d+)?)", text).group(1)):]
    found = re.search(r"log (\d+)", rest)
    loss = math.log(int(found.group(1))) if found else 0.0
    if not found:
        assert re.match(r"\s*[/,]\s*0\b", rest), cell
    return acc, loss


@pytest.mark.parametrize("problem_id", ["pretrain_both_ways", "compare_objectives"])
def test_statement_tables_match_the_derivation(problem_id):
    """Each statement's Bayes table states exactly the enumerated optimum, and log values to 3 decimals."""
    statement = (REPO / "problems" / problem_id / "README.md").read_text()
    rows = {}
    for line in statement.splitlines():
        m = re.match(r"\| `([aLRb])` \| (.*?) \| (.*?) \|$", line)
        if m and line.count("|") == 4:            # the Bayes table, not the language's 4-column table
            rows[m.group(1)] = (parse_cell(m.group(2)), parse_cell(m.group(3)))
    assert set(rows) == set(KINDS)
    for kind, (next_cell, fill_cell) in rows.items():
        assert next_cell[0] == NEXT_TOKEN[kind][0] and next_cell[1] == pytest.approx(NEXT_TOKEN[kind][1]), kind
        assert fill_cell[0] == FILL_IN[kind][0] and fill_cell[1] == pytest.approx(FILL_IN[kind][1]), kind
    for value in re.findall(r"log (\d+) = (\d\.\d{3})", statement):
        assert f"{math.log(int(value[0])):.3f}" == value[1]


def block_valid(block) -> bool:
    a, l_tok, r_tok, b = block
    return a < 8 and b < 8 and l_tok == 8 + a % 4 and r_tok == 12 + b // 2


def continuation_tables() -> tuple[Fraction, Fraction]:
    """tasks_both_ways, continue a text after the first block: the share of valid second blocks when each token is
    sampled from the language's own next-token distribution (the Bayes-optimal causal LM), and when the four blanks
    are sampled independently, each from the language's distribution of its position given the prompt (the
    Bayes-optimal masked LM filling them in one pass)."""
    by_prompt = defaultdict(list)
    for text in all_texts():
        by_prompt[text[:4]].append(text[4:])
    causal, masked = Fraction(0), Fraction(0)
    for blocks in by_prompt.values():
        weight = Fraction(len(blocks), 4096)
        # Token by token from the exact conditionals: the sampled block has the language's joint distribution.
        causal += weight * Fraction(sum(block_valid(b) for b in blocks), len(blocks))
        marginals = [defaultdict(int) for _ in range(4)]
        for block in blocks:
            for j, token in enumerate(block):
                marginals[j][token] += 1
        share = Fraction(0)
        for block in itertools.product(*(list(m) for m in marginals)):
            if block_valid(block):
                p = Fraction(1)
                for j, token in enumerate(block):
                    p *= Fraction(marginals[j][token], len(blocks))
                share += p
        masked += weight * share
    return causal, masked


def cloze_table(context_of, kind: int, candidates: range) -> Fraction:
    """Bayes accuracy of answering the token at the positions of one kind (both blocks) with the most likely
    candidate given context_of(text, position)."""
    texts = list(all_texts())
    hits = 0
    for t in (kind, kind + 4):
        groups = defaultdict(lambda: defaultdict(int))
        for text in texts:
            groups[context_of(text, t)][text[t]] += 1
        hits += sum(max(counts.get(c, 0) for c in candidates) for counts in groups.values())
    return Fraction(hits, 2 * len(texts))


TASKS = {"continue a text": (Fraction(1), Fraction(1, 16)), "cloze at `R`": (Fraction(1, 4), Fraction(1)),
         "cloze at `L`": (Fraction(1), Fraction(1))}


def test_tasks_table_by_enumeration():
    """tasks_both_ways' table, derived from the 4096 equally likely texts."""
    assert continuation_tables() == TASKS["continue a text"]
    for name, kind, candidates in (("cloze at `R`", 2, range(12, 16)), ("cloze at `L`", 1, range(8, 12))):
        derived = (cloze_table(next_token_context, kind, candidates), cloze_table(fill_in_context, kind, candidates))
        assert derived == TASKS[name], name


def test_tasks_statement_table_matches_the_derivation():
    """The statement of tasks_both_ways states exactly the derived table."""
    statement = (REPO / "problems" / "tasks_both_ways" / "README.md").read_text()
    rows = {}
    for line in statement.splitlines():
        m = re.match(r"\| (continue a text|cloze at `[RL]`) \(.*?\) \| (.*?) \| (.*?) \|$", line)
        if m:
            rows[m.group(1)] = tuple(Fraction(cell.replace("*", "").strip()) for cell in m.group(2, 3))
    assert rows == TASKS


def alternatives():
    return [(pid, path) for pid in CAPSTONE
            for path in sorted((REPO / "solutions" / pid / "alternatives").glob("*.py"))]


def test_every_capstone_problem_has_an_alternative():
    """Every problem of the capstone track (problems/tracks.toml) has a second correct solution tested here."""
    from judge.engine.problems import list_problems

    assert {p.id for p in list_problems(REPO) if p.track.id == "capstone"} == set(CAPSTONE)
    assert {pid for pid, _ in alternatives()} == set(CAPSTONE)


@pytest.mark.parametrize("problem_id,path", alternatives(), ids=lambda v: getattr(v, "name", v))
def test_alternative_scores_full_marks(problem_id, path, tmp_db):
    """A second correct solution, written differently (other draw order, other sampler), gets every point."""
    code, res = judge_json("submit", problem_id, str(path), "--db", tmp_db)
    failed = [(t["name"], t["message"][:200]) for t in res["tests"] if t["status"] != "passed"]
    assert code == 0 and res["score"] == res["max_score"] > 0, failed
