"""Sweep the capstone's training runs over many seeds: the spread behind the thresholds of
problems/pretrain_both_ways and problems/compare_objectives.

Runs the reference solution in this process (trusted code only) with the hidden tests' own settings, data,
initialization and evaluation, for seeds that the tests do not use, and prints per kind of position the minimum,
the 1st percentile and the mean accuracy of each objective, plus the CPU time of one run.

    .venv/bin/python bench/capstone_sweep.py --seeds 300
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--first", type=int, default=100_000, help="first seed (the tests use seeds below 1000)")
    args = parser.parse_args(argv)
    ref = _load("capstone_reference", REPO / "solutions" / "pretrain_both_ways" / "reference.py")
    tests = _load("capstone_tests", REPO / "problems" / "pretrain_both_ways" / "tests_hidden.py")
    kinds = ("a", "L", "R", "b")
    clm, mlm, cpu = [], [], {"clm": 0.0, "mlm": 0.0}
    for seed in range(args.first, args.first + args.seeds):
        params = tests.init_params(seed)
        data = tests.language(seed + 1_000_000, 512)
        texts = tests.language(seed + 2_000_000, tests.EVAL_ROWS)
        start = time.process_time()
        trained = ref.train_clm(params, data, np.random.default_rng(seed), **tests.CLM_RUN)
        cpu["clm"] += time.process_time() - start
        hits = tests.next_token_hits(trained, texts)
        clm.append([tests.kind_share(hits, k, first=1)[0] for k in range(4)])
        start = time.process_time()
        trained = ref.train_mlm(params, data, np.random.default_rng(seed), mask_id=tests.MASK, vocab_size=tests.V,
                                **tests.MLM_RUN)
        cpu["mlm"] += time.process_time() - start
        hits = tests.fill_in_hits(trained, texts)
        mlm.append([tests.kind_share(hits, k)[0] for k in range(4)])
    for name, key, rows in (("next-token (causal)", "clm", clm), ("fill-in (masked)", "mlm", mlm)):
        rows = np.array(rows)
        print(f"{name}: {args.seeds} seeds, CPU per run {cpu[key] / args.seeds:.3f} s")
        for k, kind in enumerate(kinds):
            col = rows[:, k]
            print(f"  {kind}: min {col.min():.3f}  1st pct {np.percentile(col, 1):.3f}  mean {col.mean():.3f}"
                  f"  max {col.max():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
