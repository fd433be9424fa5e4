# expect: error
# tiers: bwrap container process
"""Opens thousands of files and keeps them open."""


def causal_mask(seq_len):
    handles = []
    for i in range(5000):
        handles.append(open(f"f{i}.txt", "w"))
