"""Mistake: the length penalty divides by the whole sequence length, prompt included, as Hugging Face did until
PR #27351 (issues #16413, #26624) and vLLM until vllm #2606: a long prompt switches the penalty off."""

import numpy as np


def _check(table, prompt, num_beams, max_new_tokens, eos_id, early_stopping, num_return_sequences):
    if table.ndim != 3 or table.shape[1] != table.shape[2] or table.shape[1] == 0:
        raise ValueError(f"logprobs must have shape (S, V, V) with V >= 1, got {table.shape}")
    if not np.all(np.isfinite(table)):
        raise ValueError("logprobs must be finite (no NaN or -inf)")
    vocab = table.shape[1]
    ids = np.asarray(prompt)
    if ids.ndim != 1 or ids.size == 0 or ids.min() < 0 or ids.max() >= vocab:
        raise ValueError(f"prompt must be a non-empty 1-D sequence of ids in [0, {vocab})")
    if num_beams < 1 or 2 * num_beams > vocab:
        raise ValueError(f"num_beams must be in [1, V // 2 = {vocab // 2}], got {num_beams}")
    if max_new_tokens < 1 or max_new_tokens > table.shape[0]:
        raise ValueError(f"max_new_tokens must be in [1, S = {table.shape[0]}], got {max_new_tokens}")
    if not 0 <= eos_id < vocab:
        raise ValueError(f"eos_id must be in [0, {vocab}), got {eos_id}")
    if not (isinstance(early_stopping, bool) or early_stopping == "never"):
        raise ValueError(f"early_stopping must be True, False or 'never', got {early_stopping!r}")
    if not 1 <= num_return_sequences <= num_beams:
        raise ValueError(f"num_return_sequences must be in [1, num_beams = {num_beams}], got {num_return_sequences}")
    return ids


def beam_search(logprobs, prompt, num_beams: int, max_new_tokens: int, eos_id: int, length_penalty: float = 1.0,
                early_stopping=False, num_return_sequences: int = 1) -> list:
    """The num_return_sequences best finished hypotheses, best first: a list of (generated ids, score)."""
    table = np.asarray(logprobs, dtype=np.float64)
    ids = _check(table, prompt, num_beams, max_new_tokens, eos_id, early_stopping, num_return_sequences)
    vocab = table.shape[1]
    running = [((), 0.0)]                 # (generated tokens, sum of their log-probs), best first
    finished = []                         # (score, generated tokens), best first, at most num_beams
    for step in range(max_new_tokens):
        last = step == max_new_tokens - 1
        cands = []
        for rank, (tokens, total) in enumerate(running):
            prev = tokens[-1] if tokens else int(ids[-1])
            row = table[step, prev]
            cands.extend((total + float(row[tok]), rank, tok) for tok in range(vocab))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        new_running, new_finished = [], []
        for position, (total, rank, tok) in enumerate(cands[:2 * num_beams]):
            tokens = running[rank][0] + (tok,)
            if tok == eos_id or last:
                if position < num_beams:
                    new_finished.append((total / (len(ids) + step + 1) ** length_penalty, tokens))
            elif len(new_running) < num_beams:
                new_running.append((tokens, total))
        finished = sorted(finished + new_finished, key=lambda f: -f[0])[:num_beams]
        running = new_running
        if last or len(finished) < num_beams:
            continue
        if early_stopping is True:
            break
        length = max_new_tokens if early_stopping == "never" and length_penalty > 0 else step + 1
        if running[0][1] / length ** length_penalty <= finished[-1][0]:
            break
    return [([int(t) for t in tokens], float(score)) for score, tokens in finished[:num_return_sequences]]
