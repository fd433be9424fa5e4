"""The trusted side against a worker that writes hostile replies.

Every attack runs as learner code in a real worker and writes its frames straight to the reply pipe, answering the
very call the trusted side waits on. The trusted side runs in a subprocess under an address-space cap (so that a
regression fails the test instead of taking the machine down) and measures its own peak resident memory; the
bound checked is the one :attr:`judge.engine.executor.Executor.reply_cap` states: the reply cap (the problem's memory
limit) plus 64 MiB for the Python objects of a header of at most 1 MiB.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from classroom import PROBE_REFERENCE, make_class, probe_root
from helpers import judge

from judge.engine.executor import Executor, Limits, _rng_states
from judge.engine.problems import load_problem
from judge.engine.proxy import SolutionProxy, SubmissionFault
from judge.engine.runner import run_solution
from judge.isolated import wire

MiB = 1 << 20
MEMORY_MB = 256  # the worker's memory limit, hence the reply cap
OBJECTS_MB = 64  # what the parsed 1 MiB header and its decoding may add

HOSTILE = '''
import json
import os
import struct
import sys
import time

MiB = 1 << 20


def _call_frame():
    """The worker's own frame of this call: it knows the reply pipe and the sequence number awaited."""
    frame = sys._getframe(1)
    while "req" not in frame.f_locals:
        frame = frame.f_back
    return frame.f_locals["self"].rep_fd, frame.f_locals["req"]["seq"]


def _write(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _frame(fd, raw_header, payload_bytes=0):
    _write(fd, struct.pack(">I", len(raw_header)) + raw_header)
    chunk = b"\\x01" * MiB
    while payload_bytes > 0:
        _write(fd, chunk[:payload_bytes])
        payload_bytes -= MiB


def _reply(seq, value, sizes):
    return json.dumps({"ok": True, "seq": seq, "value": value, "__buffers__": sizes}).encode()


def honest():
    return 1


def attack(kind):
    fd, seq = _call_frame()
    if kind == "one_buffer_many_references":  # 200 MiB, named 15000 times
        ref = {"__ndarray__": [0, "|u1", [200 * MiB]]}
        _frame(fd, _reply(seq, [ref] * 15000, [200 * MiB]), 200 * MiB)
    elif kind == "huge_header_announced":  # 48 MiB of {} announced
        _frame(fd, b"[" + b"{}," * (16 * MiB) + b"{}]")
    elif kind == "header_of_empty_objects":  # just under the 1 MiB cap, all of it {}
        body = b"[" + b"{}," * 349000 + b"{}]"
        _frame(fd, b'{"ok":true,"seq":%d,"value":' % seq + body + b"}")
    elif kind == "header_of_empty_lists":  # decodes, and every list is built twice
        body = b"[" + b"[]," * 349000 + b"[]]"
        _frame(fd, b'{"ok":true,"seq":%d,"value":' % seq + body + b"}")
    elif kind == "announced_never_sent":  # 250 MiB announced, 8 MiB sent, then the worker dies
        _frame(fd, _reply(seq, None, [250 * MiB]), 8 * MiB)
        os._exit(0)
    elif kind == "many_announced_buffers":  # 60000 buffers of 4 KiB announced, none sent
        _frame(fd, _reply(seq, None, [4096] * 60000))
        os._exit(0)
    elif kind == "too_many_buffers":
        _frame(fd, _reply(seq, None, [0] * 200000))
    elif kind == "deep_nesting":
        _frame(fd, b'{"ok":true,"seq":%d,"value":' % seq + b"[" * 400000 + b"]" * 400000 + b"}")
    elif kind == "many_small_buffers":  # 20000 arrays of 8 bytes, each its own buffer
        refs = [{"__ndarray__": [i, "<f8", [1]]} for i in range(20000)]
        _frame(fd, _reply(seq, refs, [8] * 20000), 8 * 20000)
    elif kind == "buffers_over_the_cap":
        _frame(fd, _reply(seq, None, [400 * MiB]), 400 * MiB)
    time.sleep(30)
'''

TRUSTED = '''
import json, resource, sys
from judge.engine.executor import Executor, Limits
from judge.sandbox.launch import SandboxSpec

MiB = 1 << 20


def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


kind, path, memory_mb, objects_mb = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
limits = Limits(time_s=20.0, memory_mb=memory_mb, startup_s=60.0)
ex = Executor(path, ["attack", "honest"], ["json", "os", "struct", "sys", "time"], limits, sandbox=SandboxSpec())
warm = ex.call("honest", (), {}, 20.0)  # the worker is up and every module of the trusted side is imported
assert warm.verdict == "ok", warm
cap = ex.reply_cap
resource.setrlimit(resource.RLIMIT_AS, (status("VmSize") + cap + 512 * MiB, resource.RLIM_INFINITY))
with open("/proc/self/clear_refs", "w") as fh:  # from here, VmHWM is the peak of this call alone
    fh.write("5")
before = status("VmRSS")
try:
    got = ex.call("attack", (kind,), {}, 20.0)
    verdict, message = got.verdict, got.message
except MemoryError:
    verdict, message = "MemoryError", "the trusted side ran out of its address space"
ex.close()
print(json.dumps({"verdict": verdict, "message": message[:300], "grown": status("VmHWM") - before,
                  "bound": cap + objects_mb * MiB}))
'''


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.py"
    path.write_text(HOSTILE)
    return path


@pytest.mark.parametrize("kind, verdict", [
    ("one_buffer_many_references", "crashed"),
    ("huge_header_announced", "crashed"),
    ("header_of_empty_objects", "crashed"),
    ("header_of_empty_lists", "ok"),
    ("announced_never_sent", "crashed"),
    ("many_announced_buffers", "crashed"),
    ("too_many_buffers", "crashed"),
    ("deep_nesting", "crashed"),
    ("many_small_buffers", "ok"),
    ("buffers_over_the_cap", "crashed"),
])
def test_trusted_peak_memory_stays_within_the_stated_bound(hostile, kind, verdict):
    """Each hostile reply ends in a verdict (a protocol fault is the learner's) while the trusted side's peak
    resident memory grows by at most the reply cap plus 64 MiB (it ran under an address-space cap)."""
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("needs Linux's /proc/self/clear_refs to reset the peak resident memory")
    proc = subprocess.run([sys.executable, "-c", TRUSTED, kind, str(hostile), str(MEMORY_MB), str(OBJECTS_MB)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["verdict"] == verdict, got
    assert got["grown"] <= got["bound"], f"{kind}: grew {got['grown'] / MiB:.0f} MiB, bound {got['bound'] / MiB:.0f}"


# -- the executor's reader in-process ----------------------------------------------------------------------------
def test_reply_cap_follows_the_memory_limit():
    """No honest result outgrows the worker's memory: the cap on a reply's buffers is the memory limit."""
    assert Executor("x.py", [], [], Limits(memory_mb=64)).reply_cap == 64 * MiB
    assert Executor("x.py", [], [], Limits(memory_mb=100_000)).reply_cap == wire.MAX_TOTAL_BYTES


def test_surrogates_never_reach_the_trusted_side():
    """A lone surrogate, escaped in the JSON a worker writes, is replaced at parse: every string is valid UTF-8."""
    raw = json.dumps({"message": "bad \udcff byte", "k\ud800": ["\ud83d\ude00", "\udfff"]}).encode()
    header, _ = wire.parse_header(raw)
    assert header == {"message": "bad \ufffd byte", "k\ufffd": ["\U0001f600", "\ufffd"]}
    json.dumps(header, ensure_ascii=False).encode("utf-8")  # what a gradebook write needs


def test_a_buffer_backs_at_most_one_array():
    """The decoder adopts each buffer into one array; a second reference is refused, not copied."""
    buf = np.arange(4, dtype=np.uint8)
    got = wire.decode({"__ndarray__": [0, "|u1", [4]]}, [buf])
    assert np.shares_memory(got, buf) and got.flags.writeable
    node = [{"__ndarray__": [0, "|u1", [4]]}] * 2
    with pytest.raises(wire.WireError, match="used twice"):
        wire.decode(node, [np.arange(4, dtype=np.uint8)])
    with pytest.raises(wire.WireError, match="used twice"):
        wire.decode([{"__npscalar__": [0, "|u1"]}, {"__ndarray__": [0, "|u1", []]}], [b"\x01"])


def test_buffer_caps_in_headers():
    """Buffers over the caller's cap, or more of them than MAX_BUFFERS, are refused from the header alone."""
    with pytest.raises(wire.WireError, match="over 1000"):
        wire.parse_header(b'{"__buffers__": [600, 401]}', max_total=1000)
    assert wire.parse_header(b'{"__buffers__": [600, 400]}', max_total=1000)[1] == [600, 400]
    with pytest.raises(wire.WireError):
        wire.parse_header(json.dumps({"__buffers__": [0] * (wire.MAX_BUFFERS + 1)}).encode())


# -- abandoned calls, malformed generator states -------------------------------------------------------------------
SLOW = '''
import time

import numpy as np


def slow(seconds):
    time.sleep(seconds)
    return "late"


def echo(value):
    return value
'''


def test_an_abandoned_call_kills_the_worker(tmp_path):
    """An exception that escapes a call mid-way (the trusted pytest timeout, ^C) kills the worker: the next call gets
    a fresh worker and its own answer, never the abandoned call's late reply."""
    (tmp_path / "slow.py").write_text(SLOW)
    ex = Executor(tmp_path / "slow.py", ["slow", "echo"], ["time", "numpy"], Limits(time_s=10.0))

    class Abandon(BaseException):
        pass

    def fire(signum, frame):
        raise Abandon

    old = signal.signal(signal.SIGALRM, fire)
    try:
        assert ex.call("echo", (1,), {}, 10.0).value[0] == 1
        first = ex._proc
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with pytest.raises(Abandon):
            ex.call("slow", (1.0,), {}, 10.0)
        assert ex._proc is None and first.poll() is not None  # killed, not left with a pending reply
        time.sleep(1.0)  # past the moment the abandoned call would have replied
        got = ex.call("echo", ("fresh",), {}, 10.0)
        assert got.verdict == "ok" and got.value[0] == "fresh"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        ex.close()


CORRUPT_RNG = '''
import sys


def draw(rng):
    rng.random()
    frame = sys._getframe(1)
    while "gens" not in frame.f_locals:  # the worker's own call frame
        frame = frame.f_back
    frame.f_locals["gens"].clear()
    frame.f_locals["gens"].append((0, CORRUPT))
    return 1.0


class Corrupt:
    """Stands for the generator: its state is what goes back to the trusted side."""

    def __init__(self, state):
        self.bit_generator = type("B", (), {"state": state})()


CORRUPT = None
'''


@pytest.mark.parametrize("state", [
    {"bit_generator": "PCG64", "state": {"state": "x", "inc": 1}, "has_uint32": 0, "uinteger": 0},
    {"bit_generator": "MT19937", "state": {"key": {"__uint_list__": [1, 2], "dtype": "uint32"}, "pos": 0}},
    {"bit_generator": "SFC64"},
    "not a state",
])
def test_a_corrupt_generator_state_is_a_crash_not_a_valueerror(tmp_path, state):
    """A worker that corrupts the state of a generator it returns gets ``crashed``: a SubmissionFault, which no
    ``pytest.raises(ValueError)`` can take for the learner's own exception."""
    (tmp_path / "draw.py").write_text(CORRUPT_RNG.replace("CORRUPT = None", f"CORRUPT = Corrupt({state!r})"))
    ex = Executor(tmp_path / "draw.py", ["draw"], ["sys"], Limits(time_s=5.0))
    try:
        proxy = SolutionProxy(ex, ["draw"], 5.0)
        with pytest.raises(SubmissionFault) as info:
            with pytest.raises(ValueError):
                proxy.draw(np.random.default_rng(0))
        assert info.value.verdict == "crashed" and "protocol fault" in info.value.message
    finally:
        ex.close()


@pytest.mark.parametrize("states", [[[0]], [[0, {}, 2]], [[[0], {}]], "x", [[0.5, {}]], [None]])
def test_a_malformed_generator_report_is_refused(states):
    """The list of generator states itself malformed (pairs that do not unpack, odd keys) is a WireError, which the
    executor reports as a protocol fault (``crashed``), never a ValueError from unpacking it in a test."""
    with pytest.raises(wire.WireError):
        _rng_states(states)


def test_reply_headers_over_the_cap_are_refused_but_requests_may_be_larger():
    """The trusted side reads at most 1 MiB of a reply's header; what it sends may be larger (the source)."""
    big = {"source": "x" * (2 * MiB)}
    with pytest.raises(wire.WireError):
        wire.frame_parts(big)
    parts = wire.frame_parts(big, (), wire.MAX_REQUEST_HEADER_BYTES)
    assert wire.header_size(parts[0][:4], wire.MAX_REQUEST_HEADER_BYTES) > 2 * MiB
    with pytest.raises(wire.WireError):
        wire.header_size(parts[0][:4])


# -- one student's text cannot stop the class --------------------------------------------------------------------
SURROGATE = 'def causal_mask(seq_len):\n    raise ValueError("bad \\udcff byte from " + chr(0xDCFF))\n'


def test_a_lone_surrogate_in_a_message_does_not_stop_the_class(tmp_path):
    """A student whose exception message carries '\\udcff' (text no UTF-8 writer accepts) gets a stored result
    (the surrogate replaced at decode), and the students graded after them too: the run completes."""
    root = probe_root(tmp_path)
    subs = make_class(tmp_path / "class", {"ada": PROBE_REFERENCE, "sam": SURROGATE, "zoe": PROBE_REFERENCE})
    out = tmp_path / "out"
    proc = judge("grade", str(subs), "--out", str(out), "--jobs", "1", "--allow-weak-sandbox", root=root,
                 env={"JUDGE_SANDBOX": "process"})
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    sam = json.loads((out / "results" / "sam" / "probe.json").read_text(encoding="utf-8"))
    assert {t["status"] for t in sam["tests"]} == {"error"} and sam["score"] == 0
    public = next(t for t in sam["tests"] if t["visibility"] == "public")
    assert "bad \ufffd byte from \ufffd" in public["message"]
    for honest in ("ada", "zoe"):
        assert json.loads((out / "results" / honest / "probe.json").read_text())["score"] == 3
    assert (out / "grades.csv").read_text(encoding="utf-8").count("\n") == 4


ABANDONED_TESTS = '''
import numpy as np
import pytest

from judge.checkers import expect_array


@pytest.mark.points(1)
@pytest.mark.timeout(0.3)
def test_abandoned(sol):
    """Abandoned by the trusted pytest timeout while the call still runs."""
    sol.causal_mask(99)


@pytest.mark.points(1)
def test_after(sol):
    """The next test gets its own answer."""
    expect_array(sol.causal_mask(3), np.tril(np.ones((3, 3), dtype=bool)), name="causal_mask(3)")
'''

SLOW_AT_99 = '''
import time

import numpy as np


def causal_mask(seq_len):
    if seq_len == 99:
        time.sleep(1.0)
    return np.tril(np.ones((seq_len, seq_len), dtype=bool))
'''


def test_a_call_abandoned_by_the_trusted_timeout_leaves_no_stale_reply(tmp_path):
    """pytest-timeout abandons a call (the worker still running it): that test is a timeout, and the next test reads
    its own reply from a fresh worker, not the late one (which used to make it a judge_error)."""
    root = probe_root(tmp_path)
    (root / "problems" / "probe" / "tests_hidden.py").write_text(ABANDONED_TESTS)
    (tmp_path / "slow.py").write_text(SLOW_AT_99)
    result = run_solution(load_problem(root, "probe"), tmp_path / "slow.py", limits=Limits(time_s=5.0))
    got = {t["name"]: (t["status"], t["message"]) for t in result["tests"]}
    assert got["test_abandoned"][0] == "timeout", got
    assert got["test_after"] == ("passed", ""), got
