"""Generation metrics: corpus BLEU and ROUGE-L. Read the statement with `judge show generation_metrics`."""


def corpus_bleu(hypotheses, references, smooth: str = "exp", max_order: int = 4) -> float:
    """sacreBLEU's corpus BLEU (0..100) over token ids.

    Clipped n-gram counts, hypothesis lengths and closest reference lengths (ties to the shorter) are summed over
    the corpus; BP = exp(1 - r / c) when c < r; smooth is "exp" (sacreBLEU's default) or "none".
    Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("corpus_bleu is not implemented yet")


def rouge_l(hypothesis, references) -> tuple:
    """(precision, recall, f) of rouge-score's rougeL over token ids, from the longest common subsequence.

    With several references, the triple of the one with the highest f (the first on ties).
    Raises ValueError naming the bad argument.
    """
    raise NotImplementedError("rouge_l is not implemented yet")
