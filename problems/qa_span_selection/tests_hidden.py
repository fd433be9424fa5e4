"""Hidden tests of qa_span_selection. Expected values come from loops over the statement's definition (a sort by
a (-logit, index) key, pairs in rank order, a stable sort), never from the reference."""

import numpy as np
import pytest

from judge.checkers import expect_allclose, expect_array, expect_int, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def ranked(logits, n):
    """The n best positions: higher logit first, equal logits lower index first."""
    return sorted(range(len(logits)), key=lambda i: (-float(logits[i]), i))[:n]


def by_definition(start, end, context, n_best, max_len, threshold):
    start = [float(x) for x in start]
    end = [float(x) for x in end]
    pairs = []
    for s in ranked(start, n_best):
        for e in ranked(end, n_best):
            if context[s] and context[e] and s <= e and e - s + 1 <= max_len:
                pairs.append((start[s] + end[e], s, e))
    pairs = sorted(pairs, key=lambda p: -p[0])[:n_best]  # Python's sort is stable
    spans = np.array([[s, e] for _, s, e in pairs], dtype=np.int64).reshape(len(pairs), 2)
    scores = np.array([p[0] for p in pairs], dtype=np.float64)
    if not pairs:
        return (0, 0), spans, scores
    answer = (pairs[0][1], pairs[0][2])
    if threshold is not None and (start[0] + end[0]) - pairs[0][0] > threshold:
        answer = (0, 0)
    return answer, spans, scores


def check(got, expected, name):
    answer, spans, scores = expected
    got = expect_sequence(got, 4, name=name)
    expect_int(got[0], answer[0], name=f"answer start of {name}")
    expect_int(got[1], answer[1], name=f"answer end of {name}")
    expect_array(got[2], spans, name=f"spans of {name}")
    expect_allclose(got[3], scores, rtol=1e-13, atol=0, name=f"scores of {name}")


def squad_feature(rng, length, question):
    """[CLS] question [SEP] context [SEP] padding: the context mask of one feature."""
    context = np.zeros(length, dtype=bool)
    end = length - int(rng.integers(1, 4))  # [SEP] and some padding
    context[question + 2:end] = True
    return context


def run(sol, start, end, context, n_best, max_len, threshold, name):
    got = sol.qa_span_selection(start, end, context, n_best, max_len, threshold)
    check(got, by_definition(start, end, context, n_best, max_len, threshold), name)


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("n_best,max_len", [(3, 4), (5, 2), (20, 30), (8, 1)], ids=cases())
def test_random_features(sol, n_best, max_len):
    """Random float logits of SQuAD-like features (SQuAD 1.1, no threshold) match the definition."""
    rng = np.random.default_rng(n_best * 100 + max_len)
    for _ in range(6):
        length = int(rng.integers(12, 40))
        context = squad_feature(rng, length, int(rng.integers(2, 6)))
        start, end = rng.normal(size=length) * 2, rng.normal(size=length) * 2
        run(sol, start, end, context, n_best, max_len, None, "qa_span_selection on a random feature")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("threshold", [0.0, 1.5, -2.0], ids=cases())
def test_random_features_squad2(sol, threshold):
    """Random features with a no-answer threshold (SQuAD 2.0) match the definition, answers and nulls both."""
    rng = np.random.default_rng(int(threshold * 10) + 50)
    nulls = spans = 0
    for _ in range(30):
        length = int(rng.integers(10, 30))
        context = squad_feature(rng, length, int(rng.integers(2, 6)))
        start, end = rng.normal(size=length) * 2, rng.normal(size=length) * 2
        start[0] += rng.normal() * 2
        expected = by_definition(start, end, context, 6, 5, threshold)
        nulls += expected[0] == (0, 0)
        spans += expected[0] != (0, 0)
        check(sol.qa_span_selection(start, end, context, 6, 5, threshold), expected,
              "qa_span_selection on a random SQuAD 2.0 feature")
    assert nulls > 0 and spans > 0, "the test's features should give both no-answers and spans"


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("seed", [0, 1, 2], ids=cases())
def test_integer_logits_ties(sol, seed):
    """Small integer logits (ties everywhere): ranks and the stable sort decide, as the statement pins."""
    rng = np.random.default_rng(700 + seed)
    for _ in range(10):
        length = int(rng.integers(8, 20))
        context = squad_feature(rng, length, int(rng.integers(1, 4)))
        start = rng.integers(-2, 3, size=length).astype(np.float64)
        end = rng.integers(-2, 3, size=length).astype(np.float64)
        run(sol, start, end, context, int(rng.integers(2, 7)), int(rng.integers(1, 5)), 0.0,
            "qa_span_selection with tied logits")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_question_tokens_crowd_out(sol):
    """Only the top n_best_size starts and ends over all positions pair up: question tokens take their places."""
    context = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0], dtype=bool)
    start = np.array([0.0, 9.0, 8.0, 0.0, 0.5, 3.0, 0.0, 0.0, 0.0])  # top 2: question tokens 1 and 2
    end = np.array([0.0, 9.0, 8.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0])
    run(sol, start, end, context, 2, 5, None, "qa_span_selection with strong question tokens")
    run(sol, start, end, context, 3, 5, None, "qa_span_selection with strong question tokens")
    run(sol, start, end, context, 4, 5, None, "qa_span_selection with strong question tokens")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_best_valid_span_outside_top_n(sol):
    """The best valid span overall is not a candidate when its start is not among the top n_best_size."""
    context = np.array([0, 0, 1, 1, 1, 1, 1, 0], dtype=bool)
    start = np.array([0.0, 0.0, 2.0, 1.9, 1.0, 0.0, 0.0, 0.0])
    end = np.array([0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0])  # end 4; start 2 is 3 tokens from it
    got = sol.qa_span_selection(start, end, context, 1, 2, None)
    check(got, ((0, 0), np.zeros((0, 2), dtype=np.int64), np.zeros(0)), "qa_span_selection, n_best_size 1")
    run(sol, start, end, context, 2, 2, None, "qa_span_selection, n_best_size 2")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_end_before_start(sol):
    """A pair whose end precedes its start is never a span, even with the highest score."""
    context = np.array([0, 1, 1, 1, 1, 1], dtype=bool)
    start = np.array([0.0, 0.0, 0.0, 0.0, 6.0, 1.0])
    end = np.array([0.0, 0.0, 7.0, 0.0, 2.0, 0.0])
    check(sol.qa_span_selection(start, end, context, 6, 6, None),
          by_definition(start, end, context, 6, 6, None), "qa_span_selection with the best end before the start")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("max_len", [1, 2, 3, 4], ids=cases())
def test_length_limit(sol, max_len):
    """A span of exactly max_answer_length tokens is allowed, one more is not (length = end - start + 1)."""
    context = np.array([0, 1, 1, 1, 1, 1, 0], dtype=bool)
    start = np.array([0.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    end = np.array([0.0, 0.0, 1.0, 2.0, 3.0, 4.0, 0.0])
    run(sol, start, end, context, 7, max_len, None, "qa_span_selection at the length limit")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("threshold,answer", [(-1.0, (1, 2)), (-1.25, (0, 0)), (0.5, (1, 2)), (-0.75, (1, 2))],
                         ids=cases())
def test_threshold_rule(sol, threshold, answer):
    """No answer exactly when null_score - best score > threshold; equality keeps the span."""
    context = np.array([0, 1, 1, 1, 0], dtype=bool)
    start = np.array([1.0, 2.0, 0.0, 0.0, 0.0])
    end = np.array([1.0, 0.0, 1.0, 0.0, 0.0])  # best span (1, 2): 3.0; null 2.0; null - best = -1.0
    got = sol.qa_span_selection(start, end, context, 3, 3, threshold)
    expected = by_definition(start, end, context, 3, 3, threshold)
    assert expected[0] == answer
    check(got, expected, "qa_span_selection with a threshold")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_null_wins_above_spans(sol):
    """A strong [CLS] gives no answer at threshold 0, and the span list is still returned."""
    context = np.array([0, 0, 1, 1, 1, 0], dtype=bool)
    start = np.array([5.0, 0.0, 1.0, 0.5, 0.0, 0.0])
    end = np.array([5.0, 0.0, 0.0, 1.0, 0.5, 0.0])
    run(sol, start, end, context, 4, 3, 0.0, "qa_span_selection with a strong [CLS]")
    run(sol, start, end, context, 4, 3, None, "qa_span_selection with a strong [CLS], no threshold")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("threshold", [None, 0.0], ids=["squad_one", "squad_two"])
def test_no_valid_pair(sol, threshold):
    """Without any valid pair the answer is (0, 0) and the lists are empty: (0, 2) int64, (0,) float64."""
    context = np.array([0, 0, 1, 1, 0], dtype=bool)
    start = np.array([0.0, 5.0, 0.0, 3.0, 0.0])
    end = np.array([0.0, 0.0, 4.0, 0.0, 0.0])  # top-1 start 1 (question), top-1 end 2
    check(sol.qa_span_selection(start, end, context, 1, 4, threshold),
          ((0, 0), np.zeros((0, 2), dtype=np.int64), np.zeros(0)), "qa_span_selection without a valid pair")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_tie_at_the_cut(sol):
    """Equal logits at the n_best_size cut: the lower index is kept."""
    context = np.array([0, 1, 1, 1, 1, 1, 0], dtype=bool)
    start = np.array([0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    end = np.array([0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 2.0])
    check(sol.qa_span_selection(start, end, context, 1, 5, None),
          ((1, 4), np.array([[1, 4]], dtype=np.int64), np.array([3.0])), "qa_span_selection with a tie at the cut")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_float32_scores_in_float64(sol):
    """float32 logits: scores are the float64 sums of the converted logits."""
    rng = np.random.default_rng(9)
    context = squad_feature(rng, 24, 3)
    start = (rng.normal(size=24) * 3).astype(np.float32)
    end = (rng.normal(size=24) * 3).astype(np.float32)
    run(sol, start, end, context, 10, 8, 0.0, "qa_span_selection of float32 logits")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_single_position(sol):
    """T = 1 ([CLS] only): no span, answer (0, 0)."""
    check(sol.qa_span_selection(np.array([1.0]), np.array([2.0]), np.array([False]), 3, 3, 0.0),
          ((0, 0), np.zeros((0, 2), dtype=np.int64), np.zeros(0)), "qa_span_selection of a [CLS]-only feature")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["two_dim", "empty", "integers"], ids=cases())
def test_bad_start_logits(sol, case):
    """start_logits not a 1-D float array with T >= 1 raises ValueError naming start_logits."""
    start = {"two_dim": np.zeros((1, 4)), "empty": np.zeros(0), "integers": np.zeros(4, dtype=np.int64)}[case]
    end = np.zeros(start.size)
    expect_raises(ValueError, sol.qa_span_selection, start, end, np.zeros(start.size, dtype=bool), 2, 2,
                  match="start_logits")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["length", "integers"], ids=cases())
def test_bad_end_logits(sol, case):
    """end_logits not a float array of start_logits' shape raises ValueError naming end_logits."""
    end = {"length": np.zeros(5), "integers": np.zeros(4, dtype=np.int64)}[case]
    expect_raises(ValueError, sol.qa_span_selection, np.zeros(4), end, np.zeros(4, dtype=bool), 2, 2,
                  match="end_logits")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("case", ["length", "integers", "cls"], ids=cases())
def test_bad_context_mask(sol, case):
    """context_mask not bool of shape (T,), or True at [CLS], raises ValueError naming context_mask."""
    context = {"length": np.zeros(3, dtype=bool), "integers": np.array([0, 1, 1, 0]),
               "cls": np.array([True, True, True, False])}[case]
    expect_raises(ValueError, sol.qa_span_selection, np.zeros(4), np.zeros(4), context, 2, 2, match="context_mask")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("n_best,max_len,argument", [(0, 3, "n_best_size"), (2, 0, "max_answer_length"),
                                                     (-1, 3, "n_best_size")], ids=cases())
def test_bad_sizes(sol, n_best, max_len, argument):
    """n_best_size < 1 or max_answer_length < 1 raises ValueError naming it."""
    context = np.array([0, 1, 1, 0], dtype=bool)
    expect_raises(ValueError, sol.qa_span_selection, np.zeros(4), np.zeros(4), context, n_best, max_len,
                  match=argument)
