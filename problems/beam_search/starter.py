"""Beam search with a length penalty. Read the statement with `judge show beam_search`."""

def beam_search(logprobs, prompt, num_beams: int, max_new_tokens: int, eos_id: int, length_penalty: float = 1.0,
                early_stopping=False, num_return_sequences: int = 1) -> list:
    """The num_return_sequences best finished hypotheses, best first, as (generated ids, score) tuples.

    logprobs[t, a, b] is log P(token b at generation step t | previous token a); step 0 follows prompt[-1].
    score = sum of log-probs / (number of generated tokens) ** length_penalty. Raises ValueError naming the
    bad argument.
    """
    raise NotImplementedError("beam_search is not implemented yet")
