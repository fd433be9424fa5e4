"""Verdict failed (wrong type): returns an object whose __eq__ always says True."""


class Liar:
    def __eq__(self, other):
        return True

    def __bool__(self):
        return True


def causal_mask(seq_len):
    if seq_len < 0:
        raise ValueError("seq_len")
    return Liar()
