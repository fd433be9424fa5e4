# expect: error
# tiers: bwrap container process
"""Issue 11, class 4: raises with a lone surrogate in its message (and in an exception note). Written as-is to
the gradebook, such a string is not valid UTF-8: the parent's write failed, `judge grade` died, and a rerun died
on the same pair. The message reaches the result with the surrogate replaced; the class goes on."""


def causal_mask(seq_len):
    exc = ValueError("bad value \udcff\ud800 here")
    exc.add_note("note \udfff")
    raise exc
