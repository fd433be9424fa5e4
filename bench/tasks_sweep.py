"""Sweep tasks_both_ways' training runs over many seeds: the spread behind the thresholds of
problems/tasks_both_ways (continue a text, cloze at R and L, each model).

Runs the reference solution of tasks_both_ways in this process (trusted code only) with the hidden tests' own
settings, data, initialization and evaluation, on seeds the tests do not use, and prints for each measurement the
minimum, the 1st and 99th percentiles, the mean and the maximum, and the CPU time of one pair of training runs.

    .venv/bin/python bench/tasks_sweep.py --seeds 200
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
COLUMNS = ("continue, causal (valid)", "continue, masked (valid)", "cloze R, causal", "cloze R, masked",
           "cloze L, causal", "cloze L, masked")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cloze(ref, fn, params, texts, kind, candidates, *extra) -> float:
    return float(np.mean([(getattr(ref, fn)(params, texts, t, candidates, *extra) == texts[:, t]).mean()
                          for t in (kind, kind + 4)]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--first", type=int, default=100_000, help="first seed (the tests use seeds below 1000)")
    args = parser.parse_args(argv)
    ref = _load("tasks_reference", REPO / "solutions" / "tasks_both_ways" / "reference.py")
    tests = _load("tasks_tests", REPO / "problems" / "tasks_both_ways" / "tests_hidden.py")
    rows, cpu = [], 0.0
    for seed in range(args.first, args.first + args.seeds):
        params = tests.init_params(seed)
        data = tests.language(seed + 1_000_000, 512)
        texts = tests.language(seed + 2_000_000, tests.EVAL_ROWS)
        start = time.process_time()
        clm = ref.train_clm(params, data, np.random.default_rng(seed), **tests.CLM_RUN)
        mlm = ref.train_mlm(params, data, np.random.default_rng(seed), mask_id=tests.MASK, vocab_size=tests.V,
                            **tests.MLM_RUN)
        cpu += time.process_time() - start
        prompts = texts[:, :4]
        rows.append([
            tests.valid_share(ref.continue_clm(clm, prompts, 4, np.random.default_rng(seed))),
            tests.valid_share(ref.continue_mlm(mlm, prompts, 4, np.random.default_rng(seed), tests.MASK)),
            _cloze(ref, "cloze_clm", clm, texts, 2, tests.R_IDS), _cloze(ref, "cloze_mlm", mlm, texts, 2, tests.R_IDS,
                                                                        tests.MASK),
            _cloze(ref, "cloze_clm", clm, texts, 1, tests.L_IDS), _cloze(ref, "cloze_mlm", mlm, texts, 1, tests.L_IDS,
                                                                        tests.MASK)])
    table = np.array(rows)
    print(f"{args.seeds} seeds, CPU per pair of training runs {cpu / args.seeds:.3f} s")
    for j, label in enumerate(COLUMNS):
        col = table[:, j]
        print(f"  {label:26s} min {col.min():.3f}  1st pct {np.percentile(col, 1):.3f}  mean {col.mean():.3f}"
              f"  99th pct {np.percentile(col, 99):.3f}  max {col.max():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
