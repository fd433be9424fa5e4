"""Mistake: takes the span length as end - start instead of end - start + 1, so spans of
max_answer_length + 1 tokens pass (utils_qa.py: `end_index - start_index + 1 > max_answer_length`)."""

import numpy as np


def _top(logits: np.ndarray, n: int) -> np.ndarray:
    """The n highest positions, higher logit first, equal logits lower index first."""
    return np.argsort(-logits, kind="stable")[:n]


def qa_span_selection(start_logits: np.ndarray, end_logits: np.ndarray, context_mask: np.ndarray,
                      n_best_size: int, max_answer_length: int,
                      null_score_diff_threshold: float | None = None) -> tuple:
    start = np.asarray(start_logits)
    end = np.asarray(end_logits)
    if start.ndim != 1 or start.size == 0 or not np.issubdtype(start.dtype, np.floating):
        raise ValueError(f"start_logits must be a 1-D float array with T >= 1, got shape {start.shape}")
    if end.shape != start.shape or not np.issubdtype(end.dtype, np.floating):
        raise ValueError(f"end_logits must be a float array of the shape of start_logits {start.shape}")
    context = np.asarray(context_mask)
    if context.shape != start.shape or context.dtype != bool:
        raise ValueError(f"context_mask must be a bool array of shape {start.shape}")
    if context[0]:
        raise ValueError("context_mask[0] must be False: position 0 is [CLS], the null answer")
    if n_best_size < 1:
        raise ValueError(f"n_best_size must be >= 1, got {n_best_size}")
    if max_answer_length < 1:
        raise ValueError(f"max_answer_length must be >= 1, got {max_answer_length}")
    start = start.astype(np.float64)
    end = end.astype(np.float64)
    candidates = []  # (score, start, end) in the order the pairs are generated
    for s in _top(start, n_best_size):
        for e in _top(end, n_best_size):
            if context[s] and context[e] and s <= e and e - s <= max_answer_length:
                candidates.append((start[s] + end[e], int(s), int(e)))
    candidates.sort(key=lambda c: -c[0])  # stable: equal scores keep the generation order
    candidates = candidates[:n_best_size]
    spans = np.array([(s, e) for _, s, e in candidates], dtype=np.int64).reshape(len(candidates), 2)
    scores = np.array([score for score, _, _ in candidates], dtype=np.float64)
    if not candidates:
        return 0, 0, spans, scores
    best_start, best_end = int(spans[0, 0]), int(spans[0, 1])
    if null_score_diff_threshold is not None:
        null_score = start[0] + end[0]
        if null_score - scores[0] > null_score_diff_threshold:
            return 0, 0, spans, scores
    return best_start, best_end, spans, scores
