# expect: error
# tiers: bwrap
"""Fills the private tmp (a size-capped tmpfs that lives in RAM) with many medium files.

Not run under the container tier: there /tmp is the machine's, with no size cap a tier without mount
namespaces could set; the call is stopped by its CPU budget (timeout) and the uid's files are swept after the
worker (judge/container.py), so what it costs is disk space for one call's time (README, threat model)."""
import os


def causal_mask(seq_len):
    for i in range(10_000):
        with open(f"/tmp/fill{i}", "wb") as fh:
            fh.write(b"x" * (8 << 20))
