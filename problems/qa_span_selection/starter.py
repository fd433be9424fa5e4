"""Extractive question answering: choosing the answer span. Read the statement with
`judge show qa_span_selection`."""

import numpy as np


def qa_span_selection(start_logits: np.ndarray, end_logits: np.ndarray, context_mask: np.ndarray,
                      n_best_size: int, max_answer_length: int,
                      null_score_diff_threshold: float | None = None) -> tuple:
    """(start, end, spans, scores): the n-best spans (int64 (K, 2), float64 (K,)) built from the top n_best_size
    start and end positions as Hugging Face's postprocess_qa_predictions does, and the answer span, (0, 0) for no
    answer when null_score - best score > null_score_diff_threshold. Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("qa_span_selection is not implemented yet")
