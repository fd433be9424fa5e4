"""Mistake: visits rng.integers(0, n, size=n) words (drawn with replacement), so some words are visited twice and
others never, and a word that fits can be left out.
"""

import numpy as np


def _words(ids):
    """(start, end) of each word, in order of position; ValueError when a word is not contiguous."""
    words, seen = [], set()
    t, n = 0, len(ids)
    while t < n:
        end = t + 1
        while end < n and ids[end] == ids[t]:
            end += 1
        if ids[t] >= 0:
            if int(ids[t]) in seen:
                raise ValueError(f"word_ids: the tokens of word {int(ids[t])} are not contiguous")
            seen.add(int(ids[t]))
            words.append((t, end))
        t = end
    return words


def whole_word_mask(word_ids, mlm_probability, *, rng, max_predictions=None):
    ids = np.asarray(word_ids)
    if ids.ndim != 1:
        raise ValueError(f"word_ids must be 1-D (T,), got ndim {ids.ndim}")
    if ids.size and ids.min() < -1:
        raise ValueError(f"word_ids must be >= -1 (-1 = special token), got {int(ids.min())}")
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    if max_predictions is not None and max_predictions < 0:
        raise ValueError(f"max_predictions must be None or >= 0, got {max_predictions}")
    budget = max(1, round(len(ids) * mlm_probability))
    if max_predictions is not None:
        budget = min(budget, max_predictions)
    words = _words(ids)
    selected = np.zeros(len(ids), dtype=bool)
    count = 0
    for w in rng.integers(0, max(len(words), 1), size=len(words)):
        if count >= budget:
            break
        start, end = words[w]
        if count + (end - start) > budget:
            continue
        selected[start:end] = True
        count += end - start
    return selected
