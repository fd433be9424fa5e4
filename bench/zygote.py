"""What one submission's worker costs when grading (a zygote's fork into namespaces of its own, a trivial call,
the kill), in wall time and CPU time (the judge's own and the sandbox's), over N submissions. A figure to
compare between versions in the same run of the machine, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from judge.engine.executor import Executor, Limits  # noqa: E402
from judge.sandbox.launch import SandboxSpec  # noqa: E402
from judge.sandbox.zygote import Zygote  # noqa: E402

SOURCE = "def probe(x):\n    return x + 1\n"


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and everything it has reaped (the sandbox's zygote has reaped every worker)."""
    total = 0.0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_bytes().rsplit(b")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")
            for task in os.listdir(f"/proc/{p}/task"):
                stack += [int(c) for c in Path(f"/proc/{p}/task/{task}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100)
    args = parser.parse_args()
    spec = SandboxSpec("bwrap")
    zygote = Zygote(spec)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.py"
        path.write_text(SOURCE)
        warm = Executor(path, ["probe"], [], Limits(), sandbox=spec, zygote=zygote)
        assert warm.call("probe", (1,), {}, 2.0).value[0] == 2
        warm.close()
        own0, sandbox0 = resource.getrusage(resource.RUSAGE_SELF), tree_cpu(zygote.root_pid)
        start = time.perf_counter()
        for _ in range(args.n):
            executor = Executor(path, ["probe"], [], Limits(), sandbox=spec, zygote=zygote)
            executor.call("probe", (1,), {}, 2.0)
            executor.close()
        wall = (time.perf_counter() - start) / args.n
        own1, sandbox1 = resource.getrusage(resource.RUSAGE_SELF), tree_cpu(zygote.root_pid)
    judge_cpu = (own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime) / args.n
    sandbox_cpu = (sandbox1 - sandbox0) / args.n
    zygote.close()
    print(f"per submission over {args.n}: wall {wall * 1000:.1f} ms, CPU {judge_cpu * 1000:.1f} ms in the judge "
          f"+ {sandbox_cpu * 1000:.1f} ms in the sandbox")


if __name__ == "__main__":
    main()
