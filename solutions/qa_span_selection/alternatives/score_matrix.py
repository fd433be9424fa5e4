"""A second correct solution of qa_span_selection, written differently: ranks from np.lexsort, one score matrix
over (start rank, end rank) masked by validity, and a lexsort on (score, start rank, end rank) in place of the
stable sort of the generated pairs."""

import numpy as np


def qa_span_selection(start_logits, end_logits, context_mask, n_best_size, max_answer_length,
                      null_score_diff_threshold=None):
    st = np.asarray(start_logits)
    en = np.asarray(end_logits)
    if st.ndim != 1 or len(st) < 1 or st.dtype.kind != "f":
        raise ValueError("start_logits: expected a non-empty 1-D float array")
    if en.shape != st.shape or en.dtype.kind != "f":
        raise ValueError("end_logits: expected a float array shaped like start_logits")
    ctx = np.asarray(context_mask)
    if ctx.dtype != np.bool_ or ctx.shape != st.shape or ctx[0]:
        raise ValueError("context_mask: expected a bool (T,) array, False at position 0 ([CLS])")
    if n_best_size < 1:
        raise ValueError("n_best_size: must be at least 1")
    if max_answer_length < 1:
        raise ValueError("max_answer_length: must be at least 1")
    st = st.astype(np.float64)
    en = en.astype(np.float64)
    positions = np.arange(len(st))
    starts = np.lexsort((positions, -st))[:n_best_size]  # last key first: by -logit, then by index
    ends = np.lexsort((positions, -en))[:n_best_size]
    s_grid, e_grid = np.meshgrid(starts, ends, indexing="ij")
    valid = ctx[s_grid] & ctx[e_grid] & (e_grid >= s_grid) & (e_grid - s_grid < max_answer_length)
    s_rank, e_rank = np.nonzero(valid)
    score = st[starts[s_rank]] + en[ends[e_rank]]
    order = np.lexsort((e_rank, s_rank, -score))[:n_best_size]
    spans = np.stack([starts[s_rank[order]], ends[e_rank[order]]], axis=1).astype(np.int64).reshape(-1, 2)
    scores = score[order].astype(np.float64)
    if len(order) == 0:
        return 0, 0, spans, scores
    if null_score_diff_threshold is not None and st[0] + en[0] - scores[0] > null_score_diff_threshold:
        return 0, 0, spans, scores
    return int(spans[0, 0]), int(spans[0, 1]), spans, scores
