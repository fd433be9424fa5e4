# expect: timeout
# tiers: bwrap container process
"""Ignores SIGXCPU, SIGALRM and SIGTERM, then spins: the deadline must be enforced from outside with SIGKILL."""
import signal


def causal_mask(seq_len):
    for sig in (signal.SIGXCPU, signal.SIGALRM, signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    while True:
        pass
