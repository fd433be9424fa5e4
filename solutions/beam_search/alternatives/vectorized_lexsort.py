"""A second correct beam_search: the candidates of a step as one (beams, V) array ranked with np.lexsort, the
beams as a 2-D id array, and the finished set as parallel lists kept sorted by insertion."""

import numpy as np


def beam_search(logprobs, prompt, num_beams: int, max_new_tokens: int, eos_id: int, length_penalty: float = 1.0,
                early_stopping=False, num_return_sequences: int = 1) -> list:
    """The num_return_sequences best finished hypotheses, best first, as (generated ids, score) tuples."""
    table = np.asarray(logprobs)
    if table.ndim != 3 or table.shape[1] != table.shape[2] or table.shape[1] < 1:
        raise ValueError("logprobs must have shape (S, V, V) with V >= 1")
    table = table.astype(np.float64)
    if np.isnan(table).any() or np.isinf(table).any():
        raise ValueError("logprobs holds a NaN or an infinity")
    steps, vocab = table.shape[0], table.shape[1]
    ids = np.asarray(prompt)
    if ids.ndim != 1 or len(ids) < 1 or not ((ids >= 0) & (ids < vocab)).all():
        raise ValueError("prompt must be a non-empty 1-D list of ids in [0, V)")
    if not (num_beams >= 1 and 2 * num_beams <= vocab):
        raise ValueError("num_beams must be >= 1 with 2 * num_beams <= V")
    if not 1 <= max_new_tokens <= steps:
        raise ValueError("max_new_tokens must be in [1, S]")
    if eos_id < 0 or eos_id >= vocab:
        raise ValueError("eos_id must be in [0, V)")
    if early_stopping is not True and early_stopping is not False and early_stopping != "never":
        raise ValueError("early_stopping must be True, False or 'never'")
    if num_return_sequences < 1 or num_return_sequences > num_beams:
        raise ValueError("num_return_sequences must be in [1, num_beams]")

    seqs = np.zeros((1, 0), dtype=np.int64)
    sums = np.zeros(1)
    fin_scores: list[float] = []
    fin_seqs: list[list[int]] = []
    for t in range(max_new_tokens):
        prev = np.full(len(seqs), int(ids[-1])) if t == 0 else seqs[:, -1]
        totals = sums[:, None] + table[t][prev]                       # (beams, V)
        beam_of = np.repeat(np.arange(len(seqs)), vocab)
        token_of = np.tile(np.arange(vocab), len(seqs))
        flat = totals.ravel()
        order = np.lexsort((token_of, beam_of, -flat))[:2 * num_beams]
        final = t + 1 == max_new_tokens
        ends = (token_of[order] == eos_id) | final
        keep = order[~ends][:num_beams]
        for pos in np.flatnonzero(ends[:num_beams]):
            k = order[pos]
            score = flat[k] / (t + 1) ** length_penalty
            slot = len(fin_scores)
            while slot > 0 and fin_scores[slot - 1] < score:
                slot -= 1
            fin_scores.insert(slot, score)
            fin_seqs.insert(slot, seqs[beam_of[k]].tolist() + [int(token_of[k])])
        del fin_scores[num_beams:], fin_seqs[num_beams:]
        seqs = np.concatenate([seqs[beam_of[keep]], token_of[keep][:, None]], axis=1)
        sums = flat[keep]
        if final or len(fin_scores) < num_beams:
            continue
        if early_stopping is True:
            break
        horizon = max_new_tokens if (early_stopping == "never" and length_penalty > 0) else t + 1
        if sums[0] / horizon ** length_penalty <= fin_scores[-1]:
            break
    return [(fin_seqs[i], float(fin_scores[i])) for i in range(num_return_sequences)]
