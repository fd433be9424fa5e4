"""A second correct generation_metrics: n-grams built with zip over shifted slices into plain dicts, statistics in
NumPy arrays, log-precisions summed with np.log, and the LCS computed one reference token at a time with a NumPy
row update (running maximum by np.maximum.accumulate)."""

import math

import numpy as np


def _seq(value, name):
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name}: every sequence must be 1-D")
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"{name}: token ids must be integers")
    return arr.astype(np.int64).tolist()


def _ref_lists(entry, name="references"):
    if not isinstance(entry, (list, tuple)) or not entry:
        raise ValueError(f"{name}: each entry must be a non-empty list of sequences")
    return [_seq(x, name) for x in entry]


def _counts(tokens, n):
    table = {}
    for gram in zip(*(tokens[k:] for k in range(n)), strict=False):   # shifted slices: the shortest ends it
        table[gram] = table.get(gram, 0) + 1
    return table


def corpus_bleu(hypotheses, references, smooth: str = "exp", max_order: int = 4) -> float:
    """Corpus BLEU (0..100) as sacreBLEU computes it, over token ids."""
    if not isinstance(hypotheses, (list, tuple)) or not hypotheses:
        raise ValueError("hypotheses must be a non-empty list")
    if not isinstance(references, (list, tuple)) or len(references) != len(hypotheses):
        raise ValueError("references needs exactly one entry per hypothesis")
    if smooth != "exp" and smooth != "none":
        raise ValueError("smooth must be 'exp' or 'none'")
    if type(max_order) is not int or max_order < 1:
        raise ValueError("max_order must be a positive int")
    stats = np.zeros((2, max_order), dtype=np.int64)        # row 0: clipped matches, row 1: n-gram totals
    c = r = 0
    for hyp_raw, entry in zip(hypotheses, references, strict=True):
        hyp = _seq(hyp_raw, "hypotheses")
        refs = _ref_lists(entry)
        for n in range(1, max_order + 1):
            ceiling = {}
            for ref in refs:
                for gram, k in _counts(ref, n).items():
                    if k > ceiling.get(gram, 0):
                        ceiling[gram] = k
            mine = _counts(hyp, n)
            stats[1, n - 1] += sum(mine.values())
            stats[0, n - 1] += sum(min(k, ceiling.get(gram, 0)) for gram, k in mine.items())
        c += len(hyp)
        lengths = sorted({len(ref) for ref in refs})
        gaps = [abs(length - len(hyp)) for length in lengths]
        r += lengths[gaps.index(min(gaps))]
    correct, total = stats
    if correct.sum() == 0 or (total == 0).any():
        return 0.0
    zero = correct == 0
    if zero.any() and smooth == "none":
        return 0.0
    factors = 2.0 ** np.cumsum(zero)                           # 2, 4, 8, ... at the zero orders
    precisions = np.where(zero, 100.0 / (factors * np.maximum(total, 1)), 100.0 * correct / np.maximum(total, 1))
    penalty = 1.0 if c >= r else (math.exp(1.0 - r / c) if c else 0.0)
    return float(penalty * math.exp(float(np.log(precisions).sum()) / max_order))


def _lcs(a, b):
    row = np.zeros(len(b) + 1, dtype=np.int64)
    b_arr = np.asarray(b, dtype=np.int64)
    for token in a:
        diagonal = row[:-1] + 1
        candidate = np.concatenate([[0], np.where(b_arr == token, diagonal, row[1:])])
        row = np.maximum.accumulate(candidate)
    return int(row[-1])


def rouge_l(hypothesis, references) -> tuple:
    """(precision, recall, f) of rougeL over token ids; the reference with the highest f wins, first on ties."""
    hyp = _seq(hypothesis, "hypothesis")
    scores = []
    for ref in _ref_lists(references):
        if len(hyp) == 0 or len(ref) == 0:
            scores.append((0.0, 0.0, 0.0))
            continue
        common = _lcs(ref, hyp)
        precision, recall = common / len(hyp), common / len(ref)
        f = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        scores.append((precision, recall, f))
    best = int(np.argmax([s[2] for s in scores]))
    return tuple(float(v) for v in scores[best])
