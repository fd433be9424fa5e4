# expect: memory timeout
# tiers: bwrap container process
"""Grows a list until memory runs out.

Touching 1 GiB usually takes 0.3-1 s of CPU, but on a VM whose balloon has handed the pages back to the host the
first touch can cost more than the 2 s budget, so the CPU budget may stop it before the memory limit does. Either
limit contains it; memory_twice_the_limit.py checks the memory limit with no time race.
"""


def causal_mask(seq_len):
    hog = []
    while True:
        hog.append(bytearray(256 << 20))
