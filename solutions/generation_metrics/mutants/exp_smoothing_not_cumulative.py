"""Mistake: exp smoothing divides every zero order by 2 instead of doubling the factor at each zero order
(mteval's and sacreBLEU's smooth_mteval *= 2 carries over)."""

import math
from collections import Counter

import numpy as np


def _tokens(seq, name: str) -> list:
    arr = np.asarray(seq)
    if arr.ndim != 1 or (arr.size and not np.issubdtype(arr.dtype, np.integer)):
        raise ValueError(f"{name} must hold 1-D sequences of integer token ids")
    return [int(t) for t in arr]


def _ngrams(tokens: list, max_order: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for n in range(1, max_order + 1) for i in range(len(tokens) - n + 1))


def _references(refs, name: str = "references") -> list:
    if isinstance(refs, np.ndarray) or not isinstance(refs, (list, tuple)) or len(refs) == 0:
        raise ValueError(f"{name}: each entry must be a non-empty list of reference sequences")
    return [_tokens(r, name) for r in refs]


def corpus_bleu(hypotheses, references, smooth: str = "exp", max_order: int = 4) -> float:
    """sacreBLEU's corpus BLEU (0..100) over token ids: clipped n-gram counts and lengths summed over the corpus."""
    if not isinstance(hypotheses, (list, tuple)) or len(hypotheses) == 0:
        raise ValueError("hypotheses must be a non-empty list of token sequences")
    if not isinstance(references, (list, tuple)) or len(references) != len(hypotheses):
        raise ValueError(f"references must have one entry per hypothesis ({len(hypotheses)})")
    if smooth not in ("exp", "none"):
        raise ValueError(f"smooth must be 'exp' or 'none', got {smooth!r}")
    if isinstance(max_order, bool) or not isinstance(max_order, int) or max_order < 1:
        raise ValueError(f"max_order must be an int >= 1, got {max_order!r}")
    correct = [0] * max_order
    total = [0] * max_order
    sys_len = ref_len = 0
    for hyp_seq, refs in zip(hypotheses, references, strict=True):
        hyp = _tokens(hyp_seq, "hypotheses")
        ref_list = _references(refs)
        best = Counter()
        for ref in ref_list:
            for gram, count in _ngrams(ref, max_order).items():
                best[gram] = max(best[gram], count)
        for gram, count in _ngrams(hyp, max_order).items():
            total[len(gram) - 1] += count
            correct[len(gram) - 1] += min(count, best[gram])
        sys_len += len(hyp)
        ref_len += min((abs(len(r) - len(hyp)), len(r)) for r in ref_list)[1]
    if sys_len < ref_len:
        bp = math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0
    else:
        bp = 1.0
    if not any(correct) or 0 in total:
        return 0.0
    log_sum = 0.0
    factor = 1.0
    for n in range(max_order):
        if correct[n] == 0:
            if smooth == "none":
                return 0.0
            factor = 2
            precision = 100.0 / (factor * total[n])
        else:
            precision = 100.0 * correct[n] / total[n]
        log_sum += math.log(precision)
    return float(bp * math.exp(log_sum / max_order))


def rouge_l(hypothesis, references) -> tuple:
    """(precision, recall, fmeasure) of rouge-score's rougeL over token ids; with several references, the one with
    the highest F (the first on ties)."""
    hyp = _tokens(hypothesis, "hypothesis")
    best = None
    for ref in _references(references):
        if not hyp or not ref:
            score = (0.0, 0.0, 0.0)
        else:
            prev = [0] * (len(hyp) + 1)
            for r in ref:
                row = [0]
                for j, h in enumerate(hyp):
                    row.append(prev[j] + 1 if r == h else max(prev[j + 1], row[j]))
                prev = row
            lcs = prev[-1]
            p, r_ = lcs / len(hyp), lcs / len(ref)
            score = (p, r_, 2 * p * r_ / (p + r_) if p + r_ > 0 else 0.0)
        if best is None or score[2] > best[2]:
            best = score
    return tuple(float(x) for x in best)
