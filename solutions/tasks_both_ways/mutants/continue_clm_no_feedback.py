"""Mutant: continue_clm samples every new token from the logits at the end of the PROMPT, never feeding its
samples back (the loop reuses the first forward pass, as a cache that is never updated)."""

import numpy as np
from pretrain_both_ways import train_clm, train_mlm
from tiny_transformer import forward, loss_and_grads


def _log_softmax(logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _vocab_and_tmax(params):
    return np.asarray(params["tok"]).shape[0], np.asarray(params["pos"]).shape[0]


def _check_rows(params, texts, name):
    texts = np.asarray(texts)
    t_max = _vocab_and_tmax(params)[1]
    if texts.ndim != 2 or texts.dtype.kind not in "iu" or texts.shape[0] < 1 or not 1 <= texts.shape[1] <= t_max:
        raise ValueError(f"{name} must be a 2-D integer array with >= 1 row and 1..{t_max} columns, "
                         f"got {texts.dtype} {texts.shape}")
    return texts.astype(np.int64)


def _check_length(params, prompts, length):
    if not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length must be an int >= 0, got {length!r}")
    if prompts.shape[1] + length > _vocab_and_tmax(params)[1]:
        raise ValueError(f"length {length} after {prompts.shape[1]} prompt tokens passes T_max")


def _check_mask_id(params, mask_id):
    if not isinstance(mask_id, (int, np.integer)) or not 0 <= mask_id < _vocab_and_tmax(params)[0]:
        raise ValueError(f"mask_id must be a token id in [0, V), got {mask_id!r}")


def _sample(logits, rng):
    """One id per row of (..., V) logits, drawn from their softmax by the inverse CDF (one uniform each)."""
    probs = np.exp(_log_softmax(logits))
    u = rng.random(probs.shape[:-1] + (1,))
    return np.minimum((u > np.cumsum(probs, axis=-1)).sum(axis=-1), probs.shape[-1] - 1)


def continue_clm(params, prompts, length, rng):
    prompts = _check_rows(params, prompts, "prompts")
    _check_length(params, prompts, length)
    out = prompts.copy()
    seq_len = out.shape[1]
    logits = forward(params, out, np.tril(np.ones((seq_len, seq_len), dtype=bool)))[:, -1]
    for _ in range(length):
        out = np.concatenate([out, _sample(logits, rng)[:, None]], axis=1)
    return out


def continue_mlm(params, prompts, length, rng, mask_id):
    prompts = _check_rows(params, prompts, "prompts")
    _check_length(params, prompts, length)
    _check_mask_id(params, mask_id)
    n, p = prompts.shape
    blanks = np.concatenate([prompts, np.full((n, length), mask_id, dtype=np.int64)], axis=1)
    if length == 0:
        return blanks
    logits = forward(params, blanks, np.ones((p + length, p + length), dtype=bool))[:, p:]
    return np.concatenate([prompts, _sample(logits, rng)], axis=1)    # every blank at once, independently


def _check_question(params, texts, position, candidates, first):
    texts = _check_rows(params, texts, "texts")
    if not isinstance(position, (int, np.integer)) or not first <= position < texts.shape[1]:
        raise ValueError(f"position must be an int in [{first}, {texts.shape[1]}), got {position!r}")
    cands = np.asarray(candidates)
    vocab = _vocab_and_tmax(params)[0]
    if (cands.ndim != 1 or cands.size == 0 or cands.dtype.kind not in "iu" or cands.min() < 0
            or cands.max() >= vocab or np.unique(cands).size != cands.size):
        raise ValueError(f"candidates must be a non-empty 1-D array of distinct ids in [0, {vocab})")
    return texts, int(position), cands.astype(np.int64)


def cloze_clm(params, texts, position, candidates):
    texts, position, cands = _check_question(params, texts, position, candidates, 1)
    left = texts[:, :position]                                 # the causal model reads the left side only
    logits = forward(params, left, np.tril(np.ones((position, position), dtype=bool)))[:, -1]
    return cands[np.argmax(logits[:, cands], axis=-1)]


def cloze_mlm(params, texts, position, candidates, mask_id):
    texts, position, cands = _check_question(params, texts, position, candidates, 0)
    _check_mask_id(params, mask_id)
    blanked = texts.copy()
    blanked[:, position] = mask_id                             # hide the answer, keep both sides
    seq_len = texts.shape[1]
    logits = forward(params, blanked, np.ones((seq_len, seq_len), dtype=bool))[:, position]
    return cands[np.argmax(logits[:, cands], axis=-1)]
