"""Sweep the capstone's training runs over many seeds: the spread behind the thresholds of
problems/pretrain_both_ways and problems/compare_objectives.

Runs the reference solution of compare_objectives in this process (trusted code only) with the hidden tests' own
settings, data, initialization and evaluation, on seeds the tests do not use, and prints per kind of position the
minimum, the 1st percentile and the mean of each objective's accuracy and loss, the share of valid generated
texts, and the CPU time of one training run.

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


def _kinds(report: dict, first: int) -> list[float]:
    out = []
    for key in ("accuracy", "loss"):
        values = report[key]
        out += [float(np.mean([values[c] for c in range(k, len(values), 4) if c >= first])) for k in range(4)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--first", type=int, default=100_000, help="first seed (the tests use seeds below 1000)")
    args = parser.parse_args(argv)
    ref = _load("capstone_reference", REPO / "solutions" / "compare_objectives" / "reference.py")
    tests = _load("capstone_tests", REPO / "problems" / "compare_objectives" / "tests_hidden.py")
    clm, mlm, valid, cpu = [], [], [], {"clm": 0.0, "mlm": 0.0}
    for seed in range(args.first, args.first + args.seeds):
        params = tests.init_params(seed)
        data = tests.language(seed + 1_000_000, 512)
        texts = tests.language(seed + 2_000_000, tests.EVAL_ROWS)
        start = time.process_time()
        trained = ref.train_clm(params, data, np.random.default_rng(seed), **tests.CLM_RUN)
        cpu["clm"] += time.process_time() - start
        clm.append(_kinds(tests.trusted_report(trained, texts, "next"), first=1))
        prompts = np.random.default_rng(seed + 3_000_000).integers(0, 8, size=(300, 1))
        samples = ref.generate(trained, prompts, tests.T - 1, np.random.default_rng(seed))
        valid.append(float(tests.valid_texts(samples).mean()))
        start = time.process_time()
        trained = ref.train_mlm(params, data, np.random.default_rng(seed), mask_id=tests.MASK, vocab_size=tests.V,
                                **tests.MLM_RUN)
        cpu["mlm"] += time.process_time() - start
        mlm.append(_kinds(tests.trusted_report(trained, texts, "fill"), first=0))
    for name, key, rows in (("next-token (causal)", "clm", clm), ("fill-in (masked)", "mlm", mlm)):
        rows = np.array(rows)
        print(f"{name}: {args.seeds} seeds, CPU per training run {cpu[key] / args.seeds:.3f} s")
        for j, label in enumerate(f"{m} {k}" for m in ("accuracy", "loss") for k in "aLRb"):
            col = rows[:, j]
            print(f"  {label:10s} min {col.min():.3f}  1st pct {np.percentile(col, 1):.3f}  mean {col.mean():.3f}"
                  f"  99th pct {np.percentile(col, 99):.3f}  max {col.max():.3f}")
    valid = np.array(valid)
    print(f"valid generated texts (causal LM): min {valid.min():.3f}  mean {valid.mean():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
